"""Long histories made quickly, and the direct get requests a reader makes, counted as the
server sees them (a plain subscriber on the stream's direct get subject)."""

from __future__ import annotations

import asyncio
import json

from nats.aio.subscription import Subscription

from events import Event, EventStore, Metadata
from events.connection import NatsThread


async def publish_many(
    store: EventStore, subject: str, count: int, by: int = 1, per_message: int = 1
) -> int:
    """`count` messages of `per_message` counter events on `subject`, published without
    waiting for each ack; returns the stream's last sequence once all are stored."""
    event = Event("TestCounterIncremented", {"by": by, "reason": "test"})
    envelope = store.registry.envelope(event, subject, Metadata())
    payload = json.dumps([envelope] * per_message).encode()
    target = await store.last_seq() + count
    for _ in range(count):
        await store.nc.publish(subject, payload)
    await store.nc.flush()
    while (last := await store.last_seq()) < target:
        await asyncio.sleep(0.02)
    return last


class DirectGets:
    """Counts the batched direct get requests made on one stream from now on."""

    def __init__(self, nats: NatsThread, store: EventStore):
        self.nats = nats
        self.nc = store.nc
        subject = f"$JS.API.DIRECT.GET.{store.stream}"
        self.sub: Subscription = nats.run(store.nc.subscribe(subject))

    def count(self) -> int:
        """The requests seen since the last count."""
        return self.nats.run(self._drain())

    async def _drain(self) -> int:
        await self.nc.flush()
        seen = 0
        while True:
            try:
                await self.sub.next_msg(timeout=0.2)
            except TimeoutError:
                return seen
            seen += 1
