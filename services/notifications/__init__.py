"""The notifications service: each person's outbox of emails, their preferences; the
reactions that queue messages and the sender that sends them are processes of their own."""

from __future__ import annotations

from flask import Flask

from events.config import Settings
from events.service import create_service
from services.notifications.api import blp


def create_app(settings: Settings | None = None) -> Flask:
    app, api = create_service(__name__, "notifications", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
