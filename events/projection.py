"""Projections fold the log into read models (SQL tables).

A projection applies a batch of events and moves its checkpoint (the last stream sequence
applied) in the same transaction, so a crash, a redelivery or two projectors at once never
apply an event twice, and any read model can be rebuilt from sequence 1.

Several projections may apply one batch in one transaction (`apply_all`: the projector
reads and decodes each message once for all of them); each still moves its own checkpoint.

An event a handler cannot apply (text the database refuses, a handler's bug) stops that
projection just before it, and the checkpoint row records where and why: the others go on,
and the operator page and `staffroom projections status` show it (events/projection_health.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy.exc
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)

from events.checkpoint_watch import CheckpointWatches
from events.db import WRITE, writing
from events.envelope import Batch, RecordedEvent
from events.registry import EventRegistry, registry
from events.store import EventStore
from events.text import storable

log = logging.getLogger(__name__)

metadata = MetaData()
checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("failed_seq", BigInteger, nullable=True),
    Column("failure", Text, nullable=True),
)

Handler = Callable[[Connection, RecordedEvent], None]
Fold = Callable[[Connection, Sequence[RecordedEvent]], None]


TRANSIENT = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)
"""A database away, locked or in a deadlock: not the event's fault, so tried again."""


class GapInLog(Exception):
    """A batch did not start right after the checkpoint: re-read from the checkpoint."""


class ProjectionStopped(Exception):
    """A handler could not apply the event at `seq`: the projection stopped just before it."""

    def __init__(self, name: str, seq: int, reason: str):
        self.name, self.seq, self.reason = name, seq, reason
        super().__init__(f"projection {name} stopped at sequence {seq}: {reason}")


class _CannotApply(Exception):
    def __init__(self, name: str, event: RecordedEvent, reason: str):
        self.name, self.event, self.reason = name, event, reason


class _FoldFailed(Exception):
    """A projection's `fold` failed: its batch is applied again one handler at a time, to
    find the event that cannot be applied."""

    def __init__(self, name: str):
        self.name = name


@dataclass(frozen=True)
class Status:
    """Where a projection is: its checkpoint, and the event it stopped at, if it did."""

    name: str
    last_seq: int
    failed_seq: int | None = None
    failure: str | None = None
    updated_at: datetime | None = field(default=None, compare=False)
    """When the checkpoint last moved (None before the projection's first batch)."""

    def progress(self, last_seq: int, unread_since: datetime | None, now: datetime) -> str:
        """ "stopped", "up to date", "catching up", or "not moving": behind the log's
        `last_seq` with neither its checkpoint nor the first message it has not read
        (appended at `unread_since`) newer than NOT_MOVING_AFTER. A stack that was idle for
        an hour is not "not moving" the moment a new event comes: that event is new."""
        if self.failed_seq:
            return "stopped"
        if self.last_seq >= last_seq:
            return "up to date"
        known = [_aware(at) for at in (self.updated_at, unread_since) if at is not None]
        if known and now - max(known) >= NOT_MOVING_AFTER:
            return "not moving"
        return "catching up"


NOT_MOVING_AFTER = timedelta(seconds=30)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps no time zone


@dataclass(frozen=True)
class Projection:
    """A read model: its tables and a handler per event type it folds in. `every_event`
    takes each event of every type this process knows (a log statistic, an audit).

    Handlers run inside the batch's transaction. Build their statements once, at import
    (`INSERT = table.insert()`), and pass parameters: SQLAlchemy then reuses the compiled
    form, about four times faster than a fresh `.values(...)` per event.

    `fold`, if given, applies a batch's wanted events in one go (fewer statements: counts
    summed per batch) and must leave the tables as the handlers one at a time would; if it
    fails, the batch is applied again by the handlers, which find the event at fault.
    """

    name: str
    tables: Sequence[Table]
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    every_event: Handler | None = None
    fold: Fold | None = None

    def wants(self, event_type: str) -> bool:
        return self.every_event is not None or event_type in self.handlers

    def handler(self, event_type: str) -> Handler | None:
        return self.handlers.get(event_type, self.every_event)

    def check(self, events: EventRegistry = registry) -> None:
        """Refuse to run with a handler for a type nobody registered (a missing import
        would otherwise skip those events without a word)."""
        unknown = sorted(t for t in self.handlers if t not in events)
        if unknown:
            raise ValueError(f"projection {self.name} handles unregistered types: {unknown}")


