"""The trust year service: the academic year's terms, each school's own terms and closures
(holidays, INSET days), imported from a school's calendar or set on a page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.config import Settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None) -> Flask:
    """Its Flask app, blueprints and flask_smorest are imported here, not at the top: a process
    that only reads the service's contract (events, schemas, domain) stays without them."""
    from events.service import create_service
    from services.trustyear.api import blp

    app, api = create_service(__name__, "trustyear", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
