"""The networks service: networks, date polls and their meetings, series, school priorities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.config import Settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None) -> Flask:
    """Its Flask app, blueprints and flask_smorest are imported here, not at the top: a process
    that only reads the service's contract (events, schemas, domain) stays without them."""
    from events.service import create_service
    from services.networks import api, finding, invitations_api, meetings_api

    app, service = create_service(__name__, "networks", settings or Settings.from_env())
    service.register_blueprint(api.blp)
    service.register_blueprint(meetings_api.blp)
    service.register_blueprint(finding.blp)
    service.register_blueprint(invitations_api.blp)
    return app
