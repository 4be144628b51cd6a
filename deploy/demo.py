"""`staffroom demo load`: the demo trust, one loader per service.

Each service adds its loader to LOADERS: an async function that appends its part of the
demo trust through the store and says what it loaded ("6 PD day sessions").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from events.config import Settings
from events.connection import connect, disconnect
from events.store import EventStore
from services.directory import demo as directory_demo
from services.networks import demo as networks_demo
from services.trustdays import demo as trustdays_demo
from services.trustyear import demo as trustyear_demo

DemoLoader = Callable[[EventStore], Awaitable[str]]

LOADERS: list[DemoLoader] = [
    directory_demo.load,
    trustdays_demo.load,
    trustyear_demo.load,
    networks_demo.load,
]
"""In order: the trust days' demo reads its session leaders from the directory's; the
networks' demo reads people, posts, the trust year and PD days from all before it."""


async def load(settings: Settings) -> list[str]:
    """Run each loader against the log; what each one loaded."""
    nc = await connect(settings.nats_url, name="demo-load")
    try:
        store = EventStore(nc, settings.stream)
        await store.ensure_stream()
        return [await loader(store) for loader in LOADERS]
    finally:
        await disconnect(nc)
