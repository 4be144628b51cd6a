"""The directory service: the trust's schools, people and roles."""

from __future__ import annotations

from flask import Flask

from events.config import Settings
from events.service import create_service
from services.directory.api import blp


def create_app(settings: Settings | None = None) -> Flask:
    app, api = create_service(__name__, "directory", settings or Settings.from_env())
    api.register_blueprint(blp)
    return app
