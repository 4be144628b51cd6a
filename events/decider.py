"""Deciders and the command loop that runs them against the log.

A decider is three pure parts: an initial state, `decide(command, state) -> events` and
`evolve(state, event) -> state`. The command loop loads the aggregate, decides, and appends
with the version it decided on; when another writer got there first it catches up and
decides again, a bounded number of times with jittered waits. The commands that wait for
one subject while an append is on its way are decided in turn and appended together (a
group commit: `CommandLoop._lead`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeVar

from events.envelope import Event, Metadata, RecordedEvent
from events.registry import WireData
from events.snapshots import Snapshots, written
from events.store import ConcurrencyConflict, EventStore

log = logging.getLogger(__name__)

SNAPSHOT_EVERY = 500
"""Messages an aggregate folds between two snapshots of its state."""
SNAPSHOT_COMMANDS = 5_000
"""The most recent command ids a snapshot keeps, to recognise a repeated command."""

State = TypeVar("State")
Command = TypeVar("Command")


class Fact(Protocol):
    """What evolve reads: a new Event or a RecordedEvent both have these."""

    @property
    def type(self) -> str: ...

    @property
    def data(self) -> Any: ...


class CommandRejected(Exception):
    """A command that breaks a rule of the domain. `rule` names it; `status` is 409 or 422."""

    def __init__(self, rule: str, message: str, status: int = 409):
        self.rule = rule
        self.message = message
        self.status = status
        super().__init__(f"{rule}: {message}")


class Decider(Generic[State, Command]):
    """Subclass and give `initial_state`, `decide` and `evolve`: pure functions, no I/O."""

    def initial_state(self) -> State:
        raise NotImplementedError

    def decide(self, command: Command, state: State) -> Sequence[Event]:
        raise NotImplementedError

    def evolve(self, state: State, event: Fact) -> State:
        raise NotImplementedError

    snapshot_version: int | None = None
    """Set it (and bump it whenever the state's shape changes) with `snapshot` and `restore`
    to let the command loop keep snapshots of this decider's states."""

    def snapshot(self, state: State) -> dict[str, Any]:
        """The state as JSON-able data, that `restore` turns back into an equal state."""
        raise NotImplementedError

    def restore(self, data: dict[str, Any]) -> State:
        raise NotImplementedError

    def fold(self, events: Iterable[Fact], state: State | None = None) -> State:
        """`state` (or the initial state) with `events` applied in order."""
        folded = self.initial_state() if state is None else state
        for event in events:
            folded = self.evolve(folded, event)
        return folded


def command_id(subject: str, actor: str, idempotency_key: str) -> str:
    """The id of one command: a client's idempotency key names one command of one person on
    one aggregate, so two people (or one person on two aggregates) using the same key never
    collide. It is the message id the stream deduplicates and the cause its events record."""
    named = "\n".join((actor, subject, idempotency_key)).encode()
    return hashlib.sha256(named).hexdigest()


class TooMuchContention(Exception):
    """The command lost the race for its subject more times than the loop allows."""


MAX_GROUP = 64
"""At most this many commands of one subject are appended as one message."""
MAX_GROUP_EVENTS = 200
"""A command joins a group only while the group's events stay within this (a command of
more events is appended alone): a message stays far under the server's payload limit."""


@dataclass(eq=False)
class _Waiting:
    """A command waiting for its group's append, and its caller's answer."""

    command: Any
    key: str | None
    meta: Metadata
    outcome: asyncio.Future[Outcome]

    def settle(self, outcome: Outcome) -> None:
        if not self.outcome.done():
            self.outcome.set_result(outcome)

    def fail(self, error: BaseException) -> None:
        if self.outcome.done():
            return
        if isinstance(error, asyncio.CancelledError):
            self.outcome.cancel()
        else:
            self.outcome.set_exception(error)


@dataclass(frozen=True)
class _Decided:
    """A command of a group, its events and their envelopes (checked by their schemas)."""

    waiting: _Waiting
    events: list[Event]
    envelopes: list[WireData]


@dataclass
class _Group(Generic[State]):
    """The commands of a group decided so far, and the state they leave."""

    state: State
    joined: list[_Decided] = field(default_factory=list)
    later: list[_Waiting] = field(default_factory=list)
    """To decide again once the group has landed."""
    keys: set[str] = field(default_factory=set)
    events: int = 0

    def join(self, decided: _Decided, state: State) -> None:
        self.joined.append(decided)
        self.state = state
        self.events += len(decided.events)
        if decided.waiting.key:
            self.keys.add(decided.waiting.key)


@dataclass(frozen=True)
class Aggregate(Generic[State]):
    """An aggregate's state as of stream sequence `seq`, and the commands it has seen."""

    state: State
    seq: int = 0
    commands: dict[str, int] = field(default_factory=dict)
    checked_at: float = 0.0
    """When (time.monotonic) this state was last known to be the head of the log."""


@dataclass(frozen=True)
class Outcome:
    seq: int
    """Stream sequence of the command's events (or of the aggregate, if it decided nothing)."""
    events: Sequence[Event]
    """What this call appended; empty for a repeated command or a decision to do nothing."""


class CommandLoop(Generic[State, Command]):
    """Runs commands for one decider. Keeps recent aggregates in memory (LRU).

    A cached state is trusted optimistically: the append names its sequence, so a stale
    cache costs one refused append, not a wrong decision. A refusal or a decision to do
    nothing is never given from the cache alone: the loop catches up and decides again.

    An aggregate not in the cache loads from its snapshot (for a decider that can snapshot
    its state, one every `snapshot_every` messages) and the events after it, or from the
    whole log; concurrent requests for it share that one load.
    """

    def __init__(
        self,
        store: EventStore,
        decider: Decider[State, Command],
        max_attempts: int = 40,
        cache_size: int = 10_000,
        snapshot_every: int = SNAPSHOT_EVERY,
    ):
        self.store = store
        self.decider = decider
        self.max_attempts = max_attempts
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Aggregate[State]] = OrderedDict()
        self._loading: dict[str, asyncio.Future[Aggregate[State]]] = {}
        """Per subject, the cold load in flight: concurrent requests share it."""
        snapshots = decider.snapshot_version is not None and snapshot_every > 0
        self.snapshots = Snapshots(store.js, store.stream, store.settings.replicas)
        self.snapshot_every = snapshot_every if snapshots else 0
        self._unsnapshotted: dict[str, int] = {}
        """Per cached subject, the messages folded since its last snapshot."""
        self._queues: dict[str, deque[_Waiting]] = {}
        """Per subject, the commands waiting for their group (while its leader runs)."""
        self._leaders: set[asyncio.Future[None]] = set()

    def recent(self, subject: str, max_age: float) -> Aggregate[State] | None:
        """The cached aggregate if it was the head of the log at most `max_age` s ago. Safe
        from any thread: one dict read, no awaiting."""
        cached = self._cache.get(subject)
        if cached is not None and time.monotonic() - cached.checked_at <= max_age:
            return cached
        return None

    async def load(self, subject: str) -> Aggregate[State]:
        """The aggregate at the head of the log (fetching only what the cache lacks)."""
        cached = self._cache.get(subject)
        if cached is None:
            return await self._cold_load(subject)
        self._cache.move_to_end(subject)
        return await self._catch_up(subject, cached)

    async def _cold_load(self, subject: str) -> Aggregate[State]:
        """Concurrent loads of an aggregate this process does not hold share one read."""
        loading = self._loading.get(subject)
        if loading is None:
            loading = asyncio.ensure_future(self._load_from_snapshot(subject))
            self._loading[subject] = loading
            loading.add_done_callback(lambda done: self._loaded(subject, done))
        return await asyncio.shield(loading)

    def _loaded(self, subject: str, done: asyncio.Future[Aggregate[State]]) -> None:
        if self._loading.get(subject) is done:
            del self._loading[subject]
        if not done.cancelled():
            done.exception()  # retrieved here too, in case every caller was cancelled

    async def _load_from_snapshot(self, subject: str) -> Aggregate[State]:
        """The snapshot's state and the events after it; the whole log without one."""
        restored = await self._restore(subject) if self.snapshot_every else None
        if restored is not None:
            recorded, seq = await self.store.load(subject, after=restored.seq - 1)
            # Trusted only if the log holds a message of this subject at its sequence.
            if recorded and recorded[0].seq == restored.seq:
                newer = [event for event in recorded if event.seq > restored.seq]
                return self._folded(subject, restored, newer, seq)
            log.warning("snapshot of %s ignored: not at a message of the log", subject)
        initial = Aggregate(self.decider.initial_state())
        recorded, seq = await self.store.load(subject)
        return self._folded(subject, initial, recorded, seq)

    async def _restore(self, subject: str) -> Aggregate[State] | None:
        snapshot = await self.snapshots.get(self._snapshot_key(subject))
        if snapshot is None or snapshot.get("version") != self.decider.snapshot_version:
            return None
        try:
            state = self.decider.restore(snapshot["state"])
            return Aggregate(state, int(snapshot["seq"]), dict(snapshot["commands"]))
        except Exception as error:  # an unreadable snapshot is only a missed shortcut
            log.warning("snapshot of %s ignored: %r", subject, error)
            return None

    def _snapshot_key(self, subject: str) -> str:
        return Snapshots.key(type(self.decider).__name__, subject)

    def _write_snapshot(self, subject: str, aggregate: Aggregate[State]) -> None:
        """Written in the background: the state is immutable, the command need not wait."""
        commands = sorted(aggregate.commands.items(), key=lambda item: item[1])
        snapshot = {
            "version": self.decider.snapshot_version,
            "seq": aggregate.seq,
            "state": self.decider.snapshot(aggregate.state),
            "commands": dict(commands[-SNAPSHOT_COMMANDS:]),
        }
        self.snapshots.write(self._snapshot_key(subject), snapshot)

    async def snapshots_written(self) -> None:
        """Wait for the snapshots being written (for tests; a connection closing waits too)."""
        await written()

    async def execute(
        self,
        subject: str,
        command: Command,
        idempotency_key: str | None = None,
        meta: Metadata | None = None,
    ) -> Outcome:
        """Decide `command` on the subject's aggregate and append its events. Commands for
        one subject queue in this process and are committed in groups (see `_lead`)."""
        meta = meta or Metadata()
        key = command_id(subject, meta.actor, idempotency_key) if idempotency_key else None
        if key:  # the command's id: recorded as the cause of its events
            meta = replace(meta, causation_id=key)
        waiting = _Waiting(command, key, meta, asyncio.get_running_loop().create_future())
        queue = self._queues.get(subject)
        if queue is None:
            queue = self._queues[subject] = deque()
            leader = asyncio.ensure_future(self._lead(subject, queue))
            self._leaders.add(leader)
            leader.add_done_callback(self._leaders.discard)
        queue.append(waiting)
        return await waiting.outcome

    async def _lead(self, subject: str, queue: deque[_Waiting]) -> None:
        """Commit the subject's waiting commands, a group at a time, until none is left.

        A group is the commands waiting when the last append was acknowledged: each decided
        in turn on the state the ones before it leave, their events appended as one message
        with the sequence the first was decided on. In a rush a subject's commands no longer
        wait one append each (about 60 a second for a PD day's slot under load); every
        guarantee of one command's append holds for the group, which lands whole or not at
        all."""
        try:
            while queue:
                group = [queue.popleft() for _ in range(min(len(queue), MAX_GROUP))]
                try:
                    later = await self._commit(subject, group)
                except BaseException as error:  # NATS away, too much contention: each is told
                    for waiting in group:
                        waiting.fail(error)
                    if not isinstance(error, Exception):
                        raise
                    continue
                queue.extendleft(reversed(later))
        finally:
            del self._queues[subject]
            for waiting in queue:  # the leader cancelled (the loop closing)
                waiting.outcome.cancel()

    async def _commit(self, subject: str, group: list[_Waiting]) -> list[_Waiting]:
        """Decide and append the group; those to decide again after it, once it has landed
        (refused, or deciding nothing, on the events of others before them in the group)."""
        cached = self._cache.get(subject)
        fresh = cached is None
        aggregate = await self.load(subject) if cached is None else cached
        for attempt in range(self.max_attempts):
            decided = self._decide_in_turn(subject, group, aggregate, fresh)
            if decided is None:  # refused on a cached state: never without the log's word
                aggregate, fresh = await self._catch_up(subject, aggregate), True
                continue
            joined, later = decided.joined, decided.later
            if not joined:
                return later
            envelopes = [envelope for taken in joined for envelope in taken.envelopes]
            key = joined[0].waiting.key if len(joined) == 1 else None
            try:
                appended = await self.store.append_envelopes(subject, envelopes, aggregate.seq, key)
            except ConcurrencyConflict:
                if attempt:  # the first retry goes at once: the other writer has just finished
                    await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
                aggregate, fresh = await self._catch_up(subject, aggregate), True
                continue
            if appended.duplicate:
                self._cache.pop(subject, None)
                for taken in joined:
                    taken.waiting.settle(Outcome(appended.seq, []))
                return later
            self._remember(subject, self._evolved(aggregate, decided, appended.seq))
            for taken in joined:
                taken.waiting.settle(Outcome(appended.seq, taken.events))
            return later
        raise TooMuchContention(f"{subject}: gave up after {self.max_attempts} attempts")

    def _decide_in_turn(
        self, subject: str, waiting: list[_Waiting], aggregate: Aggregate[State], fresh: bool
    ) -> _Group[State] | None:
        """Each waiting command decided on the state the ones before it leave: those that
        join the append, and those to decide again after it. None when the first to decide
        was refused (or decided nothing) on a cached state: catch up and decide again.
        Commands settled here (a repeat, a refusal on the log's state, a mistake in an
        event) are told at once."""
        group: _Group[State] = _Group(aggregate.state)
        for one in waiting:
            if one.outcome.done():  # its caller gave up waiting
                continue
            if one.key in aggregate.commands:
                one.settle(Outcome(aggregate.commands[one.key], []))
                continue
            if one.key in group.keys:  # the same command twice in one group
                group.later.append(one)
                continue
            refusal: CommandRejected | None = None
            try:
                events = list(self.decider.decide(one.command, group.state))
            except CommandRejected as refused:
                events, refusal = [], refused
            except Exception as error:  # a decider's bug: this command's alone
                one.fail(error)
                continue
            if not events:
                if group.joined:
                    group.later.append(one)
                elif not fresh:
                    return None
                elif refusal is not None:
                    one.fail(refusal)
                else:
                    one.settle(Outcome(aggregate.seq, []))
                continue
            if group.joined and group.events + len(events) > MAX_GROUP_EVENTS:
                group.later.append(one)
                continue
            try:
                envelopes = self.store.envelopes(subject, events, one.meta)
            except Exception as error:  # an event its schema refuses: nothing of it appended
                one.fail(error)
                continue
            group.join(_Decided(one, events, envelopes), self.decider.fold(events, group.state))
        return group

    def _evolved(
        self, aggregate: Aggregate[State], group: _Group[State], seq: int
    ) -> Aggregate[State]:
        commands = {**aggregate.commands, **dict.fromkeys(group.keys, seq)}
        return Aggregate(group.state, seq, commands, time.monotonic())

    async def _catch_up(self, subject: str, aggregate: Aggregate[State]) -> Aggregate[State]:
        recorded, seq = await self.store.load(subject, after=aggregate.seq)
        return self._folded(subject, aggregate, recorded, seq)

    def _folded(
        self, subject: str, aggregate: Aggregate[State], recorded: list[RecordedEvent], seq: int
    ) -> Aggregate[State]:
        """`aggregate` with `recorded` (its events up to `seq`) applied, remembered."""
        commands = dict(aggregate.commands)
        commands.update({e.causation_id: e.seq for e in recorded if e.causation_id})
        state = self.decider.fold(recorded, aggregate.state)
        aggregate = Aggregate(state, seq, commands, time.monotonic())
        self._remember(subject, aggregate, messages=len({e.seq for e in recorded}))
        return aggregate

    def _remember(self, subject: str, aggregate: Aggregate[State], messages: int = 1) -> None:
        """Cache the aggregate; a snapshot every `snapshot_every` messages folded."""
        current = self._cache.get(subject)
        if current is not None and current.seq > aggregate.seq:
            return  # a concurrent command already cached a newer state
        self._cache[subject] = aggregate
        self._cache.move_to_end(subject)
        while len(self._cache) > self.cache_size:
            evicted, _ = self._cache.popitem(last=False)
            self._unsnapshotted.pop(evicted, None)
        unsnapshotted = self._unsnapshotted.get(subject, 0) + messages
        if self.snapshot_every and unsnapshotted >= self.snapshot_every:
            self._write_snapshot(subject, aggregate)
            unsnapshotted = 0
        self._unsnapshotted[subject] = unsnapshotted
