"""A command NATS cannot confirm answers 503 with Retry-After and says the outcome is
unknown; it is cancelled, not left running, and a retry with the same key does it once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from events import unknown_outcome
from events.config import Settings
from events.connection import NatsThread, NotConfirmed
from events.store import EventStore, StreamSettings
from tests.support import counter_service
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone

DEADLINE = 2.0


def admin(key: str | None = None) -> dict[str, str]:
    headers = signed(someone("trust_admin"))
    return {**headers, "Idempotency-Key": key} if key else headers


@pytest.fixture
def log(own_nats_server) -> Iterator[tuple[NatsThread, EventStore]]:
    connection = NatsThread(own_nats_server.url, name="not-confirmed-test")
    store = EventStore(connection.nc, StreamSettings(name="OUTAGE", subjects=("outage.>",)))
    connection.run(store.ensure_stream())
    yield connection, store
    connection.close()


@pytest.fixture
def service(own_nats_server, log) -> Iterator[httpx.Client]:
    _, store = log
    app = counter_service.create_app(
        Settings(own_nats_server.url, "sqlite://", store.settings, SECRET_KEY)
    )
    app.config["NATS_DEADLINE"] = DEADLINE
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def increment(service: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    return service.post("/counters/a/increments", json={"by": 1, "reason": "t"}, headers=headers)


@pytest.mark.slow
def test_a_command_nats_cannot_confirm_is_503_and_its_retry_with_the_key_runs_once(
    own_nats_server, log, service
):
    connection, store = log
    assert increment(service, admin()).status_code == 201
    own_nats_server.stop()

    started = time.monotonic()
    unconfirmed = increment(service, admin("once"))
    assert time.monotonic() - started < DEADLINE + 1.5  # well inside the callers' 10 s
    assert unconfirmed.status_code == 503
    assert unconfirmed.headers["Retry-After"].isdigit()
    problem = unconfirmed.json()
    assert problem["error"] == "not_confirmed"
    assert problem["message"] == unknown_outcome.for_a_client("once")
    assert "may or may not have been done" in problem["message"]
    assert "same Idempotency-Key: it will be done at most once" in problem["message"]
    read = service.get("/counters/a", headers=admin())
    assert read.status_code == 503 and read.json()["error"] == "log_unavailable"

    own_nats_server.start()
    retried = increment(service, admin("once"))
    for _ in range(20):  # the service's connection may still be reconnecting
        if retried.status_code != 503:
            break
        retried = increment(service, admin("once"))
    assert retried.status_code in (200, 201), retried.text
    assert increment(service, admin("once")).json()["seq"] == retried.json()["seq"]
    events, _ = connection.run(store.load(store.subject("counter", "a")))
    assert len(events) == 2  # the first increment and this one, once
    assert retried.json()["seq"] == events[-1].seq


def test_work_that_outlives_its_deadline_is_cancelled_not_left_running(nats):
    finished = []

    async def slow() -> None:
        import asyncio

        await asyncio.sleep(0.5)
        finished.append(True)

    with pytest.raises(NotConfirmed):
        nats.run(slow(), timeout=0.1)
    time.sleep(0.8)
    assert finished == []
