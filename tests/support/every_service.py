"""Every service's app with NATS nowhere (a view that ran would fail: 503 or 500), and
each route's methods, for tests of what every route does before its view."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from werkzeug.routing import Rule

from events.config import Settings, StreamSettings
from services import directory, networks, notifications, trustdays, trustyear
from tests.support.identity import SECRET_KEY

NOWHERE = "nats://127.0.0.1:1"


def every_service(stream: StreamSettings) -> list[Flask]:
    settings = Settings(NOWHERE, "sqlite://", stream, SECRET_KEY)
    made = (directory, networks, notifications, trustdays, trustyear)
    return [module.create_app(settings) for module in made]


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    """Each route and method of `app` (but HEAD and OPTIONS)."""
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def path_of(rule: Rule, **ids: str) -> str:
    """The rule's path with each variable `ids` names, and the others by their own names."""
    return rule.build({name: ids.get(name, name) for name in rule.arguments})[1]
