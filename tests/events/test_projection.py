"""The projection runtime against a real database (and a real nats-server)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, func, inspect, select

from events import Event
from events.checkpoint_watch import CheckpointWatch
from events.db import create_db_engine, migrate
from events.envelope import Batch
from events.projection import (
    GapInLog,
    Projection,
    ProjectionStopped,
    Status,
    apply,
    checkpoint,
    checkpoints,
    rebuild,
    reset,
    status,
    wait_for,
)
from events.projector import Projector
from tests.support.counter import applied, projection, totals
from tests.support.waiting import wait_until

COUNTER_PROJECTION = "tests.support.counter:projection"


class Counters:
    """Appends to test counters, remembering each subject's last sequence."""

    def __init__(self, store, nats):
        self.store, self.nats, self.last = store, nats, {}

    def increment(self, name: str, *amounts: int) -> int:
        events = [Event("TestCounterIncremented", {"by": n, "reason": "t"}) for n in amounts]
        subject = self.store.subject("counter", name)
        appended = self.nats.run(self.store.append(subject, events, self.last.get(name, 0)))
        self.last[name] = appended.seq
        return appended.seq


@pytest.fixture
def counters(store, nats) -> Counters:
    return Counters(store, nats)


def whole_log(store, nats):
    async def read():
        return [event async for batch in store.read(1) for event in batch.events]

    return nats.run(read())


def totals_of(engine):
    with engine.connect() as connection:
        return connection.execute(select(totals).order_by(totals.c.subject)).all()


def rows(engine):
    with engine.connect() as connection:
        return connection.execute(select(applied).order_by(applied.c.seq, applied.c.idx)).all()


def test_apply_skips_what_it_already_applied(nats, store, engine, counters):
    counters.increment("a", 1, 2)
    counters.increment("a", 3)
    reset(engine, projection)
    events = whole_log(store, nats)
    assert apply(engine, projection, Batch.of(events[:2])) == 1  # both events of message 1
    assert apply(engine, projection, Batch.of(events)) == 2  # message 1 again: skipped
    assert apply(engine, projection, Batch.of(events)) == 2
    assert [row.by for row in rows(engine)] == [1, 2, 3]


def test_a_gap_is_refused_and_changes_nothing(nats, store, engine, counters):
    for n in range(3):
        counters.increment("a", n + 1)
    reset(engine, projection)
    events = whole_log(store, nats)
    with pytest.raises(GapInLog):
        apply(engine, projection, Batch.of(events[1:]))
    assert checkpoint(engine, projection.name) == 0
    assert rows(engine) == []


def test_rebuild_from_sequence_one_into_fresh_tables(nats, store, engine, counters):
    for n in range(1, 6):
        counters.increment(str(n % 2), n)
    reset(engine, projection)
    apply(engine, projection, Batch.of(whole_log(store, nats)[:2]))
    seen = []
    last = nats.run(rebuild(store, engine, projection, progress=lambda s, e: seen.append(s)))
    assert last == 5 and seen[-1] == 5
    assert [row.by for row in rows(engine)] == [1, 2, 3, 4, 5]
    assert [tuple(row) for row in totals_of(engine)] == [
        (store.subject("counter", "0"), 6),
        (store.subject("counter", "1"), 9),
    ]


def test_wait_for_reports_whether_the_projection_caught_up(nats, store, engine, counters):
    seq = counters.increment("a", 1)
    reset(engine, projection)
    assert not wait_for(engine, projection.name, seq, timeout=0.05)
    apply(engine, projection, Batch.of(whole_log(store, nats)))
    assert wait_for(engine, projection.name, seq, timeout=0.05)


def test_a_waiting_page_wakes_when_the_projector_commits(nats, store, engine, counters):
    seq = counters.increment("a", 1)
    reset(engine, projection)
    batch = Batch.of(whole_log(store, nats))
    # On SQLite the waiter's own reads find the commit; on PostgreSQL only the checkpoints'
    # NOTIFY wakes it (no read "at least every" within the test's time).
    query = select(checkpoints.c.name, checkpoints.c.last_seq)
    watch = CheckpointWatch(engine, query, listening_read_every=600)
    woke: list[bool] = []
    waiting = threading.Thread(target=lambda: woke.append(watch.wait_for(projection.name, seq, 30)))
    waiting.start()
    assert wait_until(lambda: watch._watching or not watch._listens, timeout=5)
    time.sleep(0.05)  # the waiter (or the listening watch) has read the checkpoints meanwhile
    assert not woke
    apply(engine, projection, batch)
    waiting.join()
    assert woke == [True]


