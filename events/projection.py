"""Projections fold the log into read models (SQL tables).

A projection applies a batch of events and moves its checkpoint (the last stream sequence
applied) in the same transaction, so a crash, a redelivery or two projectors at once never
apply an event twice, and any read model can be rebuilt from sequence 1.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)

from events.envelope import RecordedEvent
from events.store import EventStore

metadata = MetaData()
checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

Handler = Callable[[Connection, RecordedEvent], None]


class GapInLog(Exception):
    """A batch did not start right after the checkpoint: re-read from the checkpoint."""


@dataclass(frozen=True)
class Projection:
    name: str
    tables: Sequence[Table]
    handlers: Mapping[str, Handler] = field(default_factory=dict)


def checkpoint(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        seq = connection.scalar(select(checkpoints.c.last_seq).where(checkpoints.c.name == name))
    return seq or 0


def apply(engine: Engine, projection: Projection, events: Sequence[RecordedEvent]) -> int:
    """Apply what is new in `events` and move the checkpoint, in one transaction.

    Returns the checkpoint. Events at or below it are skipped; an event beyond the next
    sequence raises GapInLog (the log has no holes: the stream refuses deletes).
    """
    with engine.begin() as connection:
        last = _locked_checkpoint(connection, projection.name)
        start = last
        for event in events:
            if event.seq <= start:
                continue
            if event.seq not in (last, last + 1):
                raise GapInLog(f"{projection.name}: at {last}, next event is {event.seq}")
            handler = projection.handlers.get(event.type)
            if handler is not None:
                handler(connection, event)
            last = event.seq
        if last != start:
            connection.execute(
                update(checkpoints)
                .where(checkpoints.c.name == projection.name)
                .values(last_seq=last, updated_at=datetime.now(UTC))
            )
    return last


def _locked_checkpoint(connection: Connection, name: str) -> int:
    query = select(checkpoints.c.last_seq).where(checkpoints.c.name == name)
    seq = connection.scalar(query.with_for_update())
    if seq is None:
        connection.execute(
            insert(checkpoints).values(name=name, last_seq=0, updated_at=datetime.now(UTC))
        )
        return 0
    return int(seq)


def reset(engine: Engine, projection: Projection) -> None:
    """Fresh, empty tables and a checkpoint at 0."""
    with engine.begin() as connection:
        for table in reversed(projection.tables):
            table.drop(connection, checkfirst=True)
        for table in projection.tables:
            table.create(connection)
        _locked_checkpoint(connection, projection.name)
        connection.execute(
            update(checkpoints)
            .where(checkpoints.c.name == projection.name)
            .values(last_seq=0, updated_at=datetime.now(UTC))
        )


async def rebuild(
    store: EventStore,
    engine: Engine,
    projection: Projection,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 1000,
) -> int:
    """Empty the projection's tables and apply the whole log again from sequence 1.

    Applies in the reading loop itself: both sides are Python work under one GIL, and a
    worker thread measured slower (make bench). Meanwhile the server fills the buffer.
    """
    reset(engine, projection)
    end = await store.last_seq()
    seq = 0
    async for events in store.read(1, batch=batch):
        seq = apply(engine, projection, events)
        if progress:
            progress(seq, end)
    return seq


def wait_for(engine: Engine, name: str, seq: int, timeout: float = 2.0) -> bool:
    """Read your writes: wait (bounded) until projection `name` has applied `seq`."""
    deadline = time.monotonic() + timeout
    while checkpoint(engine, name) < seq:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
