"""The event log: one JetStream stream, one subject per aggregate.

A command's events travel as one message (a JSON list of envelopes), so a decision is
never half-written. The stream sequence of a subject's last message is the aggregate's
version: an append names the version it decided on and the server refuses it if the
subject has moved on. The pitfalls this guards against are in docs/nats.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import nats.errors
import nats.js.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import api
from nats.js.errors import APIError, NotFoundError

from events.envelope import Batch, Event, Metadata, RecordedEvent
from events.registry import EventRegistry, WireData, registry

Wanted = Callable[[str], bool]
"""Which event types a reader wants decoded."""

log = logging.getLogger(__name__)
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, RecursionError)
"""What decoding a message that is not a list of valid envelopes raises (InvalidEvent,
JSON and UTF-8 errors are ValueErrors)."""

WRONG_LAST_SEQUENCE = 10071
STILL_REPLICATING = 10164
EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence"
MSG_ID = "Nats-Msg-Id"
JS_API = "$JS.API"
SEQUENCE = "Nats-Sequence"
NUM_PENDING = "Nats-Num-Pending"
LOAD_BATCH = 2_500
"""Messages a direct get brings in one request when loading an aggregate."""
DIRECT_GET_TIMEOUT = 5.0

# Errors after which the outcome of a publish is unknown: the server may not have seen it,
# or may have stored it and lost the ack. The identical message is sent again.
UNKNOWN_OUTCOME = (
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.js.errors.NoStreamResponseError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionClosedError,
    nats.errors.StaleConnectionError,
)


@dataclass(frozen=True)
class StreamSettings:
    name: str = "STAFFROOM"
    subjects: tuple[str, ...] = ("events.>",)
    replicas: int = 1
    duplicate_window: float = 300.0
    storage: api.StorageType = api.StorageType.FILE

    @property
    def prefix(self) -> str:
        return self.subjects[0].removesuffix(".>")

    def config(self) -> api.StreamConfig:
        # No limits (a limit with discard=old silently deletes history), no deletes, no
        # purges, no rollups: the log only grows.
        return api.StreamConfig(
            name=self.name,
            subjects=list(self.subjects),
            storage=self.storage,
            num_replicas=self.replicas,
            duplicate_window=self.duplicate_window,
            retention=api.RetentionPolicy.LIMITS,
            discard=api.DiscardPolicy.OLD,
            deny_delete=True,
            deny_purge=True,
            allow_rollup_hdrs=False,
            allow_direct=True,
        )


@dataclass
class AppendStats:
    """This process's appends, for its /metrics (deploy/probe.py): how each ended and how
    long each took, in cumulative buckets of seconds."""

    buckets: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
    outcomes: dict[str, int] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, outcome: str, seconds: float) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.counts = self.counts or [0] * len(self.buckets)
        for index, bound in enumerate(self.buckets):
            self.counts[index] += seconds <= bound
        self.seconds += seconds


APPENDS = AppendStats()


class ConcurrencyConflict(Exception):
    """The subject moved on since the version the caller decided on."""

    def __init__(self, subject: str, expected_seq: int, detail: str = ""):
        self.subject = subject
        self.expected_seq = expected_seq
        super().__init__(f"{subject} is no longer at sequence {expected_seq} {detail}".strip())


class Appended(NamedTuple):
    seq: int
    """Stream sequence of the message holding the command's events."""
    duplicate: bool
    """True when the idempotency key had been appended before: nothing new was written."""


