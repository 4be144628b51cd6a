"""The gateway's own routes against who is asking: nobody, someone signed in, someone whose
session outlived their leaving the trust; in production (school accounts) and in development
("sign in as"). A is allowed (2xx/3xx), S sent to sign in first (a redirect to /sign-in),
N not found (404: what the other mode offers). Every other path goes to the frontend or a
service through the proxy, one row here (the frontend's own matrix is in
tests/frontend/test_who_may.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import oidc_provider_mock
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from events.config import Settings
from events.db import migrate
from events.store import StreamSettings
from frontend import create_app as create_frontend
from gateway import create_app as create_gateway
from gateway.routes import Routes
from gateway.signin import OidcSettings
from readmodels import PACKAGE_DIR
from readmodels.directory.tables import people
from tests.support.databases import DATABASES
from tests.support.gateway import signed_in
from tests.support.http import serve
from tests.support.identity import SECRET_KEY
from tests.support.matrix import cells
from tests.support.people import enrol
from tests.support.shared import fresh_database, fresh_store

WHO = ("anonymous", "signed_in", "leaver", "dev_anonymous", "dev_signed_in")
MATRIX = """
route                                   anonymous signed_in leaver dev_anonymous dev_signed_in
GET /sign-in                            A         A         A      A             A
POST /sign-in/as                        N         N         N      A             A
GET /sign-in/school                     A         A         A      N             N
GET /sign-in/callback, no state         B         B         B      N             N
POST /sign-out                          A         A         A      A             A
GET /api/docs                           A         A         A      A             A
GET /api/docs/openapi.json              A         A         A      A             A
GET /my-cpd, through the proxy          S         A         S      S             A
GET /invitations/<forged>               F         F         F      F             F
POST /invitations/<forged>, no CSRF     F         F         F      F             F
GET /polls/<forged>                     F         F         F      F             F
POST /polls/<forged>, no CSRF           F         F         F      F             F
"""
EXPECTED = {"A": range(200, 400), "N": (404,), "B": range(400, 404), "F": (404,)}
"""F: an email's signed link (deploy/secret_paths.py SIGNED_LINKS) goes through to the
frontend with no sign-in and no CSRF token, which finds a forged one no link of ours: 404."""
CSRF = "the-token"


def parse(matrix: str) -> list[tuple[str, str, str]]:
    return cells(matrix, WHO)


@dataclass
class Gateways:
    production: Flask
    dev: Flask
    people: dict[str, str]
    """Who (signed_in, leaver) to their person id."""

    def client(self, who: str) -> FlaskClient:
        app = self.dev if who.startswith("dev_") else self.production
        kind = who.removeprefix("dev_")
        if kind == "anonymous":
            client = app.test_client()
            with client.session_transaction() as session:
                session["csrf"] = CSRF  # as after loading the sign-in page
            return client
        return signed_in(app, self.people[kind], csrf=CSRF)


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module", params=DATABASES)
def gateways(request, nats, nats_server, tmp_path_factory, provider) -> Iterator[Gateways]:
    with (
        fresh_store(nats) as store,
        fresh_database(request.param, tmp_path_factory.mktemp("who")) as (url, engine),
    ):
        migrate(engine, [PACKAGE_DIR])
        settings = Settings(nats_server.url, url, store.settings, SECRET_KEY)
        frontend = create_frontend(settings, {})
        with serve(frontend) as frontend_url:
            oidc = OidcSettings(
                provider, client_id="staffroom", client_secret="s3cret", label="Microsoft"
            )
            production = create_gateway(Routes(frontend_url), settings, oidc)
            dev = create_gateway(Routes(frontend_url), replace(settings, dev=True))
            ids = {who: enrol(engine, f"{who}@example.sch.uk") for who in ("signed_in", "leaver")}
            with engine.begin() as connection:  # their sessions open after: still refused
                leaving = people.c.person_id == ids["leaver"]
                connection.execute(update(people).where(leaving).values(status="left"))
            yield Gateways(production, dev, ids)
            for app in (production, dev, frontend):
                app.extensions["engine"].dispose()


Request = tuple[str, str, dict]
POST = {"headers": {"X-CSRF-Token": CSRF}}
REQUESTS: dict[str, tuple[str, Callable[[Gateways], Request]]] = {
    "GET /sign-in": ("GET /sign-in", lambda g: ("GET", "/sign-in", {})),
    "POST /sign-in/as": (
        "POST /sign-in/as",
        lambda g: ("POST", "/sign-in/as", {**POST, "data": {"person_id": g.people["signed_in"]}}),
    ),
    "GET /sign-in/school": ("GET /sign-in/school", lambda g: ("GET", "/sign-in/school", {})),
    "GET /sign-in/callback, no state": (
        "GET /sign-in/callback",
        lambda g: ("GET", "/sign-in/callback?code=stolen&state=forged", {}),
    ),
    "POST /sign-out": ("POST /sign-out", lambda g: ("POST", "/sign-out", POST)),
    "GET /api/docs": ("GET /api/docs", lambda g: ("GET", "/api/docs", {})),
    "GET /api/docs/openapi.json": (
        "GET /api/docs/openapi.json",
        lambda g: ("GET", "/api/docs/openapi.json", {}),
    ),
    "GET /my-cpd, through the proxy": ("proxy", lambda g: ("GET", "/my-cpd", {})),
    "GET /invitations/<forged>": ("proxy", lambda g: ("GET", "/invitations/forged", {})),
    "POST /invitations/<forged>, no CSRF": (
        "proxy",
        lambda g: ("POST", "/invitations/forged", {"data": {"answer": "accepted"}}),
    ),
    "GET /polls/<forged>": ("proxy", lambda g: ("GET", "/polls/forged", {})),
    "POST /polls/<forged>, no CSRF": (
        "proxy",
        lambda g: ("POST", "/polls/forged", {"data": {"tap": "o1:yes"}}),
    ),
}


def test_every_route_of_the_gateway_is_in_the_matrix():
    assert [route for route, _, _ in parse(MATRIX)][:: len(WHO)] == list(REQUESTS)
    settings = Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY)
    app = create_gateway(Routes("http://127.0.0.1:1"), settings)
    rules = {
        "proxy" if rule.endpoint == "proxy" else f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert {covered for covered, _ in REQUESTS.values()} == rules
    app.extensions["engine"].dispose()


@pytest.mark.parametrize(
    ("route", "who", "mark"),
    parse(MATRIX),
    ids=[f"{route}-{who}" for route, who, _ in parse(MATRIX)],
)
def test_who_may(gateways, route, who, mark):
    method, path, options = REQUESTS[route][1](gateways)
    answer = gateways.client(who).open(path, method=method, **options)
    said = f"{answer.status_code} {answer.headers.get('Location')}: {answer.get_data()[:300]!r}"
    sent_to_sign_in = answer.status_code == 302 and answer.headers["Location"].startswith(
        "/sign-in?next="
    )
    assert sent_to_sign_in == (mark == "S"), said
    if mark != "S":
        assert answer.status_code in EXPECTED[mark], said
