"""The trust year service: the academic year's terms, each school's own terms and closures
(holidays, INSET days), imported from a school's calendar or set on a page."""

from __future__ import annotations

from flask import Flask

from events.config import Settings
from events.service import create_service
from services.trustyear.api import blp


def create_app(settings: Settings | None = None) -> Flask:
    app, api = create_service(__name__, "trustyear", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
