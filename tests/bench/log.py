"""The event log: append through the command loop and projection rebuilds, each beside the
raw nats-py rate measured in the same run (targets: append >= 80% of raw synchronous
publish; rebuild >= 15,000 events/s on SQLite); and what syncing every write to disk
costs the append path."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path

from nats.aio.msg import Msg
from sqlalchemy import text

from events import CommandLoop, EventStore, StreamSettings
from events.connection import NatsThread, connect
from events.db import create_db_engine, migrate
from events.embedded import EmbeddedNats
from events.projection import Projection, rebuild
from tests.bench.report import heading, rate, timed
from tests.support.counter import CounterDecider, Increment, applied_only, projection

SUBJECTS = 1000
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def sample_payload(subject: str) -> bytes:
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "TestCounterIncremented",
        "version": 2,
        "subject": subject,
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "bench",
        "correlation_id": None,
        "causation_id": None,
        "data": {"by": 1, "reason": "bench"},
    }
    return json.dumps([envelope]).encode()


class AppendRace:
    """Three ways to append, timed in interleaved rounds so that drift on a shared
    machine falls on all of them alike."""

    def __init__(self, raw_store: EventStore, store: EventStore):
        self.raw_store = raw_store
        self.store = store
        self.loop = CommandLoop(store, CounterDecider())
        self.last: dict[str, int] = {}
        self.seconds = {"raw": 0.0, "headers": 0.0, "loop": 0.0}

    async def raw(self, count: int) -> None:
        payload = sample_payload(self.raw_store.subject("raw"))
        for n in range(count):
            subject = self.raw_store.subject("raw", str(n % SUBJECTS))
            await self.raw_store.js.publish(subject, payload)

    async def raw_with_headers(self, count: int) -> None:
        """What the server does for us too: the expected-sequence check and deduplication."""
        payload = sample_payload(self.raw_store.subject("headers"))
        for n in range(count):
            subject = self.raw_store.subject("headers", str(n % SUBJECTS))
            headers = {
                "Nats-Msg-Id": str(uuid.uuid4()),
                "Nats-Expected-Last-Subject-Sequence": str(self.last.get(subject, 0)),
            }
            ack = await self.raw_store.js.publish(subject, payload, headers=headers)
            self.last[subject] = ack.seq

    async def command_loop(self, count: int) -> None:
        for n in range(count):
            await self.loop.execute(self.store.subject("counter", str(n % SUBJECTS)), Increment())

    async def run(self, count: int, rounds: int = 10) -> None:
        each = count // rounds
        for _ in range(rounds):
            for name, way in (
                ("raw", self.raw),
                ("headers", self.raw_with_headers),
                ("loop", self.command_loop),
            ):
                with timed() as timer:
                    await way(each)
                self.seconds[name] += timer.seconds
        total = each * rounds
        raw = rate("raw js.publish, one at a time", total, self.seconds["raw"])
        rate("raw js.publish with our two headers", total, self.seconds["headers"], raw)
        rate("command loop (load, decide, append)", total, self.seconds["loop"], raw)


async def raw_consume(store: EventStore, count: int) -> float:
    """The same ordered push consumer that store.read uses, without decoding."""
    received = 0
    finished = asyncio.Event()

    async def count_one(msg: Msg) -> None:
        nonlocal received
        received += 1
        if received >= count:
            finished.set()

    with timed() as timer:
        sub = await store.js.subscribe(
            store.settings.subjects[0], stream=store.stream, cb=count_one, ordered_consumer=True
        )
        await finished.wait()
    await sub.unsubscribe()
    return rate("raw ordered consumer, no decoding", received, timer.seconds)


async def rebuild_into(
    store: EventStore, url: str, label: str, raw: float, projection: Projection, runs: int = 1
) -> None:
    """The median of `runs` rebuilds: this shared 2-core machine is noisy."""
    engine = create_db_engine(url)
    migrate(engine)
    seconds = []
    for _ in range(runs):
        with timed() as timer:
            last = await rebuild(store, engine, projection)
        seconds.append(timer.seconds)
    median = sorted(seconds)[len(seconds) // 2]
    label = f"rebuild into {label}" + (f", median of {runs}" if runs > 1 else "")
    rate(label, last, median, raw)
    engine.dispose()


def postgres_schema_url() -> str | None:
    """A fresh schema on the machine's PostgreSQL, or None if it is unreachable."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        with create_db_engine(POSTGRES_URL).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:
        print(f"  PostgreSQL at {POSTGRES_URL} unreachable ({type(error).__name__}): skipped")
        return None
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


