"""Reactions: an event turned into follow-up commands, run by a reactor process.

A reaction names the subjects and event types it follows and, for each such event (and
the state of the event's aggregate as of that event), the commands to run. The reactor
follows the log with one durable pull consumer per reaction and runs each command through
the command loop with an idempotency key made of the reaction's name and the event's id:
the command's id is the same on every delivery, so a redelivered event, or one delivered
again after a crash, is recognised by the aggregate and acts once. The event is acked only
after all its commands are done; a restarted reactor continues from the consumer's
position, and an event left unacked by a crash comes again after `ack_wait`. When an event
fails (NATS slow to confirm a command), it and the rest of its fetched batch are given back
to come again after `retry`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from nats.aio.msg import Msg
from nats.js import JetStreamContext, api

from events.config import Settings
from events.consumers import fetch, named, reading_log, stop_on_signals
from events.decider import Command, CommandLoop, CommandRejected, Decider, State
from events.envelope import Metadata, RecordedEvent
from events.outage import Outage
from events.store import EventStore

log = logging.getLogger(__name__)

FollowUp = tuple[tuple[str, ...], Any]
"""A command to run, on the subject named by its tokens after the stream's prefix."""


@dataclass(frozen=True)
class Reaction(Generic[State, Command]):
    """When an event of `types` is appended on a subject matching `subject`, run the
    commands `react` gives (pure: from the event and its aggregate's state as of it)."""

    name: str
    """Names its durable consumer and its commands' keys: never rename a running one."""
    subject: tuple[str, ...]
    """The subjects it follows, after the stream's prefix (wildcards allowed)."""
    types: frozenset[str]
    source: Decider[State, Any]
    """The decider of the event's aggregate, to fold its state as of the event."""
    target: Decider[Any, Command]
    """The decider that judges the commands."""
    react: Callable[[RecordedEvent, State], Iterable[tuple[tuple[str, ...], Command]]]
    facts: Callable[[EventStore, RecordedEvent], Awaitable[Any]] | None = None
    """When the event's aggregate is not enough to know what to do (which meetings a new
    INSET day clashes with): what `react` gets instead of `source`'s state, read from the
    log by the reactor (a service's foreign facts, as of the event)."""

    @property
    def durable(self) -> str:
        return f"reaction_{self.name}"

    def key(self, event: RecordedEvent) -> str:
        """The idempotency key of the commands this reaction runs for `event`."""
        return f"{self.name}:{event.id}"


class Reactor:
    """Runs reactions: one durable pull consumer each, an event acked once acted on."""

    def __init__(
        self,
        store: EventStore,
        reactions: Sequence[Reaction],
        idle_wait: float = 1.0,
        ack_wait: float = 30.0,
        retry: float = 1.0,
    ):
        self.store = store
        self.reactions = reactions
        self.idle_wait = idle_wait
        self.ack_wait = ack_wait
        """Seconds before an event taken but not acked (a crash) is delivered again."""
        self.retry = retry
        self._loops: dict[str, CommandLoop[Any, Any]] = {}
        self.outage = Outage(log, "reactor")
        """Shared by the reactions: one line for an outage, not one each."""

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(self._follow(reaction, stop) for reaction in self.reactions))

    async def _follow(self, reaction: Reaction, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._consume(reaction, stop)
            except Exception as error:  # NATS away, a command that failed: it comes again
                self.outage.failed(error, f"reaction {reaction.name}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.retry)

    async def _consume(self, reaction: Reaction, stop: asyncio.Event) -> None:
        subscription = await self.subscribe(reaction)
        self.outage.worked()
        try:
            while not stop.is_set():
                batch = await fetch(subscription, 10, self.idle_wait)
                for taken, msg in enumerate(batch):
                    try:
                        await self._take(reaction, msg)
                    except Exception:
                        await self._again_soon(batch[taken:])
                        raise
        finally:
            await subscription.unsubscribe()

    async def _take(self, reaction: Reaction, msg: Msg) -> None:
        """Act on the message's events of the reaction's types, then ack it."""
        seq = msg.metadata.sequence.stream
        for event in self.store.decode(msg.data, seq, reaction.types.__contains__, msg.subject):
            await self.act(reaction, event)
        await msg.ack()

    async def _again_soon(self, msgs: Sequence[Msg]) -> None:
        """Give back a message that failed and the rest of its batch, to come again after
        `retry` seconds: left unacked, the batch's later messages would wait for `ack_wait`."""
        for msg in msgs:
            with contextlib.suppress(Exception):  # NATS away: then they come after ack_wait
                await msg.nak(delay=self.retry)

    async def subscribe(self, reaction: Reaction) -> JetStreamContext.PullSubscription:
        """The reaction's durable consumer: made on first start from the beginning of the
        log (the keys make old events harmless), then resumed where it is."""
        return await self.store.js.pull_subscribe(
            self.store.subject(*reaction.subject),
            durable=reaction.durable,
            stream=self.store.stream,
            config=api.ConsumerConfig(
                deliver_policy=api.DeliverPolicy.ALL,
                ack_policy=api.AckPolicy.EXPLICIT,
                ack_wait=self.ack_wait,
                max_ack_pending=1_000,
            ),
        )

    async def act(self, reaction: Reaction, event: RecordedEvent) -> None:
        """Run the commands `reaction` gives for `event`, each keyed by the two."""
        if reaction.facts is not None:
            state = await reaction.facts(self.store, event)
        else:
            history, _ = await self.store.load(event.subject)
            state = reaction.source.fold(e for e in history if e.seq <= event.seq)
        loop = self.command_loop(reaction.target)
        meta = Metadata(event.actor, event.correlation_id or event.id)
        for tokens, command in reaction.react(event, state):
            subject = self.store.subject(*tokens)
            try:
                await loop.execute(subject, command, reaction.key(event), meta)
            except CommandRejected as refused:  # a decision: another delivery would not change it
                log.warning("%s: %s refused %s: %s", reaction.name, subject, command, refused)

    def command_loop(self, decider: Decider[Any, Any]) -> CommandLoop[Any, Any]:
        """The command loop of a target decider: one each, its cache shared by reactions."""
        name = type(decider).__name__
        if name not in self._loops:
            self._loops[name] = CommandLoop(self.store, decider)
        return self._loops[name]


async def run(
    settings: Settings, reactions: Sequence[Reaction], stop: asyncio.Event | None = None
) -> None:
    """Run the reactions until SIGINT or SIGTERM (or `stop`, shared with the other parts of
    `staffroom workers`)."""
    stop = stop_on_signals() if stop is None else stop
    async with reading_log(settings, "reactor") as store:
        await Reactor(store, reactions).run(stop)


def load_reactions(path: str) -> list[Reaction]:
    """'package.module:name' to the Reaction, or the sequence of them, it names."""
    found = named(path)
    reactions = list(found) if isinstance(found, list | tuple) else [found]
    if not reactions or not all(isinstance(r, Reaction) for r in reactions):
        raise TypeError(f"{path} is not a Reaction nor a list of them")
    return reactions
