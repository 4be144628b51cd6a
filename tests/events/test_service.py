"""What every service shares (events.service), through a counter service over real HTTP."""

from __future__ import annotations

import time

import freezegun
import httpx
import pytest

from events import unknown_outcome
from events.config import Settings
from events.identity import MAX_AGE_SECONDS, IdentitySigner, InvalidIdentity
from events.openapi import PROBLEM
from events.service import MAX_BODY, NOT_JSON, VerifiedHeaders
from events.text import ID_LENGTH, ID_MESSAGE
from tests.support import counter_service
from tests.support.every_service import every_service, path_of, routes
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone


def admin() -> dict[str, str]:
    """Signed afresh for each request: a signed identity lives only a minute."""
    return signed(someone("trust_admin"))


def increment(service: httpx.Client, headers=None, **body) -> httpx.Response:
    headers = admin() if headers is None else headers
    return service.post("/counters/a/increments", json={"reason": "test", **body}, headers=headers)


def test_a_command_answers_with_its_sequence_and_events(service, nats, store):
    answer = increment(service, by=2)
    assert answer.status_code == 201
    assert answer.json() == {"seq": 1, "events": ["TestCounterIncremented"]}
    assert answer.headers["X-Staffroom-Seq"] == "1"
    assert service.get("/counters/a", headers=admin()).json() == {"total": 2}


def test_who_is_asking_comes_only_from_a_valid_signed_header(service):
    assert increment(service, headers={}, by=1).status_code == 401
    forged = signed(someone("trust_admin"), secret_key="another key")
    assert increment(service, headers=forged, by=1).json()["error"] == "unauthenticated"
    with freezegun.freeze_time("2020-01-01"):
        expired = signed(someone("trust_admin"))
    assert increment(service, headers=expired, by=1).status_code == 401
    teacher = signed(someone())
    assert increment(service, headers=teacher, by=1).status_code == 403
    assert service.get("/counters/a", headers=admin()).json() == {"total": 0}


