"""A reactor running on a test's NATS connection, as its own process would run it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from events.connection import NatsThread
from events.reactor import Reaction, Reactor
from events.store import EventStore


@contextmanager
def running_reactor(
    nats: NatsThread, store: EventStore, reactions: Sequence[Reaction], **options: float
) -> Iterator[Reactor]:
    """`reactions` followed until the block ends (`options`: the Reactor's waits)."""
    reactor = Reactor(store, reactions, **{"idle_wait": 0.2, **options})
    stop = asyncio.Event()
    running = asyncio.run_coroutine_threadsafe(reactor.run(stop), nats.loop)
    try:
        yield reactor
    finally:
        nats.loop.call_soon_threadsafe(stop.set)
        running.result(timeout=10)
