"""A tiny aggregate for testing the event library: a counter with an optional ceiling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marshmallow import Schema, fields, validate
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)

from events import CommandRejected, Decider, Event, registry
from events.decider import Fact
from events.projection import Projection


@registry.event("TestCounterIncremented", version=2)
class CounterIncremented(Schema):
    by = fields.Integer(required=True, validate=validate.NoneOf([0]))
    reason = fields.String(required=True)


@registry.upcaster("TestCounterIncremented", from_version=1)
def _reason_added(data: dict) -> dict:
    return {**data, "reason": "(not recorded)"}


@dataclass(frozen=True)
class Increment:
    by: int = 1
    reason: str = "test"
    limit: int | None = None


class CounterDecider(Decider[int, Increment]):
    def initial_state(self) -> int:
        return 0

    def decide(self, command: Increment, state: int) -> Sequence[Event]:
        if command.limit is not None and state + command.by > command.limit:
            raise CommandRejected("counter_limit", f"the counter may not pass {command.limit}")
        return [Event("TestCounterIncremented", {"by": command.by, "reason": command.reason})]

    def evolve(self, state: int, event: Fact) -> int:
        return state + event.data["by"]


metadata = MetaData()
applied = Table(
    "test_counter_applied",
    metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("by", Integer, nullable=False),
)


totals = Table(
    "test_counter_totals",
    metadata,
    Column("subject", String(200), primary_key=True),
    Column("total", Integer, nullable=False),
)

# Built once: SQLAlchemy caches their compiled form.
INSERT_APPLIED = applied.insert()
SELECT_TOTAL = select(totals.c.total).where(totals.c.subject == bindparam("key"))
INSERT_TOTAL = totals.insert()
UPDATE_TOTAL = totals.update().where(totals.c.subject == bindparam("key"))


def record_applied(connection: Connection, event) -> None:
    # The primary key (seq, idx) turns an event applied twice into an error.
    connection.execute(
        INSERT_APPLIED,
        {"seq": event.seq, "idx": event.index, "subject": event.subject, "by": event.data["by"]},
    )


def record_increment(connection: Connection, event) -> None:
    record_applied(connection, event)
    # A read inside the batch: it must see the rows written before it in the same batch.
    total = connection.scalar(SELECT_TOTAL, {"key": event.subject})
    if total is None:
        connection.execute(INSERT_TOTAL, {"subject": event.subject, "total": event.data["by"]})
    else:
        connection.execute(UPDATE_TOTAL, {"key": event.subject, "total": total + event.data["by"]})


projection = Projection(
    name="test_counter",
    tables=[applied, totals],
    handlers={"TestCounterIncremented": record_increment},
)

applied_only = Projection(
    name="test_counter_applied",
    tables=[applied],
    handlers={"TestCounterIncremented": record_applied},
)
"""One insert per event: what the runtime costs with the lightest handler (make bench)."""
