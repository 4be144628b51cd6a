"""What the gateway answers when the service it relays to is killed, paused or drops the
connection: 502 "nothing was done" only when the request never left; once it was sent, 504
`not_confirmed` (a read: `gateway_timeout`), never a claim that nothing changed."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from events import unknown_outcome
from events.in_flight import STUCK_AFTER
from tests.support.gateway import signed_in
from tests.support.people import enrol
from tests.support.standin import standin

CSRF = {"X-CSRF-Token": "the-token"}
KEYED = {**CSRF, "Idempotency-Key": "k1"}


@pytest.fixture
def standin_service():
    with standin() as service:
        yield service


def client_of(make_gateway, engine, url: str, timeout: float = 5.0):
    gateway = make_gateway(timeout=timeout, standin=url)
    return signed_in(gateway, enrol(engine, "grace@example.sch.uk"))


def test_a_killed_service_is_502_nothing_was_done(make_gateway, engine, standin_service):
    client = client_of(make_gateway, engine, standin_service.url)
    assert client.post("/api/standin/things", json={}, headers=CSRF).status_code == 200
    standin_service.kill()

    answer = client.post("/api/standin/things", json={}, headers=KEYED)
    assert answer.status_code == 502
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json() == {
        "error": "bad_gateway",
        "message": f"The standin service is not answering. {unknown_outcome.NOTHING_DONE}",
    }


def test_a_paused_service_is_504_not_confirmed_with_what_the_key_does(
    make_gateway, engine, standin_service
):
    client = client_of(make_gateway, engine, standin_service.url, timeout=0.5)
    standin_service.pause()

    keyed = client.post("/api/standin/things", json={}, headers=KEYED)
    assert keyed.status_code == 504
    assert keyed.headers["Retry-After"] == "2"
    assert keyed.get_json()["error"] == "not_confirmed"
    said = keyed.get_json()["message"]
    assert said.startswith("The standin service did not answer in time.")
    assert unknown_outcome.NOT_CONFIRMED in said and unknown_outcome.WITH_THE_KEY in said
    assert "nothing was" not in said.lower()

    unkeyed = client.delete("/api/standin/things/1", headers=CSRF)
    assert (unkeyed.status_code, unkeyed.get_json()["error"]) == (504, "not_confirmed")
    assert unknown_outcome.WITHOUT_A_KEY in unkeyed.get_json()["message"]

    read = client.get("/api/standin/things")
    assert (read.status_code, read.get_json()["error"]) == (504, "gateway_timeout")
    assert read.get_json()["message"] == "The standin service did not answer in time. Try again."


def test_a_connection_dropped_after_sending_is_not_confirmed_and_not_sent_again(
    make_gateway, engine, standin_service
):
    client = client_of(make_gateway, engine, standin_service.url)
    answer = client.post("/api/standin/drop", json={}, headers=KEYED)
    assert (answer.status_code, answer.get_json()["error"]) == (504, "not_confirmed")
    assert client.get("/api/standin/count").get_json()["count"] == 2  # the drop, and this


def test_a_paused_frontend_tells_a_person_in_the_pages_words(make_gateway, engine, standin_service):
    gateway = make_gateway(frontend=standin_service.url, frontend_timeout=0.5)
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    standin_service.pause()
    page = client.post("/days/1/book", data={"key": "k"}, headers={**CSRF, "Accept": "text/html"})
    assert page.status_code == 504
    assert page.headers["Retry-After"] == "2"
    text = page.get_data(as_text=True)
    assert "We could not confirm this: it may or may not have been done." in text
    assert "Idempotency-Key" not in text


def test_a_paused_service_holds_no_more_than_its_share_of_the_gateways_threads(
    make_gateway, engine, standin_service, echo
):
    gateway = make_gateway(
        timeout=4, in_flight_per_service=1, standin=standin_service.url, echo=echo[1]
    )
    person = enrol(engine, "grace@example.sch.uk")
    standin_service.pause()
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(signed_in(gateway, person).get, "/api/standin/things")
        time.sleep(STUCK_AFTER + 0.3)  # the first request has waited too long
        refused = signed_in(gateway, person).post("/api/standin/things", json={}, headers=KEYED)
        assert (refused.status_code, refused.get_json()["error"]) == (503, "busy")
        assert refused.headers["Retry-After"] == "2"
        assert unknown_outcome.NOTHING_DONE in refused.get_json()["message"]
        assert signed_in(gateway, person).get("/api/echo/x").status_code == 200  # others go on
        assert waiting.result().status_code == 504
    again = signed_in(gateway, person).get("/api/standin/things")
    assert again.status_code == 504  # its place was given back: sent, and timed out
