"""The notifications' read model folded from the log: a message through every step, a
bounce, preferences; a rebuild from sequence 1 gives the same rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from events import Event
from events.projection import rebuild
from readmodels.notifications import queries
from readmodels.notifications.projection import notifications
from readmodels.notifications.tables import notification_messages
from services.notifications.events import message_id, person_subject
from tests.support.trustdays import append

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ABOUT = {"service": "trustdays", "day_id": "d", "slot_id": "s", "session_id": "x", "reason": ""}


def queued(mid: str, kind: str, due: datetime = NOW) -> Event:
    data = {"message_id": mid, "person_id": "amy", "kind": kind, "about": ABOUT}
    return Event("MessageQueued", {**data, "cause_id": "e", "due": due, "digest": False})


def test_messages_move_through_their_steps_and_rebuild_the_same(nats, store, engine) -> None:
    sent, failed, bounced = (
        message_id("e", "amy", k)
        for k in ("booking_confirmed", "booking_changed", "booking_cancelled")
    )
    reminder = message_id("day:d", "amy", "day_reminder")
    later = NOW + timedelta(days=3)
    append(
        store,
        nats,
        person_subject("amy"),
        queued(sent, "booking_confirmed"),
        queued(failed, "booking_changed"),
        queued(bounced, "booking_cancelled"),
        queued(reminder, "day_reminder"),
        Event("MessageRescheduled", {"message_id": reminder, "due": later}),
        Event("MessageSending", {"message_id": sent, "attempt": 1, "claimed_at": NOW}),
        Event(
            "MessageSent",
            {
                "message_id": sent,
                "to": "amy@x.uk",
                "subject": "Booked",
                "smtp_id": "<1@x>",
                "sent_at": NOW,
            },
        ),
        Event("MessageSending", {"message_id": failed, "attempt": 1, "claimed_at": NOW}),
        Event(
            "SendFailed",
            {
                "message_id": failed,
                "attempt": 1,
                "error": "refused",
                "retry_at": NOW + timedelta(minutes=1),
            },
        ),
        Event("MessageSending", {"message_id": bounced, "attempt": 1, "claimed_at": NOW}),
        Event(
            "AddressBounced",
            {"person_id": "amy", "address": "Amy@X.uk", "reason": "550", "message_id": bounced},
        ),
        Event("PreferencesSet", {"person_id": "amy", "kinds": {"day_reminder": "off"}}),
    )
    nats.run(rebuild(store, engine, notifications))
    rows = {r.message_id: r for r in queries.told(engine, "amy")}
    assert rows[sent].status == "sent" and rows[sent].smtp_id == "<1@x>"
    assert rows[failed].status == "failed" and rows[failed].due == NOW + timedelta(minutes=1)
    assert rows[bounced].status == "bounced"
    assert rows[reminder].status == "queued" and rows[reminder].due == later
    assert queries.bounced_addresses(engine, "amy") == {"amy@x.uk"}
    assert queries.preferences_of(engine, "amy") == {"day_reminder": "off"}
    assert [r.message_id for r in queries.due_messages(engine, NOW + timedelta(minutes=2))] == [
        failed
    ]
    assert queries.counts(engine) == {"sent": 1, "failed": 1, "bounced": 1, "queued": 1}

    with engine.connect() as connection:
        before = sorted(map(tuple, connection.execute(select(notification_messages))))
    nats.run(rebuild(store, engine, notifications))
    with engine.connect() as connection:
        assert sorted(map(tuple, connection.execute(select(notification_messages)))) == before


def test_a_batch_folds_to_the_rows_one_event_at_a_time_makes(nats, store, engine) -> None:
    """A rush's queued messages are written together (the projection's fold); a message
    queued again, steps between them and a batch split anywhere give the same rows."""
    first, second = (message_id("e", "amy", k) for k in ("booking_confirmed", "booking_changed"))
    reminder = message_id("day:d", "amy", "day_reminder")
    sending = {"message_id": first, "attempt": 1, "claimed_at": NOW}
    append(
        store,
        nats,
        person_subject("amy"),
        queued(first, "booking_confirmed"),
        queued(reminder, "day_reminder"),
        Event("MessageSending", sending),
        queued(second, "booking_changed"),
        Event("MessageSkipped", {"message_id": reminder, "reason": "no_longer_booked"}),
        queued(reminder, "day_reminder", NOW + timedelta(days=1)),  # booked anew: again
        queued(second, "booking_changed", NOW + timedelta(hours=1)),
    )

    def rows(projection, batch: int) -> list[tuple]:
        nats.run(rebuild(store, engine, projection, batch=batch))
        with engine.connect() as connection:
            return sorted(map(tuple, connection.execute(select(notification_messages))))

    one_at_a_time = rows(replace(notifications, fold=None), 1000)
    statuses = {row.message_id: row.status for row in queries.told(engine, "amy")}
    assert statuses == {first: "sending", second: "queued", reminder: "queued"}
    assert rows(notifications, 1000) == one_at_a_time
    assert rows(notifications, 3) == one_at_a_time
