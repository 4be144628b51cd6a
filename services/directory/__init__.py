"""The directory service: the trust's schools, people and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.config import Settings

if TYPE_CHECKING:
    from flask import Flask

IMPORT_MAX_BODY = 10 * 1024 * 1024
"""A school MIS staff export (CSV) of a large school: the gateway allows as much there."""


def create_app(settings: Settings | None = None) -> Flask:
    """Its Flask app, blueprints and flask_smorest are imported here, not at the top: a process
    that only reads the service's contract (events, schemas, domain) stays without them."""
    from events.service import create_service
    from services.directory.api import blp

    settings = settings or Settings.from_env()
    app, api = create_service(__name__, "directory", settings, max_body=IMPORT_MAX_BODY)
    api.register_blueprint(blp)
    return app
