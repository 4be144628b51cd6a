"""The frontend's projections: each folds the log into some of its read models.

The projector process decodes every event of the log before a projection sees it, so the
frontend imports each service's `events` module (which registers its event types) here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlalchemy import Connection, insert, update

from events.envelope import RecordedEvent
from events.projection import Handler, Projection
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


class EveryType(Mapping[str, Handler]):
    """Handlers for a projection that takes every event type, known today or added later."""

    def __init__(self, handler: Handler):
        self.handler = handler

    def __getitem__(self, event_type: str) -> Handler:
        return self.handler

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


log_stats = Projection(name="log_stats", tables=[log_event_counts], handlers=EveryType(count_event))

PROJECTIONS: list[Projection] = [log_stats]


def by_name(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise KeyError(name)
