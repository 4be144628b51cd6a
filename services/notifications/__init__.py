"""The notifications service: each person's outbox of emails, their preferences; the
reactions that queue messages and the sender that sends them are processes of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.config import Settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None) -> Flask:
    """Its Flask app, blueprints and flask_smorest are imported here, not at the top: a process
    that only reads the service's contract (events, schemas, domain) stays without them."""
    from events.service import create_service
    from services.notifications.api import blp

    app, api = create_service(__name__, "notifications", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