def test_who_reads_the_checkpoints_for_a_waiting_page(nats, store, engine, counters):
    # On SQLite the page itself, at once: the projector has mostly committed by then, and a
    # watch thread's hand-overs cost a page milliseconds. On PostgreSQL one thread LISTENs.
    seq = counters.increment("a", 1)
    reset(engine, projection)
    apply(engine, projection, Batch.of(whole_log(store, nats)))
    watch = CheckpointWatch(engine, select(checkpoints.c.name, checkpoints.c.last_seq))
    assert watch.wait_for(projection.name, seq, 5)
    assert watch._watching == (engine.url.get_backend_name() == "postgresql")


def test_migrations_create_the_checkpoint_table(database_url):
    db = create_db_engine(database_url)
    migrate(db)
    migrate(db)  # a second run changes nothing
    assert "projection_checkpoints" in inspect(db).get_table_names()
    db.dispose()


def projector_process(nats_server, stream_settings, database_url, batch: int):
    env = {
        **os.environ,
        "NATS_URL": nats_server.url,
        "DATABASE_URL": database_url,
        "STAFFROOM_STREAM": stream_settings.name,
        "STAFFROOM_SUBJECT_PREFIX": stream_settings.prefix,
    }
    command = [sys.executable, "-m", "events.projector", COUNTER_PROJECTION, f"--batch={batch}"]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_projector_killed_mid_stream_ends_equal_to_a_rebuild(
    nats, nats_server, store, stream_settings, database_url, engine, counters, tmp_path
):
    reset(engine, projection)
    for n in range(1500):
        counters.increment(str(n % 7), *((1, 2) if n % 10 == 0 else (1,)))
    total = nats.run(store.last_seq())

    first = projector_process(nats_server, stream_settings, database_url, batch=5)
    assert wait_until(lambda: checkpoint(engine, projection.name) > 100, 60)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = checkpoint(engine, projection.name)
    assert 0 < killed_at < total, "the kill must land mid-stream"
    for n in range(200):  # the log grows while no projector runs
        counters.increment("late", n + 1)
    total = nats.run(store.last_seq())

    second = projector_process(nats_server, stream_settings, database_url, batch=50)
    caught_up = wait_until(lambda: checkpoint(engine, projection.name) == total, 60)
    second.send_signal(signal.SIGTERM)
    _, stderr = second.communicate(timeout=20)
    assert caught_up, stderr
    assert "Traceback" not in stderr, stderr  # a double apply would break the primary key
    projected = rows(engine)

    rebuilt_db = create_db_engine(f"sqlite:///{tmp_path / 'rebuilt.db'}")
    migrate(rebuilt_db)
    nats.run(rebuild(store, rebuilt_db, projection))
    assert projected == rows(rebuilt_db)
    assert totals_of(engine) == totals_of(rebuilt_db)
    assert sum(total for _, total in totals_of(engine)) == sum(row.by for row in projected)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(applied)) == 1500 + 150 + 200


def test_a_type_this_process_does_not_know_is_skipped_but_counted_as_read(
    nats, store, engine, counters
):
    """A service newer than this projector appended a type it has never heard of."""
    counters.increment("a", 1)
    future = {
        "id": "018f0000-0000-7000-8000-00000000f00d",
        "type": "SomethingFromTheFuture",
        "version": 1,
        "subject": store.subject("future", "1"),
        "occurred_at": "2027-01-01T00:00:00+00:00",
        "actor": "system",
        "data": {},
    }
    nats.run(store.js.publish(future["subject"], json.dumps([future]).encode()))
    counters.increment("a", 2)
    assert nats.run(rebuild(store, engine, projection)) == 3
    assert [row.by for row in rows(engine)] == [1, 2]


def test_a_handler_for_an_unregistered_type_is_refused():
    typo = Projection("typo", [applied], {"TestCounterIncrementd": lambda c, e: None})
    with pytest.raises(ValueError, match="TestCounterIncrementd"):
        typo.check()


def test_an_idle_wait_that_ran_out_is_nothing_new(nats, store, engine):
    # A wait spent before anything came must read as "nothing new", never as an error.
    projector = Projector(store, engine, [projection], idle_wait=1e-9)

    async def take_when_idle():
        following = await projector._following([projection])
        try:
            return [await following.take(10, 1e-9) for _ in range(20)]
        finally:
            await following.stop()

    assert nats.run(take_when_idle()) == [[]] * 20


# A read model that stores each increment's reason: text the database may refuse.
reasons_metadata = MetaData()
reasons = Table(
    "test_counter_reasons",
    reasons_metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("reason", String(200), nullable=False),
)


def record_reason(connection, event) -> None:
    connection.execute(reasons.insert(), {"seq": event.seq, "reason": event.data["reason"]})


def record_reason_without_surrogates(connection, event) -> None:
    """The handler fixed: it stores what it can of the text."""
    reason = event.data["reason"].encode("utf-8", "replace").decode().replace("\x00", "")
    connection.execute(reasons.insert(), {"seq": event.seq, "reason": reason})


