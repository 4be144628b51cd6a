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
