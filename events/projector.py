"""The projector process: keeps projections up to date as the log grows.

One ordered push consumer for all the projections, started at their lowest SQL checkpoint
each time it (re)starts: the server sends each message as it is stored, and what has come
while a batch was being applied is the next batch. Each batch is decoded once and applied
to every projection in one transaction (each moves its own checkpoint). The checkpoints
are the truth; the consumer keeps nothing on the server (a message lost on the way shows
as a gap, and the projector follows again from the checkpoints).

A projection that stops at an event it cannot apply leaves the group for a consumer of its
own, which waits (`retry_stopped` seconds) and tries again from its checkpoint; the others
go on meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from nats.js.errors import NotFoundError
from sqlalchemy import Engine

from events.config import Settings
from events.consumers import Following, named, reading_log, stop_on_signals
from events.db import create_db_engine, writing
from events.envelope import Batch
from events.outage import Outage
from events.projection import GapInLog, Projection, ProjectionStopped, apply_all, checkpoint
from events.store import EventStore

log = logging.getLogger(__name__)


class Projector:
    """Keeps projections up to date: one ordered consumer for them all, read from their
    checkpoints; a projection that stopped follows on its own."""

    def __init__(
        self,
        store: EventStore,
        engine: Engine,
        projections: Sequence[Projection],
        batch: int = 500,
        idle_wait: float = 1.0,
        retry_stopped: float = 300.0,
        checkpoint_every: float = 0.05,
        validate: bool = False,
    ):
        self.store = store
        self.engine = engine
        self.writer = writing(engine)
        """The engine for the batches' transactions, made once (see apply_all)."""
        self.projections = projections
        self.batch = batch
        self.idle_wait = idle_wait
        """Seconds the projector waits for new events before it looks whether to stop."""
        self.retry_stopped = retry_stopped
        """Seconds a stopped projection waits before it tries its failed event again."""
        self.checkpoint_every = checkpoint_every
        """Seconds a checkpoint may stay behind while only events its projection does not
        want go by (a page waiting for one of them waits about this long at most)."""
        self.validate = validate
        """Whether each event's data is validated again by its schema. The log holds only
        what appends validated: by default it is read without (events.trusted)."""
        self.outage = Outage(log, "projector")

    async def run(self, stop: asyncio.Event) -> None:
        for projection in self.projections:
            projection.check(self.store.registry)
        await self._forget_durable_consumers()
        alone: set[asyncio.Task] = set()
        try:
            await self._follow(list(self.projections), stop, alone)
        finally:
            await asyncio.gather(*alone)

    async def _forget_durable_consumers(self) -> None:
        """The durable consumers earlier projectors made (one for all, or one each): the
        server would keep them for good."""
        names = [p.name for p in self.projections]
        for durable in {"projection_" + "_".join(names), *(f"projection_{n}" for n in names)}:
            with contextlib.suppress(NotFoundError):
                await self.store.js.delete_consumer(self.store.stream, durable)

    async def _follow(
        self, group: list[Projection], stop: asyncio.Event, alone: set[asyncio.Task]
    ) -> None:
        while not stop.is_set() and group:
            try:
                await self._consume(group, stop)
            except ProjectionStopped as stopped:
                log.error("%s; the others go on; retrying in %gs", stopped, self.retry_stopped)
                if len(group) == 1:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.retry_stopped)
                    continue
                leaving = next(p for p in group if p.name == stopped.name)
                group.remove(leaving)
                alone.add(asyncio.create_task(self._follow([leaving], stop, alone)))
            except GapInLog as gap:
                log.warning("%s; resuming from the checkpoint", gap)
            except Exception as error:  # NATS or SQL away, a handler's bug: resume, retry
                names = ", ".join(p.name for p in group)
                self.outage.failed(error, f"projections {names} (resuming from the checkpoints)")
                await asyncio.sleep(1.0)

    async def _consume(self, group: list[Projection], stop: asyncio.Event) -> None:
        following = await self._following(group)
        self.outage.worked()
        connection = self.writer.connect()
        """The batches' connection, kept (a failure closes it: the next is a new one)."""
        unwritten: Batch | None = None
        """Messages with nothing for these projections, read but not yet checkpointed."""
        due = 0.0

        def wanted(event_type: str) -> bool:
            return any(p.wants(event_type) for p in group)

        try:
            while not stop.is_set():
                wait = self.idle_wait if unwritten is None else max(due - time.monotonic(), 0.001)
                msgs = await following.take(self.batch, wait)
                if not msgs and unwritten is None:
                    continue
                read = self.store.batch(msgs, wanted, trusted=not self.validate) if msgs else None
                fetched = _consecutive(read, len(msgs)) if read else None
                batch = _after(unwritten, fetched)
                if msgs and not batch.events and (unwritten is None or time.monotonic() < due):
                    # Nothing to apply: no transaction per message; the checkpoints move with
                    # the next batch to apply, or within `checkpoint_every`.
                    due = due if unwritten else time.monotonic() + self.checkpoint_every
                    unwritten = batch
                    continue
                # In the loop itself: a hop to a thread and back cost more than the batch
                # (make bench); meanwhile the next messages wait in the buffer.
                stopped = apply_all(connection, group, batch)
                unwritten = None
                if stopped:
                    raise stopped[0]  # the rest of a batch's stops: caught up when regrouped
        finally:
            connection.close()
            await following.stop()

    async def _following(self, group: list[Projection]) -> Following:
        """The log from the group's lowest SQL checkpoint on: the checkpoints, not the
        consumer, say where to resume."""
        start = min([await asyncio.to_thread(checkpoint, self.engine, p.name) for p in group]) + 1
        return await Following(self.store, limit=self.batch * 20).start(start)


async def run(settings: Settings, projections: Sequence[Projection], batch: int = 500) -> None:
    """Run the projector until SIGINT or SIGTERM."""
    stop = stop_on_signals()
    async with reading_log(settings, "projector") as store:
        engine = create_db_engine(settings.database_url)
        try:
            await Projector(store, engine, projections, batch).run(stop)
        finally:
            engine.dispose()


def _after(unwritten: Batch | None, batch: Batch | None) -> Batch:
    """One batch of the messages skipped so far and those just fetched (either may be None:
    not both)."""
    if unwritten is None:
        assert batch is not None
        return batch
    if batch is None:
        return unwritten
    if batch.first_seq != unwritten.last_seq + 1:
        raise GapInLog(f"read up to {unwritten.last_seq}, then from {batch.first_seq}")
    return Batch(unwritten.first_seq, batch.last_seq, batch.events)


def _consecutive(batch: Batch, messages: int) -> Batch:
    """The batch, if no message is missing inside it (no acks: a lost one is not sent again)."""
    if batch.last_seq - batch.first_seq + 1 != messages:
        raise GapInLog(f"{messages} messages from {batch.first_seq} to {batch.last_seq}")
    return batch


def load_projection(path: str) -> Projection:
    """'package.module:name' to the Projection it names."""
    projection = named(path)
    if not isinstance(projection, Projection):
        raise TypeError(f"{path} is not a Projection")
    return projection


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Keep projections up to date.")
    parser.add_argument("projections", nargs="+", help="module:name of each projection")
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s projector %(message)s")
    projections = [load_projection(path) for path in args.projections]
    asyncio.run(run(Settings.from_env(), projections, args.batch))


if __name__ == "__main__":
    main()
