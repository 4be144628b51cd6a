"""`staffroom up` serves the quiet services (directory, trust year, networks, notifications)
in one gunicorn process (deploy/services_together.py): each below /<name>, each with its own
NATS user and rights, its own body limit and health; docker-compose and
STAFFROOM_SERVICES_APART=1 keep them apart. The whole stack through it: tests/deploy/test_cli.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import nats
import pytest
from flask import Flask, url_for
from honcho.environ import parse_procfile

from deploy.launcher import PROCFILE, process_env
from deploy.services_together import create_app
from deploy.together import (
    SERVICES,
    TOGETHER,
    TOGETHER_APP,
    frontend_inside_gateway,
    nats_urls_inside,
    services_in_one_process,
    services_inside,
)
from events import Event, EventStore, StreamSettings
from events.config import Settings
from events.connection import close_process_connection, process_connection
from events.db import migrate
from events.embedded import EmbeddedNats
from events.nats_access import ADMIN, local_passwords, users
from gateway import create_app as create_gateway
from gateway.routes import Routes
from readmodels import PACKAGE_DIR
from tests.support.gateway import signed_in
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.nats_users import nats_with_users
from tests.support.people import enrol

STREAM = StreamSettings(name="TOGETHER", subjects=("events.>",))
AMY = "00000000-0000-7000-8000-0000000000a1"
TERMS = [
    {"term": 1, "name": "Autumn", "starts": "2026-09-02", "ends": "2026-12-18"},
    {"term": 2, "name": "Spring", "starts": "2027-01-05", "ends": "2027-03-26"},
    {"term": 3, "name": "Summer", "starts": "2027-04-12", "ends": "2027-07-21"},
]


def procfile() -> dict[str, str]:
    return dict(parse_procfile(PROCFILE.read_text()).processes)


# The launcher's part: which lines are folded, and what each process is told.


def test_staffroom_up_serves_the_quiet_services_in_one_process():
    written = frontend_inside_gateway(procfile(), {})
    run = services_in_one_process(written, {})
    assert not set(TOGETHER) & set(run)
    assert services_inside(run[SERVICES]) == list(TOGETHER)
    assert run[SERVICES].startswith('gunicorn --config "$STAFFROOM_DEPLOY/gunicorn.conf.py"')
    assert "--workers 1" in run[SERVICES] and "--worker-class" not in run[SERVICES]
    assert "--bind 127.0.0.1:$SERVICES_PORT" in run[SERVICES]
    assert f"\"{TOGETHER_APP}('directory,trustyear,networks,notifications')\"" in run[SERVICES]
    # the others as they were, in the same order, the process where the directory was
    others = [name for name in written if name not in TOGETHER]
    assert [name for name in run if name != SERVICES] == others
    assert {name: run[name] for name in others} == {name: written[name] for name in others}
    assert list(run).index(SERVICES) == list(written).index("directory")
    assert "LoopWorker" in run["trustdays"]  # the hot one keeps its own


def test_the_services_can_still_each_be_a_process_of_their_own():
    written = procfile()
    assert services_in_one_process(written, {"STAFFROOM_SERVICES_APART": "1"}) == written
    # a line given more workers or another worker class, or another app, stays apart
    scaled = {**written, "networks": written["networks"].replace("--workers 1", "--workers 3")}
    looped = {
        **written,
        "directory": written["directory"].replace(
            "--workers 1", "--workers 1 --worker-class deploy.loop_worker.LoopWorker"
        ),
    }
    other = {**written, "trustyear": "gunicorn --workers 1 'my.trustyear:app()'"}
    for changed, apart in ((scaled, "networks"), (looped, "directory"), (other, "trustyear")):
        run = services_in_one_process(changed, {})
        assert run[apart] == changed[apart]
        assert services_inside(run[SERVICES]) == [n for n in TOGETHER if n != apart]
    only_one = {name: c for name, c in written.items() if name not in TOGETHER[1:]}
    assert services_in_one_process(only_one, {}) == only_one  # nothing to fold it with


def test_each_process_is_told_where_the_services_are_and_each_its_own_nats_user(tmp_path):
    run = services_in_one_process(frontend_inside_gateway(procfile(), {}), {})
    settings = Settings("", "sqlite://", STREAM, SECRET_KEY)
    env = process_env(list(run), settings, "", 8000, services_inside(run[SERVICES]))
    base = f"http://127.0.0.1:{env['SERVICES_PORT']}"
    for name in TOGETHER:
        assert env[f"STAFFROOM_SERVICE_{name.upper()}_URL"] == f"{base}/{name}"
        assert f"{name.upper()}_PORT" not in env
    assert "STAFFROOM_SERVICE_SERVICES_URL" not in env
    assert env["STAFFROOM_SERVICE_TRUSTDAYS_URL"] == f"http://127.0.0.1:{env['TRUSTDAYS_PORT']}"

    passwords = local_passwords([ADMIN, *procfile()], tmp_path / "pw.json")
    server = EmbeddedNats(tmp_path / "nats", users=users(passwords, STREAM.name, STREAM.prefix))
    own = nats_urls_inside(server, run[SERVICES])
    assert own == {
        "NATS_URL": server.url_for("directory"),  # /readyz asks NATS with the first's
        **{f"{name.upper()}_NATS_URL": server.url_for(name) for name in TOGETHER},
    }
    assert nats_urls_inside(server, run["trustdays"]) == {}


# The process itself: real NATS with the users of `staffroom up`, the apps on a real socket.


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    with nats_with_users(tmp_path_factory.mktemp("nats"), TOGETHER, STREAM) as running:
        yield running


@pytest.fixture
def together(server: EmbeddedNats, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The four services in one app, as `staffroom up`'s process makes them from its
    environment, served on a free port: its base URL."""
    monkeypatch.setenv("NATS_URL", server.url_for("directory"))
    for name in TOGETHER:
        monkeypatch.setenv(f"{name.upper()}_NATS_URL", server.url_for(name))
    monkeypatch.setenv("STAFFROOM_STREAM", STREAM.name)
    app = create_app(",".join(TOGETHER))
    where = app.mounts["/directory"]
    assert isinstance(where, Flask)
    where.add_url_rule("/where", "where", lambda: url_for("where", _external=True))
    close_process_connection()
    try:
        with serve(app) as url:
            yield url
    finally:
        close_process_connection()


