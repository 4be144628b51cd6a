"""The networks service: networks, date polls and their meetings, series, school priorities."""

from __future__ import annotations

from flask import Flask

from events.config import Settings
from events.service import create_service
from services.networks import api, finding, invitations_api, meetings_api


def create_app(settings: Settings | None = None) -> Flask:
    app, service = create_service(__name__, "networks", settings or Settings.from_env())
    service.register_blueprint(api.blp)
    service.register_blueprint(meetings_api.blp)
    service.register_blueprint(finding.blp)
    service.register_blueprint(invitations_api.blp)
    return app
