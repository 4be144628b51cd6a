"""What the processes that follow the log share (the projector and the reactor): a stop on
SIGINT or SIGTERM, a connection to a stream they read but never make, a fetch that survives
a deleted durable consumer (the reactor's), the log followed by an ordered consumer (the
projector's), and loading what to run by its name."""

from __future__ import annotations

import asyncio
import importlib
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext, api

from events.config import Settings
from events.connection import connect, disconnect
from events.store import EventStore
from events.store import _Buffer as Buffer

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


class Following:
    """The log from a stream sequence on, as an ordered push consumer delivers it: the server
    sends each message as it is stored (no request per batch, as a pull consumer's fetch
    makes), and the client heals a gap or a lost consumer itself (nats-py makes it again
    after two missed heartbeats). Nothing is kept on the server: the reader's own
    checkpoints say where to start. Messages wait in a bounded buffer until taken."""

    def __init__(self, store: EventStore, limit: int):
        self.store = store
        self.buffer = Buffer(limit)
        self.subscription: JetStreamContext.PushSubscription | None = None

    async def start(self, from_seq: int) -> Following:
        self.subscription = await self.store.js.subscribe(
            self.store.settings.subjects[0],
            stream=self.store.stream,
            cb=self.buffer.put,
            ordered_consumer=True,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            config=api.ConsumerConfig(opt_start_seq=from_seq),
        )
        return self

    async def take(self, most: int, wait: float) -> list[Msg]:
        """Up to `most` messages: those waiting, or the first to come within `wait` s."""
        return await self.buffer.take(most, wait)

    async def stop(self) -> None:
        if self.subscription is not None:
            await self.subscription.unsubscribe()


def named(path: str) -> Any:
    """'package.module:name' to the object it names."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
