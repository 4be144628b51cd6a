"""The trust days service: PD days, their sessions, places, waitlists and registers."""

from __future__ import annotations

from flask import Flask

from events.config import Settings
from events.service import create_service
from services.trustdays.api import blp


def create_app(settings: Settings | None = None) -> Flask:
    app, api = create_service(__name__, "trustdays", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
