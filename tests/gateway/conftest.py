"""A real frontend and a stand-in service on real sockets, the directory's read model in a
real database, and a gateway in front of them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from flask import Flask, Response, jsonify, request
from flask.testing import FlaskClient

from events.config import Settings
from events.db import migrate
from events.identity import IDENTITY_HEADER, IdentitySigner, InvalidIdentity
from frontend import create_app as create_frontend
from gateway import create_app as create_gateway
from gateway.routes import Routes
from gateway.signin import OidcSettings
from readmodels import PACKAGE_DIR
from readmodels.signins import open_sign_in
from tests.support.http import serve
from tests.support.identity import SECRET_KEY


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


@pytest.fixture
def make_gateway(settings: Settings, frontend_url: str) -> Iterator[GatewayFactory]:
    made: list[Flask] = []

    def make(
        frontend: str = frontend_url,
        timeout: float = 5.0,
        dev: bool = False,
        oidc: OidcSettings | None = None,
        **services: str,
    ) -> Flask:
        routes = Routes(frontend, services)
        app = create_gateway(routes, replace(settings, dev=dev), oidc, timeout)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["engine"].dispose()


def signed_in(app: Flask, person_id: str, csrf: str = "the-token") -> FlaskClient:
    """A browser holding the session of a person who has signed in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = open_sign_in(app.extensions["engine"], person_id)
        session["csrf"] = csrf
    return client
