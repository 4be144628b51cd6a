"""Each kind of message, sent through a real SMTP server and read back: its MIME
structure, and its calendar read by icalendar and vobject (which must agree)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from events import Event
from events.connection import NatsThread
from events.store import EventStore
from services.trustdays.events import day_subject, slot_subject
from tests.support.mailbox import Arrived, TestMailbox, invitation
from tests.support.notifications import (
    BREAKOUT,
    Running,
    a_day,
    notifications,
    people,
    place,
    session,
)
from tests.support.people import joined, record_facts
from tests.support.trustdays import append
from tests.support.waiting import wait_until

SOON = (datetime.now(UTC) + timedelta(days=20)).date()


@pytest.fixture
def running(nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox) -> Iterator[Running]:
    with notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy", "bob")
        yield running


def arrives(mailbox: TestMailbox, address: str, count: int) -> list:
    assert wait_until(lambda: len(mailbox.to(address)) >= count, timeout=30), mailbox.arrived
    return mailbox.to(address)


def test_a_booking_is_confirmed_once_with_the_feeds_uid(running: Running) -> None:
    place(running.nats, running.store, "day-1", "SessionBooked", "amy", "s1")
    [mail] = arrives(running.mailbox, "amy@example.sch.uk", 1)
    message = mail.message
    assert message["Subject"] == "Booked: Session s1"
    assert message["To"] == "Grace Hopper <amy@example.sch.uk>"
    assert "List-Unsubscribe" not in message  # a confirmation cannot be turned off
    sent = invitation(message)
    assert (sent.method, sent.mime_method, sent.status) == ("REQUEST", "REQUEST", "CONFIRMED")
    assert sent.uid == "s1.amy@staffroom"  # the personal feed's UID (frontend/pages/feeds.py)
    assert sent.attendees == ["mailto:amy@example.sch.uk"] and sent.rsvp == "FALSE"
    # the reminder waits for its day; the confirmation is the only message sent
    assert running.settled(sent=1, queued=1)
    assert len(running.mailbox.arrived) == 1


def test_a_cancelled_place_sends_a_cancel_with_a_higher_sequence(running: Running) -> None:
    nats, store = running.nats, running.store
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    [booked] = arrives(running.mailbox, "amy@example.sch.uk", 1)
    place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="cancelled")
    cancelled = arrives(running.mailbox, "amy@example.sch.uk", 2)[1]
    first, then = invitation(booked.message), invitation(cancelled.message)
    assert (then.method, then.mime_method, then.status) == ("CANCEL", "CANCEL", "CANCELLED")
    assert then.uid == first.uid and then.sequence > first.sequence
    assert cancelled.message["Subject"] == "Cancelled: Session s1"


def test_a_waitlist_promotion_is_told_at_once(running: Running) -> None:
    place(running.nats, running.store, "day-1", "PromotedFromWaitlist", "bob", "s2")
    [mail] = arrives(running.mailbox, "bob@example.sch.uk", 1)
    assert mail.message["Subject"] == "You have a place: Session s2"
    assert invitation(mail.message).method == "REQUEST"


def test_a_day_reminder_lists_what_was_booked_and_may_be_turned_off(running: Running) -> None:
    place(running.nats, running.store, "day-1", "SessionBooked", "amy", "s1")
    arrives(running.mailbox, "amy@example.sch.uk", 1)
    running.clock.ahead = timedelta(days=19)  # two days before the day, after 16:00
    reminder = arrives(running.mailbox, "amy@example.sch.uk", 2)[1].message
    assert reminder["Subject"].startswith("Reminder: Autumn PD day")
    text = reminder.get_body(("plain",)).get_content()
    assert "10:15 to 11:30: Session s1 (Room 4, Calder Valley Academy)" in text
    assert reminder["List-Unsubscribe"].startswith("<https://staffroom.test/notifications/")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert running.settled(sent=2)


def test_a_session_moved_to_another_room_is_a_change_with_a_higher_sequence(
    running: Running,
) -> None:
    nats, store = running.nats, running.store
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    [booked] = arrives(running.mailbox, "amy@example.sch.uk", 1)
    capacity_only = Event("SessionUpdated", session("s1", capacity=2))
    append(store, nats, slot_subject("day-1", BREAKOUT), capacity_only)  # tells nobody
    moved = Event("SessionUpdated", session("s1", capacity=2, room="Hall"))
    append(store, nats, slot_subject("day-1", BREAKOUT), moved)
    changed = arrives(running.mailbox, "amy@example.sch.uk", 2)[1]
    assert changed.message["Subject"] == "Changed: Session s1"
    first, then = invitation(booked.message), invitation(changed.message)
    assert (then.method, then.uid) == ("REQUEST", first.uid) and then.sequence > first.sequence
    assert "Hall, Calder Valley Academy" in changed.message.get_body(("plain",)).get_content()
    assert running.settled(sent=2, queued=1)


def test_a_move_cancels_the_old_session_and_confirms_the_new(running: Running) -> None:
    nats, store = running.nats, running.store
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    arrives(running.mailbox, "amy@example.sch.uk", 1)
    moved = (
        Event("BookingCancelled", {"person_id": "amy", "session_id": "s1", "reason": "moved"}),
        Event("SessionBooked", {"person_id": "amy", "session_id": "s2"}),
    )
    append(store, nats, slot_subject("day-1", BREAKOUT), *moved)
    mails = arrives(running.mailbox, "amy@example.sch.uk", 3)[1:]
    sent = sorted((invitation(m.message).method, invitation(m.message).uid) for m in mails)
    assert sent == [("CANCEL", "s1.amy@staffroom"), ("REQUEST", "s2.amy@staffroom")]


def test_a_cancelled_day_cancels_each_place_with_the_reason_and_no_reminder(
    running: Running,
) -> None:
    nats, store = running.nats, running.store
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    arrives(running.mailbox, "amy@example.sch.uk", 1)
    cancelled = Event("DayCancelled", {"day_id": "day-1", "reason": "Snow"})
    append(store, nats, day_subject("day-1"), cancelled)
    place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="day_cancelled")
    mail = arrives(running.mailbox, "amy@example.sch.uk", 2)[1].message
    assert invitation(mail).method == "CANCEL"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Dear Grace Hopper,\n\nAutumn PD day was cancelled.")
    running.clock.ahead = timedelta(days=19)
    assert running.settled(sent=2, skipped=1)


def booked_as(running: Running, name: str, title: str) -> Arrived:
    """Amy, named `name`, books session s1 of a day soon, titled `title`: her confirmation."""
    nats, store = running.nats, running.store
    a_day(nats, store, "day-1", SOON)
    nats.run(record_facts(store, [joined("amy", name=name)]))
    retitled = Event("SessionUpdated", session("s1", title=title))
    append(store, nats, slot_subject("day-1", BREAKOUT), retitled)
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    [mail] = arrives(running.mailbox, "amy@example.sch.uk", 1)
    return mail


LONG_TITLE = "Phonics — Zoë's session for the early years, with a title far longer than a line"


def test_a_name_and_title_beyond_ascii_arrive_as_written_on_lines_smtp_carries(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox) as running:
        mail = booked_as(running, "Zoë Brontë-Ngũgĩ", LONG_TITLE)
        assert mail.message["Subject"] == f"Booked: {LONG_TITLE}"
        assert mail.message["To"].addresses[0].display_name == "Zoë Brontë-Ngũgĩ"
        assert mail.raw.isascii()
        assert max(len(line) for line in mail.raw.split(b"\r\n")) <= 998
        assert all(len(word) <= 75 for word in re.findall(rb"=\?utf-8\?[qb]\?[^?]*\?=", mail.raw))
        text = mail.message.get_body(("plain",)).get_content()
        assert text.startswith("Dear Zoë Brontë-Ngũgĩ,")
        assert running.settled(sent=1, queued=1)


HOSTILE = "Title\r\nBcc: x@evil.example"


def test_line_breaks_in_a_title_or_a_name_fold_to_spaces_in_every_header(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox) as running:
        mail = booked_as(running, "Grace\u2028Hopper\nBcc: x@evil", HOSTILE)
        assert mail.to == ["amy@example.sch.uk"]
        assert mail.message["Subject"] == "Booked: Title Bcc: x@evil.example"
        assert mail.message["To"] == '"Grace Hopper Bcc: x@evil" <amy@example.sch.uk>'
        assert "Bcc" not in mail.message  # no header of its own
        assert running.settled(sent=1, queued=1)  # nothing left claimed
        assert len(mailbox.arrived) == 1
