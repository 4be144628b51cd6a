"""Event types: each has a name, a current version and a marshmallow schema for its data.

An event written under an old version is upcast on load, one version at a time, by the
upcasters registered for it, and then validated by the current schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow

from events.envelope import Event, Metadata, RecordedEvent, new_id, utcnow
from events.text import text_errors
from events.trusted import Loader, Untrusted, trusted_loader

WireData = dict[str, Any]
Upcaster = Callable[[WireData], WireData]


class InvalidEvent(ValueError):
    """An event whose type is unknown or whose data does not fit its schema."""

    def __init__(self, event_type: str, errors: Any):
        self.event_type = event_type
        self.errors = errors
        super().__init__(f"{event_type}: {errors}")


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    schema: marshmallow.Schema
    owner: str | None = None
    """The service whose subjects alone may carry it; None: any subject."""


def owner_of(module: str) -> str | None:
    """`services.<name>.events` (or any module of a service) is service <name>'s."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "services" else None


class EventRegistry:
    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._trusted: dict[str, Loader | None] = {}
        """Per type, its schema's trusted loader (events.trusted), made on first use."""

    def event(self, name: str, version: int = 1) -> Callable[[type], type]:
        """Class decorator: register a marshmallow schema as the data of event type `name`."""

        def register(schema_class: type) -> type:
            if name in self._types:
                raise ValueError(f"event type {name} is registered twice")
            owner = owner_of(schema_class.__module__)
            self._types[name] = EventType(name, version, schema_class(), owner)
            return schema_class

        return register

    def upcaster(self, name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Function decorator: turn the wire data of `name` at `from_version` into the next."""

        def register(upcast: Upcaster) -> Upcaster:
            self._upcasters[(name, from_version)] = upcast
            return upcast

        return register

    def get(self, name: str) -> EventType:
        try:
            return self._types[name]
        except KeyError:
            raise InvalidEvent(name, "unknown event type") from None

    def __contains__(self, name: str) -> bool:
        return name in self._types

    def envelope(self, event: Event, subject: str, meta: Metadata) -> WireData:
        """Stamp a new event with its envelope, checking its data against its schema."""
        event_type = self.get(event.type)
        return {
            "id": new_id(),
            "type": event.type,
            "version": event_type.version,
            "subject": subject,
            "occurred_at": utcnow().isoformat(),
            "actor": meta.actor,
            "correlation_id": meta.correlation_id,
            "causation_id": meta.causation_id,
            "data": self.dump(event_type, event.data),
        }

    def dump(self, event_type: EventType, data: Mapping[str, Any]) -> WireData:
        """Data in Python form to JSON form, refusing what the schema would not load back
        and text that no read model could store (the log keeps an event for good)."""
        try:
            wire = event_type.schema.dump(data)
        except (TypeError, ValueError, AttributeError) as error:
            raise InvalidEvent(event_type.name, str(error)) from None
        errors = self.validate(event_type.name, wire)
        if errors:
            raise InvalidEvent(event_type.name, errors)
        return wire

    def validate(self, name: str, wire: Mapping[str, Any]) -> dict[str, Any]:
        """Field errors of data in JSON form for event type `name`, as an append would
        refuse it: its schema's, then text that no read model could store. {} if none."""
        return self.get(name).schema.validate(wire) or text_errors(wire)

    def load(
        self,
        envelope: Mapping[str, Any],
        seq: int = 0,
        index: int = 0,
        service: str | None = None,
        trusted: bool = False,
    ) -> RecordedEvent:
        """A JSON envelope from the log to a RecordedEvent at the current version.

        `service`: whose subject the message came on. Only a type's own service may
        publish it (NATS permits each service its own subjects only), so a type another
        service owns is refused: a forged `RoleGranted` on the trust days' subjects.

        `trusted`: the data was validated when it was appended; read it into Python form
        without validating each field again (events.trusted), falling back to the schema
        for data not as an append writes it."""
        name = envelope["type"]
        event_type = self.get(name)
        if service is not None and event_type.owner not in (None, service):
            raise InvalidEvent(name, f"only {event_type.owner} publishes it, not {service}")
        version = envelope["version"]
        if not isinstance(version, int) or not 1 <= version <= event_type.version:
            raise InvalidEvent(name, f"version {version!r} is not one this process knows")
        wire = dict(envelope["data"])
        while version < event_type.version:
            upcast = self._upcasters.get((name, version))
            if upcast is None:
                raise InvalidEvent(name, f"no upcaster from version {version}")
            wire = upcast(wire)
            version += 1
        data = self._trusted_load(event_type, wire) if trusted else None
        if data is None:
            try:
                data = event_type.schema.load(wire)
            except marshmallow.ValidationError as error:
                raise InvalidEvent(name, error.messages) from None
        if version != envelope["version"]:
            envelope = {**envelope, "version": version}
        return RecordedEvent.from_envelope(envelope, data, seq, index)

    def _trusted_load(self, event_type: EventType, wire: WireData) -> dict[str, Any] | None:
        """The data read by the type's trusted loader, or None (its schema must load it)."""
        name = event_type.name
        if name not in self._trusted:
            self._trusted[name] = trusted_loader(event_type.schema)
        loader = self._trusted[name]
        if loader is None:
            return None
        try:
            return loader(wire)
        except (Untrusted, ValueError, TypeError):
            return None


registry = EventRegistry()
"""The process-wide registry: each service's events.py registers its types here."""
