"""Headers the gateway adds to every answer: HSTS in production, no-store by default, and
an error's own headers (a 405's Allow)."""

from __future__ import annotations

from tests.support.gateway import signed_in
from tests.support.people import enrol


def test_production_answers_carry_hsts_and_development_does_not(make_gateway):
    production = make_gateway(dev=False).test_client().get("/sign-in")
    assert production.headers["Strict-Transport-Security"] == "max-age=31536000"
    development = make_gateway(dev=True).test_client().get("/sign-in")
    assert "Strict-Transport-Security" not in development.headers


def test_answers_without_their_own_caching_are_not_stored(make_gateway, echo, engine):
    client = signed_in(make_gateway(echo=echo[1]), enrol(engine, "grace@example.sch.uk"))
    assert client.get("/api/echo/me").cache_control.no_store  # an API answer is personal
    assert client.get("/sign-in").cache_control.no_store  # it carries a CSRF token
    assert client.get("/my-cpd").cache_control.no_store  # the frontend's own rule
    asset = client.get("/static/app.css")
    assert asset.cache_control.no_cache and not asset.cache_control.no_store


def test_a_method_the_gateway_does_not_take_is_405_with_allow(make_gateway, engine):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    headers = {"Accept": "application/json", "X-CSRF-Token": "the-token"}
    answer = client.open("/", method="TRACE", headers=headers)
    assert answer.status_code == 405
    assert answer.get_json()["error"] == "method_not_allowed"
    assert {"GET", "POST", "DELETE"} <= set(answer.headers["Allow"].split(", "))
