"""A page's command to a service that is killed, paused or drops the connection, with real
processes: only a request that never left says nothing was done (502); once it was sent the
page says the outcome is unknown (504), never that nothing changed."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import urllib3
from flask import Flask, jsonify

from events import unknown_outcome
from events.config import Settings
from events.in_flight import STUCK_AFTER
from events.projection import checkpoint
from events.store import StreamSettings
from frontend import create_app, not_shown_yet
from frontend.commands import COMMAND_POOL, send
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.pages import text
from tests.support.standin import StandIn, standin

HTMX = {"HX-Request": "true"}


@pytest.fixture
def service() -> Iterator[StandIn]:
    with standin() as running:
        yield running


@pytest.fixture
def app(service: StandIn) -> Iterator[Flask]:
    settings = Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY)
    app = create_app(settings, {"standin": service.url})

    @app.post("/sends/<path:path>")
    def sends(path: str):
        return jsonify(send("standin", "POST", f"/{path}", {}, key="k1"))

    yield app
    app.extensions["engine"].dispose()


def said(answer) -> str:
    return html.unescape(text(answer.get_data(as_text=True)))


def test_a_killed_service_is_502_and_nothing_was_done(app, service):
    client = app.test_client()
    assert client.post("/sends/things", headers=signed(someone())).status_code == 200
    service.kill()
    for headers in ({}, HTMX):
        answer = client.post("/sends/things", headers={**signed(someone()), **headers})
        assert answer.status_code == 502
        assert answer.headers["Retry-After"] == "2"
        assert unknown_outcome.NOTHING_DONE in said(answer)


def test_a_paused_service_is_504_and_the_outcome_unknown(app, service):
    app.extensions[COMMAND_POOL] = urllib3.PoolManager(  # its 10 s read timeout, shortened
        timeout=urllib3.Timeout(connect=2.0, read=0.5), retries=urllib3.Retry(0)
    )
    service.pause()
    answer = app.test_client().post("/sends/things", headers={**signed(someone()), **HTMX})
    assert answer.status_code == 504
    assert answer.headers["Retry-After"] == "2"
    assert unknown_outcome.ON_A_PAGE in said(answer)
    assert "nothing was" not in said(answer).lower()


def test_a_connection_dropped_after_sending_is_504_and_not_sent_again(app, service):
    answer = app.test_client().post("/sends/drop", headers=signed(someone()))
    assert answer.status_code == 504
    assert unknown_outcome.ON_A_PAGE in said(answer)
    counted = app.test_client().post("/sends/count", headers=signed(someone()))
    assert counted.get_json()["count"] == 2  # the drop, once, and this


def test_a_paused_service_holds_no_more_than_its_share_of_the_pages_threads(app, service):
    app.extensions["settings"] = replace(app.extensions["settings"], in_flight_per_service=1)
    app.extensions[COMMAND_POOL] = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=2.0, read=4), retries=urllib3.Retry(0)
    )
    service.pause()
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(app.test_client().post, "/sends/things", headers=signed(someone()))
        time.sleep(STUCK_AFTER + 0.3)  # the first command has waited too long
        refused = app.test_client().post("/sends/things", headers=signed(someone()))
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "2"
        assert unknown_outcome.NOTHING_DONE in said(refused)
        assert waiting.result().status_code == 504
    assert app.test_client().post("/sends/things", headers=signed(someone())).status_code == 504


def test_a_command_done_when_the_records_cannot_be_read_says_it_was_done(service, tmp_path):
    """The service did it; the read models (a database file without its tables) cannot
    be read, neither to wait for the write nor to show the page."""
    tables_away = f"sqlite:///{tmp_path / 'away.db'}"
    app = create_app(Settings("nats://127.0.0.1:1", tables_away, StreamSettings(), SECRET_KEY))

    @app.post("/sends-and-shows")
    def sends_and_shows():
        send("standin", "POST", "/things", {}, key="k1", read_in="trustdays")
        return str(checkpoint(app.extensions["engine"], "trustdays"))

    app.extensions["services"] = {"standin": service.url}
    try:
        answer = app.test_client().post("/sends-and-shows", headers={**signed(someone()), **HTMX})
    finally:
        app.extensions["engine"].dispose()
    assert answer.status_code == 503
    assert not_shown_yet.CANNOT_SHOW in said(answer)
