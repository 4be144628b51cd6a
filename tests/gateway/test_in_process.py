"""The frontend served inside the gateway's process (gateway/in_process.py, as `staffroom up`
runs it): the same door as the HTTP relay. A page sees the gateway's signed person and not
the browser's cookie or forged header, CSRF and sign-in still come first, and the services
are still reached over HTTP with their honest 502 and 504."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from events.embedded import free_port
from events.identity import IDENTITY_HEADER, IdentitySigner, InvalidIdentity
from frontend import create_app as create_frontend
from tests.support.gateway import signed_in
from tests.support.identity import SECRET_KEY
from tests.support.people import enrol


def pages_echo() -> Flask:
    """A stand-in frontend saying what reached it: each call counted."""
    app = Flask("pages-echo", static_folder=None)
    app.extensions["calls"] = 0
    signer = IdentitySigner(SECRET_KEY)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def echo(path: str) -> Response:
        app.extensions["calls"] += 1
        try:
            who = signer.verify(request.headers.get(IDENTITY_HEADER)).name
        except InvalidIdentity:
            who = None
        answer = jsonify(
            method=request.method,
            path=request.path,
            query=request.query_string.decode(),
            body=request.get_data(as_text=True),
            form=request.form.get("name"),
            cookie=request.headers.get("Cookie"),
            forwarded_for=request.headers.get("X-Forwarded-For"),
            forwarded_host=request.headers.get("X-Forwarded-Host"),
            forwarded_proto=request.headers.get("X-Forwarded-Proto"),
            who=who,
        )
        answer.headers["Connection"] = "close"  # about one connection: never passed on
        answer.set_cookie("first", "1")
        return answer

    return app


def test_a_page_comes_from_the_frontend_in_process_with_security_headers(
    make_gateway, settings, engine
):
    frontend = create_frontend(settings)
    client = signed_in(make_gateway(in_process=frontend), enrol(engine, "grace@example.sch.uk"))
    answer = client.get("/")
    assert answer.status_code == 200
    assert "Welcome, Grace" in answer.get_data(as_text=True)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.get("/static/app.css").status_code == 200
    htmx = client.get("/", headers={"HX-Request": "true", "HX-Target": "nosuch"})
    assert htmx.status_code == 200
    frontend.extensions["engine"].dispose()


def test_the_page_sees_the_gateways_person_not_the_browsers(make_gateway, engine):
    pages = pages_echo()
    client = signed_in(make_gateway(in_process=pages), enrol(engine, "grace@example.sch.uk"))
    answer = client.post(
        "/days/a%20b/book?x=1",
        data={"name": "Ada", "csrf_token": "the-token"},
        headers={IDENTITY_HEADER: "forged by the browser", "X-Forwarded-For": "10.0.0.9"},
    )
    assert answer.status_code == 200
    seen = answer.get_json()
    assert seen == {
        "method": "POST",
        "path": "/days/a b/book",
        "query": "x=1",
        "body": "name=Ada&csrf_token=the-token",  # the body the gateway read, whole
        "form": "Ada",
        "cookie": None,  # the session cookie is the gateway's alone
        "forwarded_for": "10.0.0.9, 127.0.0.1",
        "forwarded_host": "localhost",
        "forwarded_proto": "http",
        "who": "Grace Hopper",  # the gateway's signed header replaced the browser's
    }
    assert "Connection" not in answer.headers
    assert answer.headers["Set-Cookie"].startswith("first=1")


def test_csrf_and_sign_in_come_before_the_page(make_gateway, engine):
    pages = pages_echo()
    gateway = make_gateway(in_process=pages)
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    assert client.post("/days/1/book", data={"name": "Ada"}).status_code == 403
    stranger = gateway.test_client()
    assert stranger.get("/my-cpd").status_code == 302
    assert stranger.get("/static/app.css").get_json()["who"] is None  # open: nobody
    assert pages.extensions["calls"] == 1


def test_a_sign_out_reaches_the_page_at_once(make_gateway, engine):
    pages = pages_echo()
    client = signed_in(make_gateway(in_process=pages), enrol(engine, "grace@example.sch.uk"))
    assert client.get("/").get_json()["who"] == "Grace Hopper"
    assert client.post("/sign-out", data={"csrf_token": "the-token"}).status_code == 302
    assert client.get("/").status_code == 302  # to sign in: the identity is not remembered


def test_services_are_still_relayed_over_http_with_honest_errors(make_gateway, echo, engine):
    gateway = make_gateway(
        in_process=pages_echo(), timeout=0.5, echo=echo[1], gone=f"http://127.0.0.1:{free_port()}"
    )
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    answer = client.get("/api/echo/things")
    assert (answer.status_code, answer.get_json()["who"]) == (200, "Grace Hopper")
    assert answer.get_json()["prefix"] == "/api/echo"
    assert client.get("/api/gone/x").status_code == 502
    assert client.get("/api/echo/slow").status_code == 504