class EventStore:
    def __init__(
        self,
        nc: NATS,
        settings: StreamSettings | None = None,
        events: EventRegistry = registry,
        publish_deadline: float = 30.0,
    ):
        self.nc = nc
        self.js = nc.jetstream()
        self.settings = settings or StreamSettings()
        self.registry = events
        self.publish_deadline = publish_deadline
        self.skipped = 0
        """Messages skipped by this store's readers because they were not valid envelopes."""

    @property
    def stream(self) -> str:
        return self.settings.name

    def subject(self, *parts: str) -> str:
        """The subject of one aggregate from its tokens, which its service's contract
        builds: `subject(*day_subject(day_id))` is `events.trustdays.day.<day_id>`."""
        return ".".join((self.settings.prefix, *parts))

    async def ensure_stream(self) -> api.StreamInfo:
        """Create the stream, or bring an existing one's configuration up to date."""
        config = self.settings.config()
        try:
            await self.js.stream_info(self.stream)
        except NotFoundError:
            return await self._add_stream(config)
        return await self.js.update_stream(config)

    async def _add_stream(self, config: api.StreamConfig, attempts: int = 3) -> api.StreamInfo:
        """Create the stream; a server's error creating its store is tried again a moment
        later. nats-server has answered "error creating store for stream" when its account's
        folder was gone for a moment (its log: "mkdir .../$G/streams: no such file or
        directory") after other streams had come and gone. Creating a stream that exists
        with the same configuration is no error."""
        for attempt in range(1, attempts):
            try:
                return await self.js.add_stream(config)
            except nats.js.errors.ServerError:
                log.warning("nats-server could not create the stream's store; trying again")
                await asyncio.sleep(0.2 * attempt)
        return await self.js.add_stream(config)

    async def append(
        self,
        subject: str,
        events: Sequence[Event],
        expected_seq: int,
        idempotency_key: str | None = None,
        meta: Metadata | None = None,
    ) -> Appended:
        """Append a command's events as one message if `subject` is still at `expected_seq`.

        `expected_seq` 0 means the subject must be empty. Raises ConcurrencyConflict when it
        has moved on, InvalidEvent (appending nothing) when an event's data fails its schema.
        `idempotency_key` becomes the message id the stream deduplicates across all
        subjects: the command loop passes a command's id (events.decider.command_id: the
        person, the subject and the client's key), never a client's key as it came.
        """
        if not events:
            raise ValueError("append needs at least one event")
        envelopes = self.envelopes(subject, events, meta or Metadata())
        return await self.append_envelopes(subject, envelopes, expected_seq, idempotency_key)

    def envelopes(self, subject: str, events: Sequence[Event], meta: Metadata) -> list[WireData]:
        """The events stamped with their envelopes; InvalidEvent when one fails its schema."""
        return [self.registry.envelope(event, subject, meta) for event in events]

    async def append_envelopes(
        self,
        subject: str,
        envelopes: Sequence[WireData],
        expected_seq: int,
        idempotency_key: str | None = None,
    ) -> Appended:
        """`append` for stamped events, of one command or of several (the command loop's
        group: each event's envelope names its own command). Without a key the message's id
        is its first event's: unique, and the same when a lost answer is retried."""
        key = idempotency_key or envelopes[0]["id"]
        headers = {EXPECTED_LAST_SUBJECT_SEQ: str(expected_seq), MSG_ID: key}
        payload = json.dumps(envelopes).encode()
        started, outcome = time.perf_counter(), "error"
        try:
            appended = await self._publish(subject, payload, headers, expected_seq)
            outcome = "duplicate" if appended.duplicate else "appended"
            return appended
        except ConcurrencyConflict:
            outcome = "conflict"
            raise
        finally:
            APPENDS.record(outcome, time.perf_counter() - started)

    async def _publish(
        self, subject: str, payload: bytes, headers: dict[str, str], expected_seq: int
    ) -> Appended:
        deadline = time.monotonic() + self.publish_deadline
        attempt = 0
        while True:
            try:
                ack = await self.js.publish(subject, payload, headers=dict(headers), timeout=2.0)
                return Appended(ack.seq, bool(ack.duplicate))
            except APIError as error:
                if error.err_code not in (WRONG_LAST_SEQUENCE, STILL_REPLICATING):
                    raise
                if attempt:
                    # An earlier try may have landed before its ack was lost.
                    landed = await self._landed(subject, headers[MSG_ID])
                    if landed:
                        return Appended(landed, True)
                raise ConcurrencyConflict(subject, expected_seq, error.description or "") from None
            except UNKNOWN_OUTCOME:
                if time.monotonic() > deadline:
                    raise
                attempt += 1
                await asyncio.sleep(min(1.0, 0.05 * attempt) * random.uniform(0.5, 1.0))

    async def _landed(self, subject: str, msg_id: str) -> int:
        """The sequence of the subject's last message if it carries `msg_id`, else 0."""
        try:
            last = await self.js.get_last_msg(self.stream, subject)
        except NotFoundError:
            return 0
        landed = (last.headers or {}).get(MSG_ID) == msg_id
        return last.seq or 0 if landed else 0

    async def load(self, subject: str, after: int = 0) -> tuple[list[RecordedEvent], int]:
        """The events of one subject after stream sequence `after`, and the last sequence.

        Reads with batched direct gets (no consumer is created): one request brings up to
        LOAD_BATCH messages, so a long history costs a few round trips, not one a message.
        A direct get may come from a lagging replica: a decision on it is still safe, the
        expected sequence catches it.
        """
        events: list[RecordedEvent] = []
        last = after
        more = True
        while more:
            msgs, more = await self._direct_batch(subject, last + 1)
            for msg in msgs:
                last = int((msg.headers or {})[SEQUENCE])
                events.extend(self.decode(msg.data or b"[]", last, subject=subject))
        return events, last

    async def _direct_batch(self, subject: str, from_seq: int) -> tuple[list[Msg], bool]:
        """Up to LOAD_BATCH messages of `subject` from `from_seq` in one request, and
        whether more remain. A server without batch gets (before 2.11) answers with one
        message a request: slower, still right."""
        answer = _DirectBatch()
        inbox = self.nc.new_inbox()
        sub = await self.nc.subscribe(inbox, cb=answer.put)
        request = {"seq": from_seq, "next_by_subj": subject, "batch": LOAD_BATCH}
        try:
            await self.nc.publish(
                f"{JS_API}.DIRECT.GET.{self.stream}", json.dumps(request).encode(), reply=inbox
            )
            more = await asyncio.wait_for(answer.more, DIRECT_GET_TIMEOUT)
        except TimeoutError:
            # No answer (a node killed, a leader being elected): NATS's own timeout, which
            # a service answers with 503, never asyncio's bare one (a 500).
            raise nats.errors.TimeoutError from None
        finally:
            await sub.unsubscribe()
        return answer.msgs, more

    def decode(
        self,
        payload: bytes,
        seq: int,
        wanted: Wanted | None = None,
        subject: str | None = None,
        trusted: bool = True,
    ) -> list[RecordedEvent]:
        """The events of one message. With `wanted`, only the types it accepts that this
        process knows are decoded; the rest are skipped unread. Every reader trusts what an
        append validated (only a type's own service may publish it): the data is read, not
        validated again (EventRegistry.load, events.trusted: a service's history, a
        reactor's events, the projector's batches); `trusted=False` validates it again.

        A message that is not a list of valid envelopes (garbage published on a subject, a
        version this process does not know) is skipped whole, logged and counted: it must
        not stop a reader, and a service still decides on the valid events. So is one
        with an event type owned by another service than the `subject`'s."""
        service = self.service_of(subject) if subject else None
        try:
            return [
                self.registry.load(envelope, seq, index, service, trusted)
                for index, envelope in enumerate(json.loads(payload))
                if wanted is None
                or (wanted(envelope["type"]) and envelope["type"] in self.registry)
            ]
        except UNREADABLE as error:
            self.skipped += 1
            log.warning("skipped message %d of %s, not events: %.300r", seq, self.stream, error)
            return []

    def service_of(self, subject: str) -> str:
        """The service a subject belongs to: `<prefix>.<service>.…`."""
        return subject.removeprefix(self.settings.prefix + ".").split(".")[0]

    def batch(
        self, msgs: Sequence[Msg], wanted: Wanted | None = None, trusted: bool = True
    ) -> Batch:
        """Consecutive messages of a consumer, decoded as a Batch."""
        seqs = [stream_seq(msg) for msg in msgs]
        events = [
            event
            for msg, seq in zip(msgs, seqs, strict=True)
            for event in self.decode(msg.data, seq, wanted, msg.subject, trusted)
        ]
        return Batch(seqs[0], seqs[-1], events)

    async def last_seq(self) -> int:
        """The stream's last sequence: how far the whole log reaches."""
        info = await self.js.stream_info(self.stream)
        return info.state.last_seq

    async def read(
        self,
        from_seq: int = 1,
        batch: int = 1000,
        follow: bool = False,
        stall: float = 30.0,
        wanted: Wanted | None = None,
        trusted: bool = True,
    ) -> AsyncIterator[Batch]:
        """The whole log from `from_seq`, a batch of messages at a time.

        Without `follow` it stops at the last sequence the stream had when it started, and
        gives up if nothing arrives for `stall` seconds before then. An ordered push
        consumer: nothing kept on the server, gaps healed by the client, and about five
        times the rate of a pull consumer's fetch in nats-py.
        """
        end = await self.last_seq()
        if not follow and end < from_seq:
            return
        # Roomy: while the buffer is full, nats-py answers flow control only every 250 ms
        buffer = _Buffer(limit=batch * 20)
        sub = await self.js.subscribe(
            self.settings.subjects[0],
            stream=self.stream,
            cb=buffer.put,
            ordered_consumer=True,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            config=api.ConsumerConfig(opt_start_seq=from_seq),
        )
        try:
            while True:
                msgs = await buffer.take(batch, stall)
                if not msgs:
                    if follow:
                        continue
                    raise TimeoutError(f"the log stopped short of sequence {end}")
                read = self.batch(msgs, wanted, trusted)
                yield read
                if not follow and read.last_seq >= end:
                    return
        finally:
            await sub.unsubscribe()