async def run(nats_url: str, folder: Path, events: int) -> None:
    heading(f"Event log: {events:,} appends each way over {SUBJECTS} subjects")
    nc = await connect(nats_url, name="bench")
    raw_store = EventStore(nc, StreamSettings(name="BENCH_RAW", subjects=("benchraw.>",)))
    store = EventStore(nc, StreamSettings(name="BENCH", subjects=("bench.>",)))
    for each in (raw_store, store):
        await each.ensure_stream()
    await AppendRace(raw_store, store).run(events)
    consumed = await raw_consume(store, events)
    sqlite = f"sqlite:///{folder / 'bench.db'}"
    print("  rebuild, one insert per event:")
    await rebuild_into(store, sqlite, "SQLite", consumed, applied_only, runs=3)
    postgres = postgres_schema_url()
    if postgres:
        await rebuild_into(store, postgres, "PostgreSQL", consumed, applied_only)
    print("  rebuild, insert + read + update per event:")
    await rebuild_into(store, sqlite, "SQLite", consumed, projection)
    await nc.drain()


def sync_bridge(nats_url: str, count: int) -> None:
    """What a Flask view pays: the same command loop called from a thread."""
    client = NatsThread(nats_url, name="bench-sync")
    store = EventStore(client.nc, StreamSettings(name="BENCH_SYNC", subjects=("benchsync.>",)))
    client.run(store.ensure_stream())
    loop = CommandLoop(store, CounterDecider())
    with timed() as timer:
        for n in range(count):
            client.run(loop.execute(store.subject("counter", str(n % SUBJECTS)), Increment()))
    rate("command loop from sync code (NatsThread.run)", count, timer.seconds)
    client.close()


async def append_rates(stores: dict[str, EventStore], count: int, rounds: int = 5) -> dict:
    """Raw publish and command loop rates on each store, in interleaved rounds."""
    races = {name: AppendRace(store, store) for name, store in stores.items()}
    seconds = {(name, way): 0.0 for name in stores for way in ("raw", "loop")}
    for _ in range(rounds):
        for name, race in races.items():
            for way, append in (("raw", race.raw), ("loop", race.command_loop)):
                with timed() as timer:
                    await append(count // rounds)
                seconds[name, way] += timer.seconds
    total = count // rounds * rounds
    return {key: total / spent for key, spent in seconds.items()}


async def compare_sync(urls: dict[str, str], count: int) -> None:
    connections = {name: await connect(url, name="bench-sync") for name, url in urls.items()}
    stores = {
        name: EventStore(nc, StreamSettings(name="BENCH_SYNC_COST", subjects=("benchsync.>",)))
        for name, nc in connections.items()
    }
    for store in stores.values():
        await store.ensure_stream()
    rates = await append_rates(stores, count)
    for way, label in (("raw", "raw js.publish, one at a time"), ("loop", "command loop append")):
        default, always = rates["default", way], rates["always", way]
        print(
            f"  {label:<36} {default:>8,.0f} /s default sync  {always:>8,.0f} /s sync always"
            f"  ({always / default:.0%})"
        )
    for nc in connections.values():
        await nc.drain()


def sync_cost(folder: Path, count: int = 5_000) -> None:
    """The same appends on two nats-servers: the default sync (every two minutes, so a
    machine crash may lose acknowledged writes) and `sync_interval: always`, as deployed."""
    heading(f"Durability: {count:,} appends each way, nats-server's default sync against always")
    with (
        EmbeddedNats(folder / "nats-sync-default", sync_always=False) as default,
        EmbeddedNats(folder / "nats-sync-always", sync_always=True) as always,
    ):
        asyncio.run(compare_sync({"default": default.url, "always": always.url}, count))