def commands(person: str = AMY) -> dict[str, tuple[str, str, dict | None, dict[str, str]]]:
    """A command each service accepts, with who may send it."""
    admin = signed(someone("trust_admin", school_id=None))
    head = signed(someone(("headteacher", "oak"), school_id="oak"))
    priorities = {"priorities": [{"title": "Reading for pleasure"}]}
    return {
        "directory": ("POST", "/me/feed-token", None, signed(someone(person_id=person))),
        "trustyear": (
            "PUT",
            "/years/2026-27",
            {"starts": "2026-09-01", "ends": "2027-07-31", "terms": TERMS},
            admin,
        ),
        "networks": ("PUT", "/plans/oak/2026-27", priorities, head),
        "notifications": (
            "PUT",
            f"/people/{person}/preferences",
            {"kinds": {"day_reminder": "off"}},
            signed(someone(person_id=person)),
        ),
    }


def test_each_service_answers_below_its_name_as_its_own_nats_user(together, server, caplog):
    with httpx.Client(base_url=together, timeout=15) as client:
        for name in TOGETHER:
            health = client.get(f"/{name}/healthz")
            assert health.json() == {"status": "ok", "service": name}
        # Each command appends to its own service's subjects: only its own user may (one
        # connection for the process, the first's user, would have been refused for three)
        for name, (method, path, body, headers) in commands().items():
            answer = client.request(method, f"/{name}{path}", json=body, headers=headers)
            assert answer.status_code in (200, 201), (name, answer.text)
        missing = client.get("/nosuch/healthz")
        assert (missing.status_code, missing.json()["error"]) == (404, "not_found")

    connections = {name: process_connection(server.url_for(name)) for name in TOGETHER}
    assert len({id(connection) for connection in connections.values()}) == len(TOGETHER)
    for name, connection in connections.items():
        store = EventStore(connection.nc, STREAM, publish_deadline=0.5)
        other = "trustdays" if name == "directory" else "directory"
        subject = store.subject(other, "forged", name)
        with (
            caplog.at_level(logging.WARNING, logger="events.connection"),
            pytest.raises(nats.errors.TimeoutError),
        ):
            connection.run(
                store.append(
                    subject, [Event("TestCounterIncremented", {"by": 1, "reason": "forged"})], 0
                )
            )
        assert f'permissions violation for publish to "{subject}"' in caplog.text


def test_each_service_keeps_its_own_body_limit(together):
    """The directory takes a staff export of 10 MiB; the trust year 1 MiB, as apart."""
    body = b"x" * (2 * 1024 * 1024)
    admin = {**signed(someone("trust_admin", school_id=None)), "Content-Type": "application/json"}
    with httpx.Client(base_url=together, timeout=15) as client:
        directory = client.post("/directory/people", content=body, headers=admin)
        assert (directory.status_code, directory.json()["error"]) == (400, "bad_request")
        trustyear = client.put("/trustyear/years/2026-27", content=body, headers=admin)
        assert trustyear.status_code == 413


def test_through_the_gateway_each_service_answers_and_makes_its_urls_as_before(
    together, database_url, engine
):
    migrate(engine, [PACKAGE_DIR])
    routes = Routes("http://127.0.0.1:1", {name: f"{together}/{name}" for name in TOGETHER})
    settings = Settings("nats://127.0.0.1:1", database_url, STREAM, SECRET_KEY)
    gateway = create_gateway(routes, settings)
    try:
        person = enrol(engine, "amy@example.sch.uk")
        browser = signed_in(gateway, person)
        for name in TOGETHER:
            assert browser.get(f"/api/{name}/healthz").get_json()["service"] == name
        fed = browser.post("/api/directory/me/feed-token", headers={"X-CSRF-Token": "the-token"})
        assert fed.status_code == 201, fed.get_data(as_text=True)
        chosen = browser.get(f"/api/notifications/people/{person}/preferences")
        assert chosen.status_code == 200 and chosen.get_json()["person_id"] == person
        # A URL the service makes for itself: below the gateway's /api/directory, not /directory
        assert browser.get("/api/directory/where").get_data(as_text=True) == (
            "http://localhost/api/directory/where"
        )
        document = browser.get("/api/docs/openapi.json").get_json()
        for path in ("/api/directory/schools", "/api/trustyear/years/{year_id}"):
            assert path in document["paths"]
        assert any(path.startswith("/api/networks/") for path in document["paths"])
        assert any(path.startswith("/api/notifications/") for path in document["paths"])
    finally:
        gateway.extensions["engine"].dispose()
