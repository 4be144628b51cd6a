"""A command checked, not run (events.check_only): through the counter service over real
HTTP and NATS, then every route of every service."""

from __future__ import annotations

import httpx

from events.check_only import CHECK_HEADER, CHECK_ONLY
from tests.support.every_service import every_service, path_of, routes
from tests.support.identity import signed, someone

CHECK = {CHECK_HEADER: CHECK_ONLY}


def admin() -> dict[str, str]:
    return signed(someone("trust_admin"))


def increment(service: httpx.Client, headers: dict[str, str], **body) -> httpx.Response:
    return service.post("/counters/a/increments", json={"reason": "why", **body}, headers=headers)


def test_a_check_answers_for_the_schema_and_appends_nothing(service, nats, store):
    assert increment(service, {**admin(), **CHECK}, by=2).status_code == 204
    wrong = increment(service, {**admin(), **CHECK}, by=0, reason="")
    assert wrong.status_code == 422
    assert set(wrong.json()["fields"]) == {"by", "reason"}
    assert nats.run(store.last_seq()) == 0
    assert increment(service, admin(), by=2).status_code == 201
    assert nats.run(store.last_seq()) == 1


def test_a_check_still_needs_a_signed_identity(service):
    assert increment(service, CHECK, by=2).status_code == 401


def test_only_the_word_only_asks_for_a_check(service, nats, store):
    assert increment(service, {**admin(), CHECK_HEADER: "yes"}, by=2).status_code == 201


def test_no_route_of_any_service_runs_its_view_when_asked_to_check(stream_settings):
    """NATS nowhere: a view that ran would fail with 503 or 500, never 204 or 422."""
    answered: dict[str, int] = {}
    for app in every_service(stream_settings):
        client = app.test_client()
        for rule, method in routes(app):
            path = path_of(rule)
            answer = client.open(path, method=method, json={}, headers={**admin(), **CHECK})
            answered[f"{app.name} {method} {rule.rule}"] = answer.status_code
    commands = [route for route in answered if " GET " not in route]
    assert len(commands) > 50
    assert {route: s for route, s in answered.items() if s not in (204, 422)} == {}
    assert any(status == 422 for status in answered.values())
