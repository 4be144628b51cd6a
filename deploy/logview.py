"""`staffroom log tail`: the log as it grows, one readable line per event."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC
from typing import Any

from events.config import Settings
from events.connection import connect, disconnect
from events.consumers import stop_on_signals
from events.envelope import RecordedEvent
from events.registry import EventRegistry, registry
from events.store import EventStore


class AnyTypeRegistry(EventRegistry):
    """Loads every event, even of a type this process has not registered: a log viewer
    shows the whole shared log, not only the types it knows."""

    def load(
        self,
        envelope: Mapping[str, Any],
        seq: int = 0,
        index: int = 0,
        service: str | None = None,
        trusted: bool = False,
    ) -> RecordedEvent:
        if envelope["type"] in registry:
            return registry.load(envelope, seq, index, service, trusted)
        return RecordedEvent.from_envelope(envelope, envelope["data"], seq, index)


def line(event: RecordedEvent) -> str:
    when = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    data = json.dumps(event.data, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"{event.seq:>8}  {when}  {event.type}  {event.subject}  {event.actor}  {data}"


async def until_interrupted(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` until it ends or SIGINT/SIGTERM arrives, then cancel it until it has
    stopped: on Python 3.11 a cancellation that meets a timeout inside nats-py's
    `asyncio.wait_for` can be lost, so one cancel is not always enough."""
    task = asyncio.ensure_future(work)
    stop = stop_on_signals()
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=0.5)
    if not task.cancelled():
        task.result()  # an error of its own is raised here


async def tail(settings: Settings, from_seq: int | None, show: Callable[[str], None]) -> None:
    """Show events from `from_seq` (default: the last ten messages) and follow the log."""
    nc = await connect(settings.nats_url, name="log-tail")
    try:
        store = EventStore(nc, settings.stream, events=AnyTypeRegistry())
        start = from_seq if from_seq is not None else max(1, await store.last_seq() - 9)
        async for batch in store.read(start, follow=True):
            for event in batch.events:
                show(line(event))
    finally:
        await disconnect(nc)
