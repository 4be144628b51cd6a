"""What an event is: a new fact from a decider, and the same fact as the log recorded it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uuid6


def new_id() -> str:
    """A UUIDv7: unique, and sortable by the time it was made."""
    return str(uuid6.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Event:
    """A fact a decider returns: its type and its data (in Python form, as its schema loads it)."""

    type: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metadata:
    """Who and why: the parts of the envelope a command carries to every event it causes."""

    actor: str = "system"
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as the log holds it: the envelope, plus where it sits in the stream.

    Several events of one command share one stream message, so `seq` is that message's
    stream sequence and `index` the event's place inside it.
    """

    id: str
    type: str
    version: int
    subject: str
    occurred_at: datetime
    actor: str
    correlation_id: str | None
    causation_id: str | None
    data: Mapping[str, Any]
    seq: int = 0
    index: int = 0

    @classmethod
    def from_envelope(
        cls, envelope: Mapping[str, Any], data: Mapping[str, Any], seq: int = 0, index: int = 0
    ) -> RecordedEvent:
        """The envelope as the log holds it, with `data` as the caller has read it."""
        return cls(
            id=envelope["id"],
            type=envelope["type"],
            version=envelope["version"],
            subject=envelope["subject"],
            occurred_at=datetime.fromisoformat(envelope["occurred_at"]),
            actor=envelope["actor"],
            correlation_id=envelope.get("correlation_id"),
            causation_id=envelope.get("causation_id"),
            data=data,
            seq=seq,
            index=index,
        )


@dataclass(frozen=True)
class Batch:
    """Consecutive stream messages from `first_seq` to `last_seq`, and the events in them
    that the reader asked for (perhaps none: every sequence still counts as read)."""

    first_seq: int
    last_seq: int
    events: list[RecordedEvent]

    @classmethod
    def of(cls, events: list[RecordedEvent]) -> Batch:
        """The batch of the messages holding `events` (each message has at least one)."""
        return cls(events[0].seq, events[-1].seq, events)