def test_bad_input_is_422_with_field_errors_and_changes_nothing(service):
    answer = increment(service, by=0, reason="")
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid"
    assert set(answer.json()["fields"]) == {"by", "reason"}
    not_json = service.post(
        "/counters/a/increments",
        content=b"{",
        headers={**admin(), "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    assert not_json.json()["message"] == NOT_JSON
    assert service.get("/counters/a", headers=admin()).json() == {"total": 0}


def test_an_id_longer_than_any_read_model_keeps_is_422_and_changes_nothing(service):
    too_long = "x" * (ID_LENGTH + 1)
    body = {"owner_id": too_long, "school_ids": ["a", too_long], "note": too_long}
    answer = increment(service, by=1, **body)
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"owner_id": [ID_MESSAGE], "school_ids": {"1": [ID_MESSAGE]}}
    long_enough = increment(service, by=1, owner_id="x" * ID_LENGTH)
    assert long_enough.json()["fields"] == {"owner_id": ["Unknown field."]}  # the schema's say
    assert service.get("/counters/a", headers=admin()).json() == {"total": 0}


def test_an_id_longer_than_any_in_a_path_names_nothing_on_every_route(stream_settings):
    too_long, refused = "x" * (ID_LENGTH + 1), {}
    for app in every_service(stream_settings):
        client = app.test_client()
        for rule, method in routes(app):
            ids = {name: too_long for name in rule.arguments if name.endswith("_id")}
            if ids:
                answer = client.open(path_of(rule, **ids), method=method, json={}, headers=admin())
                refused[f"{method} {rule.rule}"] = answer.status_code
    assert len(refused) > 40
    assert {route: status for route, status in refused.items() if status != 404} == {}


def test_a_broken_rule_is_named_with_its_status(service):
    answer = increment(service, by=5, limit=3)
    assert answer.status_code == 409
    assert answer.json() == {"error": "counter_limit", "message": "the counter may not pass 3"}


def test_the_same_idempotency_key_runs_the_command_once(service):
    headers = {**admin(), "Idempotency-Key": "retry-me"}
    first, again = increment(service, headers, by=3), increment(service, headers, by=3)
    assert first.json()["seq"] == again.json()["seq"]
    assert again.json()["events"] == []
    assert service.get("/counters/a", headers=admin()).json() == {"total": 3}
    bad = increment(service, {**admin(), "Idempotency-Key": "has spaces"}, by=1)
    assert bad.status_code == 422


def test_openapi_is_made_from_the_schemas_and_open_to_all(service):
    spec = service.get("/openapi.json").json()
    operation = spec["paths"]["/counters/{name}/increments"]["post"]
    assert operation["summary"].startswith("Add to the counter")
    assert "409" in operation["responses"]
    assert set(spec["components"]["schemas"]["Increment"]["required"]) == {"by", "reason"}
    assert service.get("/healthz").json() == {"status": "ok", "service": "counter"}


def send_json(service: httpx.Client, path: str, raw: str) -> httpx.Response:
    """JSON as written (httpx would refuse to encode a lone surrogate itself)."""
    headers = {**admin(), "Content-Type": "application/json"}
    return service.post(path, content=raw.encode(), headers=headers)


@pytest.mark.parametrize("reason", ["\\udfff", "a\\u0000b", "\\u001b[31m", "\\u0085"])
def test_text_no_read_model_can_store_is_422_naming_the_field(service, reason):
    answer = send_json(service, "/counters/a/increments", f'{{"by": 1, "reason": "{reason}"}}')
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["reason"]
    in_query = service.post(
        "/counters/a/increments?note=a%00b", json={"by": 1, "reason": "t"}, headers=admin()
    )
    assert in_query.status_code == 422 and list(in_query.json()["fields"]) == ["note"]
    assert service.get("/counters/a", headers=admin()).json() == {"total": 0}


def test_tabs_and_line_breaks_are_fine(service):
    assert increment(service, by=1, reason="one\ttwo\r\nthree").status_code == 201


def test_json_nested_1000_deep_is_a_clear_400(service):
    deep = '{"by": 1, "reason": "t", "limit": ' + "[" * 1000 + "]" * 1000 + "}"
    answer = send_json(service, "/counters/a/increments", deep)
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request"
    assert "deeper" in answer.json()["message"]
    very_deep = "[" * 100_000 + "]" * 100_000
    assert send_json(service, "/counters/a/increments", very_deep).status_code == 400


def test_json_with_a_number_past_what_python_reads_is_a_clear_400(service):
    """Python's json refuses an integer of more than 4,300 digits (ValueError, not a
    JSONDecodeError): the schema's parser let it through as a 500."""
    huge = '{"by": ' + "9" * 5_000 + ', "reason": "t"}'
    answer = send_json(service, "/counters/a/increments", huge)
    assert answer.status_code == 400
    assert answer.json() == {"error": "bad_request", "message": NOT_JSON}
    assert service.get("/counters/a", headers=admin()).json() == {"total": 0}


def test_every_route_of_every_service_answers_unreadable_json_with_400(stream_settings):
    huge, answered = '{"n": ' + "9" * 5_000 + "}", {}
    for app in every_service(stream_settings):
        client = app.test_client()
        for rule, method in routes(app):
            headers = {**admin(), "Content-Type": "application/json"}
            answer = client.open(path_of(rule), method=method, data=huge, headers=headers)
            answered[f"{method} {rule.rule}"] = answer.status_code
    assert len(answered) > 40
    assert {route: status for route, status in answered.items() if status != 400} == {}


def test_openapi_documents_every_error_as_it_is_answered(service):
    spec = service.get("/openapi.json").json()
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"error", "message", "fields"}
    conflict = spec["paths"]["/counters/{name}/increments"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == PROBLEM
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        response = spec["components"]["responses"][name]
        assert response["content"]["application/json"]["schema"] == PROBLEM
    answered = increment(service, by=0).json()
    assert set(answered) <= set(problem["properties"])
    assert set(problem["required"]) <= set(answered)


def test_a_method_not_allowed_says_which_are(service):
    answer = service.delete("/counters/a/increments", headers=admin())
    assert answer.status_code == 405
    assert answer.json()["error"] == "method_not_allowed"
    assert set(answer.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_a_body_over_the_limit_is_413(service):
    answer = send_json(service, "/counters/a/increments", '{"by": 1, "reason": "' + "x" * MAX_BODY)
    assert (answer.status_code, answer.json()["error"]) == (413, "request_entity_too_large")


def test_a_header_checked_once_is_refused_all_the_same_once_it_is_too_old():
    signer = IdentitySigner(SECRET_KEY)
    headers = VerifiedHeaders(signer, clock=lambda: time.time())
    with freezegun.freeze_time("2030-01-01 09:00:00") as clock:
        header = signer.sign(someone("trust_admin"))
        assert headers.verify(header).roles == someone("trust_admin").roles
        clock.tick(MAX_AGE_SECONDS)
        assert headers.verify(header).person_id == someone("trust_admin").person_id
        clock.tick(1)
        with pytest.raises(InvalidIdentity, match="expired"):
            headers.verify(header)


def test_a_header_like_one_checked_before_is_checked_on_its_own():
    signer = IdentitySigner(SECRET_KEY)
    headers = VerifiedHeaders(signer)
    header = signer.sign(someone("trust_admin"))
    headers.verify(header)
    payload, signed_at, signature = header.rsplit(".", 2)
    forged = ".".join((payload, signed_at, signature[:-2] + "AA"))
    for bad in (forged, header + "x", "", None):
        with pytest.raises(InvalidIdentity):
            headers.verify(bad)


def test_a_bug_on_a_command_says_it_may_have_been_done_and_what_the_key_does(
    nats_server, stream_settings
):
    """A 500 after a command may have been appended: the API never answers the general
    "internal error" to a change, but the unknown outcome and the key's promise."""
    settings = Settings(nats_server.url, "sqlite://", stream_settings, SECRET_KEY)
    app = counter_service.create_app(settings)

    @app.route("/bug", methods=["GET", "POST"])
    def bug() -> str:
        raise RuntimeError("a bug after the append")

    with serve(app) as url, httpx.Client(base_url=url) as client:
        keyed = client.post("/bug", headers={**signed(someone()), "Idempotency-Key": "k1"})
        assert (keyed.status_code, keyed.json()["error"]) == (500, "not_confirmed")
        assert keyed.json()["message"] == unknown_outcome.after_a_fault("k1")
        assert unknown_outcome.WITH_THE_KEY in keyed.json()["message"]
        unkeyed = client.post("/bug", headers=signed(someone()))
        assert unknown_outcome.WITHOUT_A_KEY in unkeyed.json()["message"]
        read = client.get("/bug", headers=signed(someone()))
        assert read.status_code == 500 and read.json()["error"] == "internal_server_error"