reasons_projection = Projection(
    "test_reasons", [reasons], {"TestCounterIncremented": record_reason}
)
fixed_reasons_projection = Projection(
    "test_reasons", [reasons], {"TestCounterIncremented": record_reason_without_surrogates}
)


def publish_unchecked(nats, store, reason: str) -> int:
    """An event the registry would refuse today, as a forged or an old one sits in the log."""
    envelope = {
        "id": "018f0000-0000-7000-8000-00000000dead",
        "type": "TestCounterIncremented",
        "version": 2,
        "subject": store.subject("counter", "poison"),
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "someone",
        "data": {"by": 5, "reason": reason},
    }
    return nats.run(store.js.publish(envelope["subject"], json.dumps([envelope]).encode())).seq


def stored_reasons(engine):
    with engine.connect() as connection:
        return connection.execute(select(reasons.c.seq, reasons.c.reason).order_by("seq")).all()


@pytest.fixture
def poisoned(nats, store, engine, counters):
    """Sequence 1 fine, 2 a lone surrogate (no database stores it), 3 fine."""
    counters.increment("a", 1)
    publish_unchecked(nats, store, "vegan \udfff")
    counters.increment("a", 2)
    return whole_log(store, nats)


def test_an_event_a_handler_cannot_store_stops_the_projection_just_before_it(
    nats, store, engine, poisoned
):
    reset(engine, reasons_projection)
    with pytest.raises(ProjectionStopped) as stopped:
        apply(engine, reasons_projection, Batch.of(poisoned))
    assert (stopped.value.name, stopped.value.seq) == ("test_reasons", 2)
    assert stored_reasons(engine) == [(1, "t")]  # the events before it are applied
    now = status(engine, "test_reasons")
    assert (now.last_seq, now.failed_seq) == (1, 2)
    assert now.failure.startswith("TestCounterIncremented: UnicodeEncodeError")
    with pytest.raises(ProjectionStopped):  # applying again tries again
        apply(engine, reasons_projection, Batch.of(poisoned))
    assert status(engine, "test_reasons").last_seq == 1

    assert apply(engine, fixed_reasons_projection, Batch.of(poisoned)) == 3
    assert status(engine, "test_reasons") == Status("test_reasons", 3, None, None)
    assert [seq for seq, _ in stored_reasons(engine)] == [1, 2, 3]


def test_nul_stops_a_projection_on_postgresql(nats, store, engine, counters):
    counters.increment("a", 1)
    publish_unchecked(nats, store, "nut\x00free")
    reset(engine, reasons_projection)
    events = whole_log(store, nats)
    if engine.dialect.name == "postgresql":
        with pytest.raises(ProjectionStopped, match="DataError"):
            apply(engine, reasons_projection, Batch.of(events))
        assert status(engine, "test_reasons").failed_seq == 2
    else:  # SQLite stores NUL
        assert apply(engine, reasons_projection, Batch.of(events)) == 2


def test_a_rebuild_stops_at_the_same_event_and_keeps_what_came_before(
    nats, store, engine, poisoned
):
    reset(engine, reasons_projection)
    with pytest.raises(ProjectionStopped):
        nats.run(rebuild(store, engine, reasons_projection, batch=2))
    assert stored_reasons(engine) == [(1, "t")]
    assert status(engine, "test_reasons").failed_seq == 2


def project_until(nats, projector: Projector, done, timeout: float = 20.0) -> None:
    """Run the projector until `done()` holds (the test fails if it never does)."""

    async def run():
        stop = asyncio.Event()
        running = asyncio.create_task(projector.run(stop))
        try:
            for _ in range(int(timeout / 0.05)):
                if await asyncio.to_thread(done) or running.done():
                    break
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            await running

    nats.run(run(), timeout=timeout + 10)
    assert done()


def test_a_stopped_projection_never_blocks_the_others(nats, store, engine, poisoned, caplog):
    nats.run(store.js.publish(store.subject("counter", "a"), b"not an envelope"))  # seq 4
    reset(engine, reasons_projection)
    reset(engine, projection)
    projector = Projector(store, engine, [reasons_projection, projection], idle_wait=0.2)

    def both_where_they_can_be():
        stopped = status(engine, "test_reasons").failed_seq
        return checkpoint(engine, projection.name) == 4 and stopped == 2

    project_until(nats, projector, both_where_they_can_be)
    assert [row.by for row in rows(engine)] == [1, 5, 2]
    assert stored_reasons(engine) == [(1, "t")]
    assert "projection test_reasons stopped at sequence 2" in caplog.text
    assert store.skipped >= 1 and "skipped message 4" in caplog.text
