"""The probes' /metrics asks for the token of the process's Settings (STAFFROOM_METRICS_TOKEN,
read and checked by events.config), in a web process (ProbeMiddleware) and on the probe port
of the projector and the reactors (serve)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from werkzeug.test import Client

from deploy.probe import ProbeMiddleware, serve
from events.config import Settings
from events.embedded import free_port
from events.store import StreamSettings
from tests.support.waiting import wait_until

SETTINGS = Settings(
    "nats://127.0.0.1:4222", "sqlite://", StreamSettings(), metrics_token="t0ken-of.the~settings"
)
BEARER = {"Authorization": "Bearer t0ken-of.the~settings"}


@pytest.fixture(autouse=True)
def another_token_in_the_environment(monkeypatch):
    monkeypatch.setenv("STAFFROOM_METRICS_TOKEN", "the-environment-s")


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"app"]


def test_a_web_process_asks_for_the_token_of_its_settings():
    client = Client(ProbeMiddleware(app, checks={}, settings=SETTINGS))
    assert client.get("/metrics").status_code == 401
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer the-environment-s"}).status_code
        == 401
    )
    answer = client.get("/metrics", headers=BEARER)
    assert answer.status_code == 200
    assert "staffroom_http_requests_total" in answer.get_data(as_text=True)


def test_without_a_token_in_the_settings_metrics_are_open():
    client = Client(ProbeMiddleware(app, checks={}, settings=replace(SETTINGS, metrics_token=None)))
    assert client.get("/metrics").status_code == 200


def test_a_token_of_other_characters_is_refused_not_an_error():
    client = Client(ProbeMiddleware(app, checks={}, settings=SETTINGS))
    assert client.get("/metrics", headers={"Authorization": "Bearer t\xf6ken"}).status_code == 401


def test_the_probe_port_asks_for_the_token_it_is_given():
    port = free_port()
    serve(port, {}, lambda: [], SETTINGS.metrics_token)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: httpx.get(f"{url}/healthz").status_code == 200)
    assert httpx.get(f"{url}/metrics").status_code == 401
    assert httpx.get(f"{url}/metrics", headers=BEARER).status_code == 200