def checkpoint(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        seq = connection.scalar(select(checkpoints.c.last_seq).where(checkpoints.c.name == name))
    return seq or 0


def status(engine: Engine, name: str) -> Status:
    c = checkpoints.c
    with engine.connect() as connection:
        row = connection.execute(
            select(c.last_seq, c.failed_seq, c.failure, c.updated_at).where(c.name == name)
        ).first()
    return Status(name, 0) if row is None else Status(name, *row)


def apply(engine: Engine, projection: Projection, batch: Batch) -> int:
    """Apply what is new in `batch` and move the checkpoint to its end, in one transaction.

    Returns the checkpoint. Events at or below it are skipped; a batch that starts beyond
    the next sequence raises GapInLog (the log has no holes: the stream refuses deletes).

    An event a handler cannot apply stops the projection: the events before it are
    applied, the checkpoint row records its sequence and why, and ProjectionStopped is
    raised. Applying it again (a fixed handler, a rebuild) tries again.
    """
    for stopped in apply_all(engine, [projection], batch):
        raise stopped
    return checkpoint(engine, projection.name)


def apply_all(
    engine: Engine | Connection, projections: Sequence[Projection], batch: Batch
) -> list[ProjectionStopped]:
    """`apply` for several projections in one transaction: each skips what it has applied
    and moves its own checkpoint. Returns those that stopped (the others' changes and the
    events before the stop are committed all the same). `engine` may be `writing(engine)`
    already (made once by a caller that applies batch after batch), or a connection of
    such an engine with no transaction open (the projector keeps one: taking a connection
    from the pool and giving it back was a tenth of a small batch's CPU)."""
    stops: dict[str, tuple[int, str]] = {}
    one_by_one: set[str] = set()
    while True:
        try:
            with _transaction(engine) as connection:
                applied = _locked_checkpoints(connection, [p.name for p in projections])
                moves = [
                    _apply(
                        connection, projection, batch, applied[projection.name], stops, one_by_one
                    )
                    for projection in projections
                ]
                if moved := [move for move in moves if move is not None]:
                    connection.execute(MOVE_CHECKPOINT, moved)
            break
        except _FoldFailed as failed:  # rolled back: again, one event at a time
            one_by_one.add(failed.name)
        except _CannotApply as failed:  # rolled back: again, stopping just before it
            stops[failed.name] = (failed.event.seq, failed.reason)
            one_by_one.add(failed.name)
    return [ProjectionStopped(name, seq, reason) for name, (seq, reason) in stops.items()]


def _apply(
    connection: Connection,
    projection: Projection,
    batch: Batch,
    applied: int,
    stops: Mapping[str, tuple[int, str]],
    one_by_one: set[str],
) -> dict[str, Any] | None:
    """Apply the batch's new events to `projection`: its checkpoint's move, or None."""
    stop = stops.get(projection.name)
    if batch.last_seq <= applied and stop is None:
        return None
    if batch.first_seq > applied + 1:
        raise GapInLog(f"{projection.name}: at {applied}, the batch starts at {batch.first_seq}")
    end = batch.last_seq if stop is None else stop[0] - 1
    wanted = [
        event
        for event in batch.events
        if applied < event.seq <= end and projection.handler(event.type) is not None
    ]
    if projection.fold is not None and projection.name not in one_by_one:
        _fold(projection, connection, wanted)
    else:
        for event in wanted:
            _run(projection, connection, event)
    failed_seq, failure = stop or (None, None)
    moved = {"key": projection.name, "seq": max(applied, end), "at": datetime.now(UTC)}
    return {**moved, "failed": failed_seq, "why": failure}


# Built once: a batch's only statements besides its handlers' (see Projection's note)
MOVE_CHECKPOINT = (
    update(checkpoints)
    .where(checkpoints.c.name == bindparam("key"))
    .values(
        last_seq=bindparam("seq"),
        updated_at=bindparam("at"),
        failed_seq=bindparam("failed"),
        failure=bindparam("why"),
    )
)
LOCKED_CHECKPOINTS = (
    select(checkpoints.c.name, checkpoints.c.last_seq)
    .where(checkpoints.c.name.in_(bindparam("keys", expanding=True)))
    .with_for_update()
)


@contextmanager
def _transaction(engine: Engine | Connection) -> Iterator[Connection]:
    """A writer's transaction: on the connection given, or on one of the engine's."""
    if isinstance(engine, Connection):
        with engine.begin():
            yield engine
    else:
        with _writer(engine).begin() as connection:
            yield connection


def _writer(engine: Engine) -> Engine:
    """`engine` for the batch's transaction: as given if it already is a writer's (the
    projector makes one once: a new one per batch cost a quarter of a batch's fixed CPU,
    joining the engine's event listeners again each time)."""
    return engine if engine.get_execution_options().get(WRITE) else writing(engine)


def _run(projection: Projection, connection: Connection, event: RecordedEvent) -> None:
    handler = projection.handler(event.type)
    assert handler is not None
    try:
        handler(connection, event)
    except TRANSIENT:
        raise
    except Exception as error:
        raise _CannotApply(projection.name, event, _reason(event, error)) from error


def _fold(projection: Projection, connection: Connection, events: list[RecordedEvent]) -> None:
    assert projection.fold is not None
    if not events:
        return
    try:
        projection.fold(connection, events)
    except TRANSIENT:
        raise
    except Exception as error:
        log.info("projection %s: its fold failed (%s); one event at a time", projection.name, error)
        raise _FoldFailed(projection.name) from error


def _reason(event: RecordedEvent, error: Exception) -> str:
    """Why, in one line without the event's data (the health page shows it to all staff)."""
    cause = getattr(error, "orig", None) or error
    first_line = next(iter(str(cause).splitlines()), "")
    return storable(f"{event.type}: {type(cause).__name__}: {first_line}")[:500]


def _locked_checkpoints(connection: Connection, names: list[str]) -> dict[str, int]:
    """The checkpoints of `names`, locked until the transaction ends (rows made at 0)."""
    rows = connection.execute(LOCKED_CHECKPOINTS, {"keys": names})
    found = {row.name: int(row.last_seq) for row in rows}
    for name in set(names) - found.keys():
        connection.execute(
            insert(checkpoints), {"name": name, "last_seq": 0, "updated_at": datetime.now(UTC)}
        )
        found[name] = 0
    return found


def reset(engine: Engine, projection: Projection) -> None:
    """Fresh, empty tables and a checkpoint at 0."""
    with writing(engine).begin() as connection:
        for table in reversed(projection.tables):
            table.drop(connection, checkfirst=True)
        for table in projection.tables:
            table.create(connection)
        _locked_checkpoints(connection, [projection.name])
        connection.execute(
            update(checkpoints)
            .where(checkpoints.c.name == projection.name)
            .values(last_seq=0, updated_at=datetime.now(UTC), failed_seq=None, failure=None)
        )


async def rebuild(
    store: EventStore,
    engine: Engine,
    projection: Projection,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 1000,
    validate: bool = False,
) -> int:
    """Empty the projection's tables and apply the whole log again from sequence 1.

    Raises ProjectionStopped at an event it cannot apply, with the events before it applied.
    With `validate`, each event's data is validated again by its schema (the projector
    trusts what appends validated: events.trusted).

    Applies in the reading loop itself: both sides are Python work under one GIL, and a
    worker thread measured slower (make bench). Meanwhile the server fills the buffer.
    """
    projection.check(store.registry)
    reset(engine, projection)
    end = await store.last_seq()
    seq = 0
    async for read in store.read(1, batch=batch, wanted=projection.wants, trusted=not validate):
        seq = apply(engine, projection, read)
        if progress:
            progress(seq, end)
    return seq


def wait_for(engine: Engine, name: str, seq: int, timeout: float = 2.0) -> bool:
    """Read your writes: wait (bounded) until projection `name` has applied `seq`."""
    return _watches.wait_for(engine, name, seq, timeout)


_watches = CheckpointWatches(select(checkpoints.c.name, checkpoints.c.last_seq))