def stream_seq(msg: Msg) -> int:
    """A consumer's message's stream sequence, read from its reply subject alone (nats-py's
    `msg.metadata` parses all of it, and a timestamp: 5% of the projector's CPU)."""
    tokens = (msg.reply or "").split(".")
    if len(tokens) == V1_ACK_TOKENS and tokens[0] == "$JS" and tokens[1] == "ACK":
        return int(tokens[5])
    return msg.metadata.sequence.stream


V1_ACK_TOKENS = 9
"""`$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`;
the longer form (with a domain and an account) is left to nats-py."""


class _DirectBatch:
    """The answer to one batched direct get: its messages, then a status saying whether
    more remain (a subscription's callback, faster than awaiting each message)."""

    def __init__(self) -> None:
        self.msgs: list[Msg] = []
        self.more: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    async def put(self, msg: Msg) -> None:
        if self.more.done():
            return
        headers = msg.headers or {}
        status = headers.get("Status")
        if status == "404":  # nothing (more) on the subject
            self.more.set_result(False)
        elif status == "204":  # end of the batch
            self.more.set_result(int(headers.get(NUM_PENDING, "0")) > 0)
        elif status:
            description = f"direct get: {headers.get(api.Header.DESCRIPTION, '')}"
            self.more.set_exception(APIError(code=int(status), description=description))
        else:
            self.msgs.append(msg)
            if NUM_PENDING not in headers:  # a server without batches: one message
                self.more.set_result(True)


class _Buffer:
    """Messages between a subscription's callback and a reader. While it is full the
    callback waits, so the subscription stops answering flow control and the server
    holds back: memory stays bounded however long the log is."""

    def __init__(self, limit: int):
        self.limit = limit
        self.msgs: list[Msg] = []
        self.arrived = asyncio.Event()
        self.room = asyncio.Event()

    async def put(self, msg: Msg) -> None:
        while len(self.msgs) >= self.limit:
            self.room.clear()
            await self.room.wait()
        self.msgs.append(msg)
        self.arrived.set()

    async def take(self, most: int, timeout: float) -> list[Msg]:
        if not self.msgs:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout)
            except TimeoutError:
                return []
        taken, self.msgs = self.msgs[:most], self.msgs[most:]
        self.room.set()
        return taken
