"""A restart on booking morning: a slot whose log holds 20,000 events, and the trust days
service (gunicorn as deployed) started afresh. Prints the time to the first answered
booking after the restart, with no snapshot yet and from the snapshot the first load
wrote, and eight first bookings at once, beside a warm booking (target: the first booking
after a restart under a second, with or without a snapshot)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from events import Event, EventStore, Metadata, StreamSettings
from events.connection import connect
from events.embedded import free_port
from tests.bench.report import heading
from tests.bench.rush import plan_the_day, start_service, wait_for_service
from tests.support.people import joined, record_facts
from tests.support.trustdays import staff

HISTORY = 20_000
BOOKERS = 100
WARM_BOOKINGS = 50


def booker(n: int) -> str:
    return f"restart-booker-{n:03d}"


async def fill_slot(nats_url: str, stream: StreamSettings, subject: str, session_id: str) -> None:
    """HISTORY events on the slot, one a message as commands write them: people booking a
    seat and giving it up again, so the slot ends as it began."""
    nc = await connect(nats_url, name="bench-restart")
    store = EventStore(nc, stream)
    target = await store.last_seq() + HISTORY
    for n in range(HISTORY // 2):
        place = {"person_id": f"filler-{n}", "session_id": session_id}
        for event in (
            Event("SessionBooked", place),
            Event("BookingCancelled", {**place, "reason": "cancelled"}),
        ):
            envelope = store.registry.envelope(event, subject, Metadata(actor="bench"))
            await nc.publish(subject, json.dumps([envelope]).encode())
    await nc.flush()
    while await store.last_seq() < target:
        await asyncio.sleep(0.05)
    await nc.drain()


async def prepare(nats_url: str, stream: StreamSettings) -> None:
    nc = await connect(nats_url, name="bench-restart-setup")
    store = EventStore(nc, stream)
    await store.ensure_stream()
    await record_facts(store, [joined(booker(n)) for n in range(BOOKERS)])
    await nc.drain()


@contextmanager
def service(nats_url: str, stream: StreamSettings) -> Iterator[str]:
    port = free_port()
    os.environ["GUNICORN_CMD_ARGS"] = "--log-level warning"  # four starts: no start-up lines
    try:
        process = start_service(nats_url, stream, port)
    finally:
        del os.environ["GUNICORN_CMD_ARGS"]
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_service(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


class Bookings:
    def __init__(self, day: dict):
        self.day = day
        self.slot_id, sessions = next(iter(day["sessions"].items()))
        self.session_id = sessions[0]
        self.next_booker = 0

    def path(self) -> str:
        day_id = self.day["day_id"]
        return f"/days/{day_id}/slots/{self.slot_id}/sessions/{self.session_id}/places"

    def someone_new(self) -> dict[str, str]:
        """The headers of a booking by someone who has not booked yet."""
        person, self.next_booker = booker(self.next_booker), self.next_booker + 1
        return {**staff(person), "Idempotency-Key": uuid.uuid4().hex}

    def book(self, client: httpx.Client) -> float:
        """One booking by someone new; its seconds."""
        headers = self.someone_new()
        start = time.perf_counter()
        answer = client.post(self.path(), json={}, headers=headers)
        seconds = time.perf_counter() - start
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"booking answered {answer.status_code}: {answer.text[:200]}")
        return seconds

    async def at_once(self, url: str, count: int) -> list[float]:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:

            async def one() -> float:
                headers = self.someone_new()
                start = time.perf_counter()
                answer = await client.post(self.path(), json={}, headers=headers)
                answer.raise_for_status()
                return time.perf_counter() - start

            return await asyncio.gather(*(one() for _ in range(count)))


def report(label: str, seconds: float) -> None:
    print(f"  {label:<58} {seconds * 1000:>9,.1f} ms")


def run(nats_url: str) -> None:
    heading(f"Restart: the first booking on a slot of {HISTORY:,} events, gunicorn as deployed")
    stream = StreamSettings(
        name=f"BENCH_RESTART_{uuid.uuid4().hex[:6].upper()}", subjects=("benchrestart.>",)
    )
    asyncio.run(prepare(nats_url, stream))
    with service(nats_url, stream) as url:
        day = plan_the_day(url)
    bookings = Bookings(day)
    subject = f"{stream.prefix}.trustdays.day.{day['day_id']}.slot.{bookings.slot_id}"
    asyncio.run(fill_slot(nats_url, stream, subject, bookings.session_id))

    with service(nats_url, stream) as url, httpx.Client(base_url=url, timeout=120) as client:
        report("first booking after a restart, no snapshot yet", bookings.book(client))
        warm = [bookings.book(client) for _ in range(WARM_BOOKINGS)]
        time.sleep(1)  # the snapshot the first load wrote, in the background
    with service(nats_url, stream) as url, httpx.Client(base_url=url, timeout=120) as client:
        report("first booking after a restart, from the snapshot", bookings.book(client))
    with service(nats_url, stream) as url:
        at_once = asyncio.run(bookings.at_once(url, 8))
        report("8 first bookings at once after a restart: the slowest", max(at_once))
    report(f"warm booking (the same slot), p50 of {WARM_BOOKINGS}", statistics.median(warm))
