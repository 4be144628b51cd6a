"""A real frontend and a stand-in service on real sockets, the directory's read model in a
real database, and a gateway in front of them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import oidc_provider_mock
import pytest
from flask import Flask, Response, jsonify, request

from events.config import Settings
from events.db import migrate
from events.identity import IDENTITY_HEADER, IdentitySigner, InvalidIdentity
from events.in_flight import DEFAULT_LIMIT
from events.timeouts import FRONTEND_RELAY
from frontend import create_app as create_frontend
from gateway import create_app as create_gateway
from gateway.identities import IdentityCache
from gateway.routes import Routes
from gateway.signin import OidcSettings
from readmodels import PACKAGE_DIR
from services.directory import create_app as directory_app
from tests.support import counter_service
from tests.support.http import serve
from tests.support.identity import SECRET_KEY
from tests.support.stack import running_projector


def echo_service() -> Flask:
    """A stand-in service that says what reached it, and who (by the signed header)."""
    app = Flask("echo")
    app.extensions["calls"] = 0
    signer = IdentitySigner(SECRET_KEY)

    @app.route("/<path:path>", methods=["GET", "POST", "DELETE"])
    def echo(path: str) -> Response:
        app.extensions["calls"] += 1
        if path == "slow":
            time.sleep(2)
        try:
            who = signer.verify(request.headers.get(IDENTITY_HEADER)).name
        except InvalidIdentity:
            who = None
        answer = jsonify(
            method=request.method,
            path=request.path,
            query=request.query_string.decode(),
            body=request.get_data(as_text=True),
            prefix=request.headers.get("X-Forwarded-Prefix"),
            forwarded_host=request.headers.get("X-Forwarded-Host"),
            cookie=request.headers.get("Cookie"),
            who=who,
        )
        answer.status_code = 201 if request.method == "POST" else 200
        answer.set_cookie("first", "1")
        answer.set_cookie("second", "2")
        return answer

    return app


@pytest.fixture
def settings(nats_server, store, stream_settings, database_url, engine) -> Settings:
    migrate(engine, [PACKAGE_DIR])
    return Settings(nats_server.url, database_url, stream_settings, SECRET_KEY)


@pytest.fixture
def counter_url(settings: Settings) -> Iterator[str]:
    """The counter service (tests.support.counter_service), built like every real one."""
    with serve(counter_service.create_app(settings)) as url:
        yield url


@pytest.fixture
def frontend_url(settings: Settings) -> Iterator[str]:
    app = create_frontend(settings)
    with serve(app) as url:
        yield url
    app.extensions["engine"].dispose()


@pytest.fixture
def echo() -> Iterator[tuple[Flask, str]]:
    app = echo_service()
    with serve(app) as url:
        yield app, url


GatewayFactory = Callable[..., Flask]


class Clock:
    """The gateway's clock for how long it remembers who a sign-in is: it moves when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def passes(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_gateway(settings: Settings, frontend_url: str, clock: Clock) -> Iterator[GatewayFactory]:
    made: list[Flask] = []

    def make(
        frontend: str = frontend_url,
        timeout: float = 5.0,
        dev: bool = False,
        oidc: OidcSettings | None = None,
        in_process: Flask | None = None,
        frontend_timeout: float = FRONTEND_RELAY,
        in_flight_per_service: int = DEFAULT_LIMIT,
        settings_changed: dict[str, Any] | None = None,
        **services: str,
    ) -> Flask:
        """A gateway relaying pages to `frontend` over HTTP, or serving them with the app
        `in_process` inside its own (as `staffroom up` does: deploy/front_door.py); its
        Settings as the fixture's, with `settings_changed` (a rate limit, say)."""
        routes = Routes(frontend, services)
        identities = IdentityCache(clock=clock)
        changed = {"dev": dev, "in_flight_per_service": in_flight_per_service}
        app = create_gateway(
            routes,
            replace(settings, **changed, **(settings_changed or {})),
            oidc,
            timeout,
            identities,
            in_process,
            frontend_timeout=frontend_timeout,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["engine"].dispose()


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_gateway(make_gateway, provider, settings, nats, store, engine) -> Iterator[str]:
    """A gateway signing in with a local provider, with the directory service (which links
    identities) and the projector (which tells the gateway of the links) behind it."""
    oidc = OidcSettings(provider, client_id="staffroom", client_secret="s3cret", label="Microsoft")
    with serve(directory_app(settings)) as directory, running_projector(nats, store, engine):
        app = make_gateway(oidc=oidc, directory=directory)
        app.config["SESSION_COOKIE_SECURE"] = False  # the test's browser speaks plain HTTP
        with serve(app) as url:
            yield url
