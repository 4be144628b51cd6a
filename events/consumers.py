"""What the processes that follow the log with durable consumers share (the projector and
the reactor): a stop on SIGINT or SIGTERM, a connection to a stream they read but never
make, a fetch that survives a deleted consumer, and loading what to run by its name."""

from __future__ import annotations

import asyncio
import importlib
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from events.config import Settings
from events.connection import connect, disconnect
from events.store import EventStore

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def stop_on_signals() -> asyncio.Event:
    """An event set when the process is asked to stop (call it inside the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    return stop


@asynccontextmanager
async def reading_log(settings: Settings, name: str) -> AsyncIterator[EventStore]:
    """The event store, connected as process `name`, once the stream is there: a process
    that follows the log may read it, not make it (`staffroom stream ensure` does)."""
    nc = await connect(settings.nats_url, name=name)
    try:
        store = EventStore(nc, settings.stream)
        await store.last_seq()
        yield store
    finally:
        await disconnect(nc)


async def fetch(
    subscription: JetStreamContext.PullSubscription, most: int, idle_wait: float
) -> list[Msg]:
    """Up to `most` messages, or none after `idle_wait` seconds."""
    try:
        return await subscription.fetch(most, timeout=idle_wait)
    except TimeoutError:  # nats-py raises its own subclass, or asyncio's, when idle
        # fetch() takes a deleted consumer for an idle stream: ask, so it is recreated
        await subscription.consumer_info()
        return []


def named(path: str) -> Any:
    """'package.module:name' to the object it names."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
