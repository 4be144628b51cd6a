"""The booking rush (rush.py) on the deployment's engines beside the single embedded node:
a three-node JetStream cluster on loopback (stream replicas 3), with the projector
following into PostgreSQL, every write synced before its ack, and once more with
nats-server's default sync (every two minutes) to show what the sync costs.
Prints bookings/s, p50/p99, broken rules, the raw publish rate of each, and how long the
read models took to catch up after the last booking."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from events import EventStore, StreamSettings
from events.connection import connect
from events.db import create_db_engine, migrate
from events.embedded import EmbeddedNats, free_port
from events.projection import checkpoint
from readmodels import PACKAGE_DIR as READMODELS
from readmodels.registry import PROJECTIONS
from tests.bench import rush
from tests.bench.report import heading, rate, timed
from tests.support.cluster import LoopbackCluster

POSTGRES = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
Engines = Callable[[Path], AbstractContextManager[str]]


@contextmanager
def embedded(folder: Path) -> Iterator[str]:
    with EmbeddedNats(folder / "nats") as server:
        yield server.url


def cluster(sync_always: bool) -> Engines:
    @contextmanager
    def started(folder: Path) -> Iterator[str]:
        with LoopbackCluster(folder / "cluster", sync_always=sync_always) as running:
            yield running.url

    return started


@contextmanager
def postgres_schema() -> Iterator[tuple[str, Engine]]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    owner = create_db_engine(POSTGRES)
    with owner.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES else "?"
    url = f"{POSTGRES}{separator}options=-csearch_path%3D{schema}"
    engine = create_db_engine(url)
    try:
        migrate(engine, [READMODELS])
        yield url, engine
    finally:
        engine.dispose()
        with owner.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        owner.dispose()


@contextmanager
def projecting(nats_url: str, stream: StreamSettings, database_url: str) -> Iterator[None]:
    """`staffroom projector` in a process of its own, as deployed."""
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "STAFFROOM_STREAM": stream.name,
        "STAFFROOM_SUBJECT_PREFIX": stream.prefix,
        "DATABASE_URL": database_url,
    }
    command = [str(Path(sys.executable).parent / "staffroom"), "projector"]
    projector = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        projector.terminate()
        projector.wait(timeout=30)


async def raw_publish_rate(nats_url: str, replicas: int, count: int = 3_000) -> float:
    nc = await connect(nats_url, name="bench-raw")
    stream = StreamSettings(name="BENCH_RAW", subjects=("benchraw.>",), replicas=replicas)
    store = EventStore(nc, stream)
    await store.ensure_stream()
    with timed() as timer:
        for n in range(count):
            await store.js.publish(store.subject("raw", str(n % 60)), b'{"person_id": "x"}' * 8)
    await store.js.delete_stream(stream.name)
    await nc.drain()
    return count / timer.seconds


def rush_on(label: str, engines: Engines, replicas: int, database: tuple[str, Engine]) -> None:
    database_url, engine = database
    stream = StreamSettings(
        name=f"BENCH_{uuid.uuid4().hex[:6].upper()}", subjects=("benchrush.>",), replicas=replicas
    )
    with tempfile.TemporaryDirectory() as folder, engines(Path(folder)) as nats_url:
        asyncio.run(rush.create_stream(nats_url, stream))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        service = rush.start_service(nats_url, stream, port)
        try:
            with projecting(nats_url, stream, database_url):
                rush.wait_for_service(url)
                day = rush.plan_the_day(url)
                started = time.perf_counter()
                latencies, errors = asyncio.run(rush.book_everyone(url, day))
                seconds = time.perf_counter() - started
                caught_up = catch_up(nats_url, stream, engine)
        finally:
            service.terminate()
            service.wait(timeout=30)
        raw = asyncio.run(raw_publish_rate(nats_url, replicas))
        broken = asyncio.run(rush.broken_rules(nats_url, stream, day))
    cuts = statistics.quantiles(latencies, n=100)
    print(f"  {label}")
    rate("  bookings through HTTP", len(latencies), seconds, raw)
    print(
        f"    p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms; errors {errors}; "
        f"broken rules {broken}; raw publish {raw:,.0f}/s; read models caught up "
        f"{caught_up:.2f} s after the last booking"
    )


def catch_up(nats_url: str, stream: StreamSettings, engine: Engine) -> float:
    """Seconds from now until every projection has applied the log's last sequence."""
    started = time.perf_counter()

    async def last() -> int:
        nc = await connect(nats_url, name="bench-end")
        end = await EventStore(nc, stream).last_seq()
        await nc.drain()
        return end

    end = asyncio.run(last())
    done = threading.Event()
    while not done.wait(0.02):
        if all(checkpoint(engine, p.name) >= end for p in PROJECTIONS):
            done.set()
    return time.perf_counter() - started


def run() -> None:
    heading(
        f"Booking rush on the deployment's engines: {rush.STAFF:,} staff x {rush.SLOTS} slots, "
        f"{rush.CLIENTS} clients, the projector following into PostgreSQL"
    )
    setups: list[tuple[str, Engines, int]] = [
        ("one embedded node, sync always", embedded, 1),
        ("three nodes, replicas 3, sync always", cluster(sync_always=True), 3),
        ("three nodes, replicas 3, default sync (2 min)", cluster(sync_always=False), 3),
    ]
    for label, engines, replicas in setups:
        with postgres_schema() as database:
            rush_on(label, engines, replicas, database)
