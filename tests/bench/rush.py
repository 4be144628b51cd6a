"""The morning bookings open: 2,000 staff book a session in each breakout slot of a day of
60 sessions, 50 clients at a time, straight to the trust days service under gunicorn as
deployed. Prints bookings/s and p50/p99 latency beside the raw JetStream publish rate of
the same run, then replays the log to count broken rules (targets: >= 500 bookings/s,
p99 < 150 ms, zero broken rules)."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from events import EventStore, StreamSettings
from events.connection import connect
from events.embedded import free_port
from events.identity import MAX_AGE_SECONDS
from services.trustdays.events import slot_subject
from tests.bench import processes
from tests.bench.http import Connection
from tests.bench.report import heading, rate, timed
from tests.support.identity import SECRET_KEY
from tests.support.people import joined, record_facts
from tests.support.replay import replay
from tests.support.trustdays import day_fields, manager, session_fields, staff

STAFF = 2_000
CLIENTS = 50
SLOTS = 3
SESSIONS_PER_SLOT = 20
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
WORKER = os.environ.get("STAFFROOM_BENCH_WORKER", "deploy.loop_worker.LoopWorker")
"""As deploy/Procfile runs the trust days (STAFFROOM_BENCH_WORKER=gthread: gunicorn's threads)."""


def start_service(nats_url: str, stream: StreamSettings, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "STAFFROOM_STREAM": stream.name,
        "STAFFROOM_SUBJECT_PREFIX": stream.prefix,
        "STAFFROOM_SECRET_KEY": SECRET_KEY,
        # As `staffroom up` runs a service: no access log, not even one formatted for
        # /dev/null (deploy/launcher.py access_log_once)
        "STAFFROOM_NO_ACCESS_LOG": "1",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config", str(DEPLOY / "gunicorn.conf.py"),
        "--workers", "1",  # as deploy/Procfile runs the trust days
        "--worker-class", WORKER,
        "--bind", f"127.0.0.1:{port}",
        "services.trustdays:create_app()",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def wait_for_service(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the trust days service did not start")


def plan_the_day(url: str) -> dict:
    """A published day with three breakout slots of 20 sessions, seats for everyone."""
    timetable = [{"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "09:45"}]
    timetable += [
        {"kind": "breakout", "title": f"Breakout {n}", "starts": f"1{n}:00", "ends": f"1{n}:50"}
        for n in range(SLOTS)
    ]
    with httpx.Client(base_url=url, timeout=30) as client:
        day_id = client.post("/days", json=day_fields(slots=timetable), headers=manager()).json()[
            "id"
        ]
        day = client.get(f"/days/{day_id}", headers=manager()).json()
        breakouts = [s["slot_id"] for s in day["slots"] if s["kind"] == "breakout"]
        sessions = {}
        for slot_id in breakouts:
            sessions[slot_id] = [
                client.post(
                    f"/days/{day_id}/slots/{slot_id}/sessions",
                    json=session_fields(f"Session {n}", capacity=STAFF // SESSIONS_PER_SLOT + 10),
                    headers=manager(),
                ).json()["id"]
                for n in range(SESSIONS_PER_SLOT)
            ]
        client.post(f"/days/{day_id}/publish", headers=manager())
    return {"day_id": day_id, "sessions": sessions}


async def book_everyone(url: str, day: dict) -> tuple[list[float], int]:
    """Each person books one session in each slot (popular sessions more often)."""
    rng = random.Random(1)
    work = [
        (person(n), slot_id, rng.choices(ids, weights=range(len(ids), 0, -1))[0])
        for n in range(STAFF)
        for slot_id, ids in day["sessions"].items()
    ]
    rng.shuffle(work)
    queue: asyncio.Queue = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    latencies: list[float] = []
    errors = 0
    # A person's identity header reused for up to half its lifetime, as the gateway reuses
    # it (events.service.VerifiedHeaders then checks its signature once)
    signed: dict[str, tuple[float, dict[str, str]]] = {}

    def header_of(person: str) -> dict[str, str]:
        at, header = signed.get(person, (0.0, {}))
        if time.monotonic() - at > MAX_AGE_SECONDS / 2:
            at, header = time.monotonic(), staff(person)
            signed[person] = (at, header)
        return header

    async def client() -> None:
        nonlocal errors
        async with Connection(url) as http:
            while not queue.empty():
                person, slot_id, session_id = queue.get_nowait()
                path = f"/days/{day['day_id']}/slots/{slot_id}/sessions/{session_id}/places"
                headers = {**header_of(person), "Idempotency-Key": uuid.uuid4().hex}
                start = time.perf_counter()
                answer = await http.request("POST", path, headers, json_body={})
                latencies.append(time.perf_counter() - start)
                errors += answer.status not in (200, 201)

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies, errors


def person(n: int) -> str:
    return f"person-{n:04d}"


async def create_stream(nats_url: str, stream: StreamSettings) -> None:
    """The stream, with the staff in the directory's facts (the service books only them)."""
    nc = await connect(nats_url, name="bench-setup")
    store = EventStore(nc, stream)
    await store.ensure_stream()
    await record_facts(store, [joined(person(n)) for n in range(STAFF)])
    await nc.drain()


async def raw_publish_rate(nats_url: str, count: int = 5_000) -> float:
    nc = await connect(nats_url, name="bench-raw")
    store = EventStore(nc, StreamSettings(name="BENCH_RUSH_RAW", subjects=("benchrushraw.>",)))
    await store.ensure_stream()
    with timed() as timer:
        for n in range(count):
            await store.js.publish(store.subject("raw", str(n % 60)), b'{"person_id": "x"}' * 8)
    await nc.drain()
    return rate("raw js.publish, one at a time (same run)", count, timer.seconds)


async def broken_rules(nats_url: str, stream: StreamSettings, day: dict) -> int:
    nc = await connect(nats_url, name="bench-replay")
    store = EventStore(nc, stream)
    broken = 0
    for slot_id in day["sessions"]:
        events, _ = await store.load(store.subject(*slot_subject(day["day_id"], slot_id)))
        try:
            replay(events)
        except AssertionError as error:
            print(f"  BROKEN RULE in slot {slot_id}: {error}")
            broken += 1
    await nc.drain()
    return broken


def run(nats_url: str) -> None:
    heading(
        f"Booking rush: {STAFF:,} staff x {SLOTS} slots into {SLOTS * SESSIONS_PER_SLOT} sessions, "
        f"{CLIENTS} clients, straight to the service (gunicorn as deployed)"
    )
    stream = StreamSettings(
        name=f"BENCH_RUSH_{uuid.uuid4().hex[:6].upper()}", subjects=("benchrush.>",)
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    asyncio.run(create_stream(nats_url, stream))
    service = start_service(nats_url, stream, port)
    try:
        wait_for_service(url)
        day = plan_the_day(url)
        started, cpu = time.perf_counter(), sum(processes.cpu_seconds(service.pid).values())
        latencies, errors = asyncio.run(book_everyone(url, day))
        seconds = time.perf_counter() - started
        cpu = sum(processes.cpu_seconds(service.pid).values()) - cpu
    finally:
        service.terminate()
        service.wait(timeout=30)
    raw = asyncio.run(raw_publish_rate(nats_url))
    rate("bookings through HTTP", len(latencies), seconds, raw)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"  latency p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms; errors {errors}")
    print(
        f"  the service's CPU: {cpu:.1f} s, {cpu / len(latencies) * 1000:.2f} ms a booking "
        f"({len(latencies) / cpu:,.0f} bookings per CPU second: the rate on a quiet core)"
    )
    broken = asyncio.run(broken_rules(nats_url, stream, day))
    print(f"  broken rules after replaying the log: {broken}")
