"""The projector skips a transaction for messages its projection has nothing in: their
checkpoint moves with the next batch it applies, or within `checkpoint_every`."""

from __future__ import annotations

import asyncio

from sqlalchemy import event as sql_event
from sqlalchemy import select

from events import Event
from events.projection import Projection, checkpoint, reset
from events.projector import Projector
from tests.support.counter import projection, totals

nothing = Projection(name="test_wants_nothing", tables=[])


def test_skipped_messages_join_the_next_batch_and_a_quiet_log_moves_the_checkpoint(
    nats, store, engine
):
    for each in (projection, nothing):
        reset(engine, each)
    projector = Projector(store, engine, [projection, nothing], idle_wait=5, checkpoint_every=0.2)
    commits: list[int] = []
    sql_event.listen(engine, "commit", lambda _connection: commits.append(1))
    subject = store.subject("counter", "a")

    async def log_while_projecting() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(projector.run(stop))
        last = 0
        try:
            for _ in range(10):
                for _ in range(3):  # messages with no event any projection here applies
                    await store.js.publish(store.subject("other", "x"), b"not an envelope")
                increment = Event("TestCounterIncremented", {"by": 1, "reason": "t"})
                last = (await store.append(subject, [increment], last)).seq
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.6)  # quiet: each checkpoint reaches the end
        finally:
            stop.set()
            await running
        return last

    last = nats.run(log_while_projecting(), timeout=30)
    with engine.connect() as connection:
        assert connection.scalar(select(totals.c.total)) == 10  # no gap, nothing twice
    assert checkpoint(engine, projection.name) == last
    assert checkpoint(engine, nothing.name) == last
    assert len(commits) <= 10 + 10  # the counter's batches, and a few for the other
