"""The shared library: envelope, registry, event store, command loop, projections."""

from events.decider import CommandLoop, CommandRejected, Decider, Outcome, TooMuchContention
from events.envelope import Event, Metadata, RecordedEvent
from events.registry import EventRegistry, InvalidEvent, registry
from events.store import ConcurrencyConflict, EventStore, StreamSettings

__all__ = [
    "CommandLoop",
    "CommandRejected",
    "ConcurrencyConflict",
    "Decider",
    "Event",
    "EventRegistry",
    "EventStore",
    "InvalidEvent",
    "Metadata",
    "Outcome",
    "RecordedEvent",
    "StreamSettings",
    "TooMuchContention",
    "registry",
]
