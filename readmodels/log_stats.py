"""How many events of each type the log holds, for the health panel: every event counts.

Not a service's read side (it reads every service's events), so it lives beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Row,
    String,
    Table,
    insert,
    select,
    update,
)

from events.db import UtcDateTime
from events.envelope import RecordedEvent
from events.projection import Projection
from readmodels import metadata

log_event_counts = Table(
    "log_event_counts",
    metadata,
    Column("type", String(200), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_at", UtcDateTime(), nullable=False),
)


def count_event(connection: Connection, event: RecordedEvent) -> None:
    # Projections apply under the checkpoint's lock, so update-then-insert cannot race.
    counts = log_event_counts.c
    changed = connection.execute(
        update(log_event_counts)
        .where(counts.type == event.type)
        .values(count=counts.count + 1, last_seq=event.seq, last_at=event.occurred_at)
    )
    if changed.rowcount == 0:
        connection.execute(
            insert(log_event_counts).values(
                type=event.type, count=1, last_seq=event.seq, last_at=event.occurred_at
            )
        )


log_stats = Projection(name="log_stats", tables=[log_event_counts], every_event=count_event)


def event_counts(engine: Engine) -> Sequence[Row]:
    """Each event type with its count and the last one's sequence and time."""
    with engine.connect() as connection:
        return list(connection.execute(select(log_event_counts).order_by("type")))
