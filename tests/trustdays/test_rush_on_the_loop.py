"""The booking rush of test_rush.py through two gunicorn processes as deploy/Procfile runs
the trust days: each serving its HTTP on its NATS loop (deploy/loop_worker.py), so every
request's decision and append run on the one thread that also serves the others. No rule
may break and every acknowledged command is in the log exactly once."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from events.decider import command_id
from events.embedded import free_port
from services.trustdays.events import slot_subject
from tests.support.identity import SECRET_KEY
from tests.support.launch import stream_env
from tests.support.people import join
from tests.support.replay import replay
from tests.support.trustdays import manager, open_day
from tests.trustdays.test_rush import CAPACITY, SESSIONS, Client

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CLIENTS = 60
STAFF = 200


@contextmanager
def served_on_the_loop(env: dict[str, str]):
    """The trust days under gunicorn with the loop worker; its base URL."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config", str(DEPLOY / "gunicorn.conf.py"),
        "--workers", "1",
        "--worker-class", "deploy.loop_worker.LoopWorker",
        "--bind", f"127.0.0.1:{port}",
        "services.trustdays:create_app()",
    ]  # fmt: skip
    environment = {**os.environ, **env, "STAFFROOM_NO_ACCESS_LOG": "1"}
    process = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("the service did not start")
        yield url
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
        assert "Traceback" not in stderr, stderr


@pytest.mark.slow
def test_a_rush_on_the_loop_breaks_no_rule(nats, nats_server, store, stream_settings):
    people = [f"person-{n:03d}" for n in range(STAFF)]
    join(nats, store, *people)
    env = {**stream_env(nats_server, stream_settings), "STAFFROOM_SECRET_KEY": SECRET_KEY}
    with ExitStack() as stack:
        urls = [stack.enter_context(served_on_the_loop(env)) for _ in range(2)]
        with httpx.Client(base_url=urls[0]) as setup:
            day = open_day(setup, sessions=SESSIONS, capacity=CAPACITY)
        clients = [Client(urls, day, random.Random(n)) for n in range(CLIENTS)]
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            done = [pool.submit(client.run, people[n::CLIENTS]) for n, client in enumerate(clients)]
            for future in done:
                future.result()
        shown = httpx.get(f"{urls[1]}/days/{day['day_id']}", headers=manager()).json()

    assert [failure for client in clients for failure in client.failures] == []
    subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    events, _ = nats.run(store.load(subject))
    seats_held = replay(events)
    by_key: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.causation_id:
            by_key[event.causation_id].add(event.seq)
    acknowledged = [ack for client in clients for ack in client.acknowledged]
    assert len(acknowledged) > STAFF
    for ack in acknowledged:
        key = command_id(subject, ack.person, ack.key)
        if ack.events:
            assert by_key[key] == {ack.seq}, f"{ack.key} is not in the log exactly once"
        elif key in by_key:
            assert by_key[key] == {ack.seq}, f"a retry of {ack.key} answered another seq"
    breakout = next(s for s in shown["slots"] if s["slot_id"] == day["slot_id"])
    assert {s["session_id"]: s["booked"] for s in breakout["sessions"]} == seats_held
    kinds = {event.type for event in events}
    assert {"WaitlistJoined", "PromotedFromWaitlist", "BookingCancelled"} <= kinds, "a real rush"
