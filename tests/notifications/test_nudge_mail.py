"""The CPD manager's nudge to book through a real SMTP server, read back: each person
nudged is told which breakout slots they have still to book, when booking closes, with a
link to the programme; someone who booked meanwhile is skipped (`booked`), and so is
everyone once the day is cancelled or booking has closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from events import Event
from events.connection import NatsThread
from events.store import EventStore
from readmodels.notifications import queries
from services.notifications import unsubscribe
from services.trustdays.events import day_subject, slot_subject
from tests.support.identity import SECRET_KEY
from tests.support.mailbox import TestMailbox
from tests.support.notifications import (
    BREAKOUT,
    Running,
    notifications,
    people,
    place,
    running_sender,
    session,
)
from tests.support.trustdays import RECORD, append
from tests.support.waiting import wait_until

NOW = datetime.now(UTC)
SOON = (NOW + timedelta(days=20)).date()
CLOSES = NOW + timedelta(days=10)
AMY = "amy@example.sch.uk"


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None, message
    return part.get_content()


def an_open_day(nats: NatsThread, store: EventStore) -> None:
    """A published day open for booking: a keynote and a breakout of two sessions."""
    slots = [
        {"slot_id": "keynote", "kind": "keynote", "title": "Keynote", "speaker": "",
         "starts": "09:00", "ends": "10:00"},
        {"slot_id": BREAKOUT, "kind": "breakout", "title": "Breakout 1", "speaker": "",
         "starts": "10:15", "ends": "11:30"},
    ]  # fmt: skip
    window = {"opens": NOW - timedelta(days=1), "closes": CLOSES}
    record = {**RECORD, "day_id": "day-1", "date": SOON, **window}
    append(store, nats, day_subject("day-1"), Event("DayPlanned", {**record, "slots": slots}))
    append(store, nats, day_subject("day-1"), Event("DayPublished", {"day_id": "day-1"}))
    added = [Event("SessionAdded", session(s, 5)) for s in ("s1", "s2")]
    append(store, nats, slot_subject("day-1", BREAKOUT), *added)


def nudge(nats: NatsThread, store: EventStore, *person_ids: str) -> None:
    data = {"day_id": "day-1", "person_ids": list(person_ids), "by_id": "cpd", "at": NOW}
    append(store, nats, day_subject("day-1"), Event("NudgedToBook", data))


def nudges(running: Running, person: str) -> list:
    return [r for r in queries.told(running.engine, person) if r.kind == "booking_nudge"]


def test_the_nudge_says_what_is_left_to_book_and_skips_who_booked_meanwhile(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        people(nats, store, "amy", "bob")
        an_open_day(nats, store)
        nudge(nats, store, "amy", "bob")
        assert wait_until(lambda: len(nudges(running, "amy") + nudges(running, "bob")) == 2)
        place(nats, store, "day-1", "SessionBooked", "bob", "s1")
        assert running.settled(queued=4)  # two nudges, bob's confirmation and reminder
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert wait_until(lambda: [r.status for r in nudges(running, "amy")] == ["sent"])
            assert wait_until(lambda: [r.status for r in nudges(running, "bob")] == ["skipped"])
        assert nudges(running, "bob")[0].skip_reason == "booked"
        [message] = [a.message for a in mailbox.to(AMY)]
        assert message["Subject"].startswith("Book your sessions: Autumn PD day")
        assert [p.get_content_type() for p in message.walk()][1:] == ["text/plain", "text/html"]
        text = body(message, "plain").replace("\r\n", "\n")
        assert "Still to book:\nBreakout 1, 10:15 to 11:30" in text
        closes = CLOSES.astimezone(ZoneInfo("Europe/London"))
        assert f"Booking closes at {closes:%H:%M} on {closes:%A} {closes.day} " in text
        assert "Book now: https://staffroom.test/days/day-1" in text
        token = message["List-Unsubscribe"].strip("<>").rpartition("/")[2]
        assert unsubscribe.read(SECRET_KEY, token) == ("amy", "booking_nudge")
        assert not [
            a for a in mailbox.to("bob@example.sch.uk") if "Book your" in a.message["Subject"]
        ]


def test_a_nudge_for_a_day_cancelled_or_closed_meanwhile_is_not_sent(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        people(nats, store, "amy")
        an_open_day(nats, store)
        nudge(nats, store, "amy")
        assert wait_until(lambda: len(nudges(running, "amy")) == 1)
        closed = {**RECORD, "day_id": "day-1", "date": SOON, "opens": NOW - timedelta(days=2),
                  "closes": NOW - timedelta(minutes=5)}  # fmt: skip
        append(store, nats, day_subject("day-1"), Event("DayUpdated", closed))
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert wait_until(lambda: [r.status for r in nudges(running, "amy")] == ["skipped"])
        assert nudges(running, "amy")[0].skip_reason == "booking_closed"
        cancel = Event("DayCancelled", {"day_id": "day-1", "reason": "Snow"})
        append(store, nats, day_subject("day-1"), cancel)
        data = {"day_id": "day-1", "person_ids": ["amy"], "by_id": "cpd", "at": NOW}
        append(store, nats, day_subject("day-1"), Event("NudgedToBook", data))  # as if raced
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert wait_until(lambda: [r.status for r in nudges(running, "amy")] == ["skipped"] * 2)
        assert {r.skip_reason for r in nudges(running, "amy")} == {"booking_closed", "cancelled"}
        assert mailbox.to(AMY) == []
