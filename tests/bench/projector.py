"""The projector on the booking rush's log: `rush` books 2,000 staff into three slots
through the trust days service, then the projector (events.projector, every projection of
readmodels.registry) catches up on that log into a fresh SQLite, in batches of 500, 20 and
5 messages (the rush's batches are as small as the events come), once reading events as
the append validated them and once validating each again. Prints messages per CPU second
(target: >= 5,000 events/s during the rush)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from events import EventStore, StreamSettings
from events.connection import connect
from events.db import create_db_engine, migrate
from events.embedded import free_port
from events.projection import checkpoint
from events.projector import Projector
from readmodels import PACKAGE_DIR as READMODELS_DIR
from readmodels.registry import PROJECTIONS
from tests.bench import rush
from tests.bench.report import heading


async def catch_up(
    nats_url: str, stream: StreamSettings, database: str, batch: int, validate: bool
) -> tuple[int, float]:
    """Messages applied and the CPU seconds it took (the process's: the projector's)."""
    engine = create_db_engine(database)
    migrate(engine, [READMODELS_DIR])
    nc = await connect(nats_url, name="bench-projector")
    store = EventStore(nc, stream)
    end, stop = await store.last_seq(), asyncio.Event()
    projector = Projector(store, engine, PROJECTIONS, batch=batch, validate=validate)
    cpu = time.process_time()
    running = asyncio.create_task(projector.run(stop))
    while min(checkpoint(engine, p.name) for p in PROJECTIONS) < end and not running.done():
        await asyncio.sleep(0.2)
    cpu = time.process_time() - cpu
    stop.set()
    await running
    await nc.drain()
    engine.dispose()
    return end, cpu


def run(nats_url: str, folder: Path) -> None:
    heading("The projector on the booking rush's log (a fresh SQLite each time)")
    stream = StreamSettings(
        name=f"BENCH_PROJ_{uuid.uuid4().hex[:6].upper()}", subjects=("benchproj.>",)
    )
    asyncio.run(rush.create_stream(nats_url, stream))
    port = free_port()
    service = rush.start_service(nats_url, stream, port)
    try:
        url = f"http://127.0.0.1:{port}"
        rush.wait_for_service(url)
        asyncio.run(rush.book_everyone(url, rush.plan_the_day(url)))
    finally:
        service.terminate()
        service.wait(timeout=30)
    for batch in (500, 20, 5):
        for validate in (False, True):
            database = folder / f"projector-{batch}-{validate}.db"
            messages, cpu = asyncio.run(
                catch_up(nats_url, stream, f"sqlite:///{database}", batch, validate)
            )
            how = "validating again" if validate else "as appended"
            print(
                f"  batches of {batch:>3}, {how:<16} {messages:,} messages, "
                f"{messages / cpu:,.0f} per CPU second"
            )
