"""The frontend's projections: each folds the log into some of its read models.

A projection is handed the event types it handles that this process knows, so the frontend
imports here each service's `events` module (which registers its types); the projector
refuses to start with a handler for a type nobody registered.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from events.envelope import RecordedEvent
from events.projection import Projection
from frontend.readmodels import log_event_counts


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

PROJECTIONS: list[Projection] = [log_stats]


def by_name(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise KeyError(name)
