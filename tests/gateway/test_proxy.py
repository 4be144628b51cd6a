"""The gateway in front of a real frontend and a stand-in service, over real HTTP."""

from __future__ import annotations

from events.check_only import CHECK_HEADER, CHECK_ONLY
from events.embedded import free_port
from events.identity import IDENTITY_HEADER
from gateway.routes import Routes
from tests.support.gateway import signed_in
from tests.support.people import enrol


def test_pages_come_from_the_frontend_with_security_headers(make_gateway, engine):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    answer = client.get("/")
    assert answer.status_code == 200
    assert "Welcome, Grace" in answer.get_data(as_text=True)
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/static/app.css").status_code == 200


def test_htmx_headers_reach_the_frontend(make_gateway, engine):
    admin = enrol(engine, "grace@example.sch.uk", "trust_admin", school_id=None)
    client = signed_in(make_gateway(), admin)
    answer = client.get("/operator", headers={"HX-Request": "true", "HX-Target": "health"})
    assert answer.get_data(as_text=True).lstrip().startswith('<section id="health"')


def test_api_goes_to_its_service_below_its_prefix_with_the_person(make_gateway, echo, engine):
    client = signed_in(make_gateway(echo=echo[1]), enrol(engine, "grace@example.sch.uk"))
    answer = client.post(
        "/api/echo/things/a%20b?x=1&y=2",
        data=b'{"name": "Ada"}',
        headers={"X-CSRF-Token": "the-token", IDENTITY_HEADER: "forged by the browser"},
    )
    assert answer.status_code == 201
    assert answer.get_json() == {
        "method": "POST",
        "path": "/things/a b",
        "query": "x=1&y=2",
        "body": '{"name": "Ada"}',
        "prefix": "/api/echo",
        "forwarded_host": "localhost",
        "cookie": None,  # the session cookie is the gateway's alone
        "who": "Grace Hopper",  # the gateway's signed header replaced the browser's
    }
    assert sorted(answer.headers.getlist("Set-Cookie"))[0].startswith("first=1")
    assert "Content-Security-Policy" in answer.headers


def test_an_api_client_may_have_a_command_checked_and_not_run(
    make_gateway, counter_url, engine, nats, store
):
    client = signed_in(make_gateway(counter=counter_url), enrol(engine, "grace@example.sch.uk"))
    path = "/api/counter/counters/a/increments"
    headers = {"X-CSRF-Token": "the-token", CHECK_HEADER: CHECK_ONLY}
    assert client.post(path, json={"by": 1, "reason": "why"}, headers=headers).status_code == 204
    wrong = client.post(path, json={"by": 0, "reason": "why"}, headers=headers)
    assert wrong.status_code == 422 and set(wrong.get_json()["fields"]) == {"by"}
    assert nats.run(store.last_seq()) == 0


def test_nobody_signed_in_is_sent_to_sign_in_or_refused(make_gateway, echo):
    service, url = echo
    client = make_gateway(echo=url).test_client()
    page = client.get("/programme?day=1")
    assert page.status_code == 302
    assert page.headers["Location"] == "/sign-in?next=/programme?day%3D1"
    api = client.get("/api/echo/things")
    assert (api.status_code, api.get_json()["error"]) == (401, "unauthenticated")
    htmx = client.get("/", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/sign-in")
    assert service.extensions["calls"] == 0
    assert client.get("/static/app.css").status_code == 200  # assets need nobody


def test_someone_who_has_left_is_signed_out(make_gateway, engine):
    person = enrol(engine, "gone@example.sch.uk", status="left")
    client = signed_in(make_gateway(), person)
    assert client.get("/").status_code == 302
    with client.session_transaction() as session:
        assert "sid" not in session


def test_an_unknown_service_is_404_json(make_gateway, engine):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    answer = client.get("/api/nosuch/things")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"


def test_a_service_that_is_down_is_502_json(make_gateway, engine):
    gateway = make_gateway(gone=f"http://127.0.0.1:{free_port()}")
    answer = signed_in(gateway, enrol(engine, "grace@example.sch.uk")).get("/api/gone/x")
    assert answer.status_code == 502
    assert answer.get_json() == {
        "error": "bad_gateway",
        "message": "The gone service is not answering. Nothing was done; try again.",
    }


def test_a_frontend_that_is_down_is_a_502_page_or_json_as_asked(make_gateway, engine):
    gateway = make_gateway(frontend=f"http://127.0.0.1:{free_port()}")
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    page = client.get("/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 502
    assert page.mimetype == "text/html"
    assert "The frontend is not answering" in page.get_data(as_text=True)
    data = client.get("/", headers={"Accept": "application/json"})
    assert (data.status_code, data.get_json()["error"]) == (502, "bad_gateway")


def test_a_service_too_slow_to_answer_is_504(make_gateway, echo, engine):
    gateway = make_gateway(timeout=0.5, echo=echo[1])
    answer = signed_in(gateway, enrol(engine, "grace@example.sch.uk")).get("/api/echo/slow")
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
