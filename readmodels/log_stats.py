"""How many events of each type the log holds, for the health panel: every event counts.

Not a service's read side (it reads every service's events), so it lives beside them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Row,
    String,
    Table,
    bindparam,
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
    count_events(connection, [event])


COUNTED = log_event_counts.c
ADD_TO_COUNT = (
    update(log_event_counts)
    .where(COUNTED.type == bindparam("key"))
    .values(
        count=COUNTED.count + bindparam("n"), last_seq=bindparam("seq"), last_at=bindparam("at")
    )
)
ADD_TYPE = insert(log_event_counts)


def count_events(connection: Connection, events: Sequence[RecordedEvent]) -> None:
    """One statement per event type in the batch, not one per event."""
    counts = Counter(event.type for event in events)
    last = {event.type: event for event in events}  # the log's order: the last one wins
    for event_type, n in counts.items():
        event = last[event_type]
        # Projections apply under the checkpoint's lock, so update-then-insert cannot race.
        params = {"key": event_type, "n": n, "seq": event.seq, "at": event.occurred_at}
        if connection.execute(ADD_TO_COUNT, params).rowcount == 0:
            row = {
                "type": event_type,
                "count": n,
                "last_seq": event.seq,
                "last_at": event.occurred_at,
            }
            connection.execute(ADD_TYPE, row)


log_stats = Projection(
    name="log_stats", tables=[log_event_counts], every_event=count_event, fold=count_events
)


def event_counts(engine: Engine) -> Sequence[Row]:
    """Each event type with its count and the last one's sequence and time."""
    with engine.connect() as connection:
        return list(connection.execute(select(log_event_counts).order_by("type")))
