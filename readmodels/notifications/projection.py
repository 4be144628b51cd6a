"""The notifications' projection: a row a message, moved along by each step of its
outbox; bounced addresses; preferences."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, update

from events.envelope import RecordedEvent
from events.projection import Projection
from readmodels.notifications.tables import (
    notification_bounces,
    notification_messages,
    notification_preferences,
)
from services.notifications.events import SERVICE  # noqa: F401  (registers the event types)

ABOUT = ("service", "day_id", "slot_id", "session_id", "meeting_id", "reason")


# Built once (events.projection.Projection's note): a message's row found by its id
UPDATE_MESSAGE = update(notification_messages).where(
    notification_messages.c.message_id == bindparam("the_message")
)
DELETE_MESSAGE = delete(notification_messages).where(
    notification_messages.c.message_id == bindparam("the_message")
)
INSERT_MESSAGE = insert(notification_messages)


def change(connection: Connection, event: RecordedEvent, **values: Any) -> None:
    stamp = {"changed_at": event.occurred_at, "version": event.seq}
    connection.execute(UPDATE_MESSAGE, {"the_message": event.data["message_id"], **values, **stamp})


def queued(connection: Connection, event: RecordedEvent) -> None:
    write_queued(connection, {event.data["message_id"]: queued_row(event)})


def queued_row(event: RecordedEvent) -> dict[str, Any]:
    data = event.data
    about = {name: data["about"].get(name) for name in ABOUT}
    return {
        "message_id": data["message_id"],
        "person_id": data["person_id"],
        "kind": data["kind"],
        **about,
        "reason": about["reason"] or "",
        "cause_id": data["cause_id"],
        "status": "queued",
        "due": data["due"],
        "digest": data["digest"],
        "attempt": 0,
        "claimed_at": None,
        "error": "",
        "skip_reason": "",
        "to_address": "",
        "subject": "",
        "smtp_id": "",
        "queued_at": event.occurred_at,
        "sent_at": None,
        "changed_at": event.occurred_at,
        "version": event.seq,
    }


def write_queued(connection: Connection, rows: dict[str, dict[str, Any]]) -> None:
    """Queued messages' rows, each in place of the message's row if it had one (queued
    again), and `rows` emptied."""
    if rows:
        connection.execute(DELETE_MESSAGE, [{"the_message": mid} for mid in rows])
        connection.execute(INSERT_MESSAGE, list(rows.values()))
        rows.clear()


def fold(connection: Connection, events: Sequence[RecordedEvent]) -> None:
    """A batch in one go: a run of queued messages written together (in a rush each
    booking queues its confirmation: two statements a batch instead of two an event),
    every other event by its handler, in the log's order."""
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.type == "MessageQueued":
            rows[event.data["message_id"]] = queued_row(event)  # queued again: the last
        else:
            write_queued(connection, rows)
            notifications.handlers[event.type](connection, event)
    write_queued(connection, rows)


def rescheduled(connection: Connection, event: RecordedEvent) -> None:
    change(connection, event, due=event.data["due"])


def sending(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    change(
        connection, event, status="sending", attempt=data["attempt"], claimed_at=data["claimed_at"]
    )


def sent(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    values = {"to_address": data["to"], "subject": data["subject"], "smtp_id": data["smtp_id"]}
    change(connection, event, status="sent", sent_at=data["sent_at"], error="", **values)


def skipped(connection: Connection, event: RecordedEvent) -> None:
    change(connection, event, status="skipped", skip_reason=event.data["reason"])


def failed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    change(connection, event, status="failed", due=data["retry_at"], error=data["error"])


def released(connection: Connection, event: RecordedEvent) -> None:
    change(connection, event, status="queued", due=event.occurred_at)


def bounced(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    address = data["address"].lower()
    key = (notification_bounces.c.person_id == data["person_id"]) & (
        notification_bounces.c.address == address
    )
    connection.execute(delete(notification_bounces).where(key))
    row = {"person_id": data["person_id"], "address": address, "reason": data["reason"]}
    connection.execute(insert(notification_bounces), {**row, "bounced_at": event.occurred_at})
    if data.get("message_id"):
        values = {"to_address": data["address"], "error": data["reason"]}
        change(connection, event, status="bounced", **values)


def preferences_set(connection: Connection, event: RecordedEvent) -> None:
    person_id = event.data["person_id"]
    for kind, choice in event.data["kinds"].items():
        key = (notification_preferences.c.person_id == person_id) & (
            notification_preferences.c.kind == kind
        )
        connection.execute(delete(notification_preferences).where(key))
        row = {"person_id": person_id, "kind": kind, "choice": choice}
        connection.execute(insert(notification_preferences), row)


notifications = Projection(
    name="notifications",
    tables=[notification_messages, notification_bounces, notification_preferences],
    handlers={
        "MessageQueued": queued,
        "MessageRescheduled": rescheduled,
        "MessageSending": sending,
        "MessageSent": sent,
        "MessageSkipped": skipped,
        "SendFailed": failed,
        "ClaimReleased": released,
        "AddressBounced": bounced,
        "PreferencesSet": preferences_set,
    },
    fold=fold,
)
