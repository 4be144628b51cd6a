"""The gateway in front of a real frontend and a stand-in service, over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

from events.config import Settings
from events.db import migrate
from events.embedded import free_port
from frontend import PACKAGE_DIR, create_app
from gateway import create_app as create_gateway
from gateway.routes import Routes


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free port in a thread of its own; its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def echo_service() -> Flask:
    """A stand-in service that says what reached it."""
    app = Flask("echo")

    @app.route("/<path:path>", methods=["GET", "POST", "DELETE"])
    def echo(path: str) -> Response:
        if path == "slow":
            time.sleep(2)
        answer = jsonify(
            method=request.method,
            path=request.path,
            query=request.query_string.decode(),
            body=request.get_data(as_text=True),
            prefix=request.headers.get("X-Forwarded-Prefix"),
            forwarded_host=request.headers.get("X-Forwarded-Host"),
        )
        answer.status_code = 201 if request.method == "POST" else 200
        answer.set_cookie("first", "1")
        answer.set_cookie("second", "2")
        return answer

    return app


@pytest.fixture
def frontend_url(nats_server, store, stream_settings, database_url, engine) -> Iterator[str]:
    migrate(engine, [PACKAGE_DIR])
    app = create_app(Settings(nats_server.url, database_url, stream_settings))
    with serving(app) as url:
        yield url
    app.extensions["engine"].dispose()


@pytest.fixture
def service_url() -> Iterator[str]:
    with serving(echo_service()) as url:
        yield url


def gateway(frontend: str, timeout: float = 5.0, **services: str):
    return create_gateway(Routes(frontend, services), timeout).test_client()


def test_pages_come_from_the_frontend_with_security_headers(frontend_url):
    answer = gateway(frontend_url).get("/")
    assert answer.status_code == 200
    assert "Log health" in answer.get_data(as_text=True)
    assert answer.headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert gateway(frontend_url).get("/static/app.css").status_code == 200


def test_htmx_headers_reach_the_frontend(frontend_url):
    answer = gateway(frontend_url).get("/", headers={"HX-Request": "true", "HX-Target": "health"})
    assert answer.get_data(as_text=True).lstrip().startswith('<section id="health"')


def test_api_goes_to_its_service_below_its_prefix(frontend_url, service_url):
    client = gateway(frontend_url, echo=service_url)
    answer = client.post("/api/echo/things/a%20b?x=1&y=2", data=b'{"name": "Ada"}')
    assert answer.status_code == 201
    assert answer.get_json() == {
        "method": "POST",
        "path": "/things/a b",
        "query": "x=1&y=2",
        "body": '{"name": "Ada"}',
        "prefix": "/api/echo",
        "forwarded_host": "localhost",
    }
    assert sorted(answer.headers.getlist("Set-Cookie"))[0].startswith("first=1")
    assert len(answer.headers.getlist("Set-Cookie")) == 2
    assert "Content-Security-Policy" in answer.headers


def test_an_unknown_service_is_404_json(frontend_url):
    answer = gateway(frontend_url).get("/api/nosuch/things")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"


def test_a_service_that_is_down_is_502_json(frontend_url):
    answer = gateway(frontend_url, gone=f"http://127.0.0.1:{free_port()}").get("/api/gone/x")
    assert answer.status_code == 502
    assert answer.get_json() == {
        "error": "bad_gateway",
        "message": "The gone service is not answering: it may be starting or stopped.",
    }


def test_a_frontend_that_is_down_is_a_502_page_or_json_as_asked():
    client = gateway(f"http://127.0.0.1:{free_port()}")
    page = client.get("/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 502
    assert page.mimetype == "text/html"
    assert "The frontend is not answering" in page.get_data(as_text=True)
    data = client.get("/", headers={"Accept": "application/json"})
    assert (data.status_code, data.get_json()["error"]) == (502, "bad_gateway")


def test_a_service_too_slow_to_answer_is_504(frontend_url, service_url):
    answer = gateway(frontend_url, 0.5, echo=service_url).get("/api/echo/slow")
    assert answer.status_code == 504
    assert answer.get_json()["error"] == "gateway_timeout"


def test_services_come_from_the_environment():
    routes = Routes.from_env(
        {
            "STAFFROOM_FRONTEND_URL": "http://frontend:8001/",
            "STAFFROOM_SERVICE_TRUSTDAYS_URL": "http://trustdays:8002",
        }
    )
    assert routes.target("/api/trustdays/days/1").base_url == "http://trustdays:8002"
    assert routes.target("/api/trustdays/days/1").path == "/days/1"
    assert routes.target("/calendar").base_url == "http://frontend:8001"
    assert routes.target("/api/networks/x") is None
