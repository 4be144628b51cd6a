"""A stream and a database made once for a whole module (the conftest's are made per test):
for a matrix of many quick requests against one world."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Engine

from events.connection import NatsThread
from events.db import create_db_engine, migrate
from events.store import EventStore, StreamSettings
from tests.support.databases import POSTGRES_URL, fresh_schema


@contextmanager
def fresh_store(nats: NatsThread) -> Iterator[EventStore]:
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    try:
        yield store
    finally:
        nats.run(store.js.delete_stream(name))


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated database of `kind` (sqlite or postgresql, as the conftest's parameter):
    its URL and an engine."""
    with ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'test.db'}"
        else:
            assert POSTGRES_URL  # the parameter exists only when it is set
            url = stack.enter_context(fresh_schema(POSTGRES_URL))
        engine = create_db_engine(url)
        stack.callback(engine.dispose)
        migrate(engine)
        yield url, engine
