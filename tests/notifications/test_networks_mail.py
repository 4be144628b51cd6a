"""The networks' messages through a real SMTP server, read back: poll invitations and
reminders (to those who have not answered only), meeting invitations as iTIP REQUESTs asking
for a reply with the feed's UID and SEQUENCE, a move (same UID, higher SEQUENCE), a
cancellation (CANCEL), reminders before a meeting (recomputed when it moves) and before an
action is due, and the organiser told of an answer. Never stale: what no longer holds when
it is due is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from events.calendar import meeting_uid
from events.connection import NatsThread
from events.store import EventStore
from readmodels.notifications.tables import notification_messages
from services.notifications import invitations
from services.notifications.networks_reactions import meeting_reminder_due
from tests.support.identity import SECRET_KEY
from tests.support.mailbox import TestMailbox, invitation
from tests.support.network_mail import (
    a_network,
    action,
    action_done,
    agenda,
    answered,
    cancelled,
    closed,
    confirmed,
    days_ahead,
    meeting,
    moved,
    nudged,
    poll,
    scheduled,
    the_people,
    voted,
)
from tests.support.notifications import Running, notifications, running_sender
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
AMY, BOB, SIL = "amy@example.sch.uk", "bob@example.sch.uk", "sil@example.sch.uk"


@pytest.fixture
def running(nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox) -> Iterator[Running]:
    with notifications(nats, store, engine, mailbox) as running:
        the_people(nats, store)
        a_network(nats, store)
        yield running


def arrives(mailbox: TestMailbox, address: str, count: int) -> list:
    assert wait_until(lambda: len(mailbox.to(address)) >= count, timeout=30), mailbox.arrived
    return mailbox.to(address)


def titled(mailbox: TestMailbox, address: str, subject: str) -> EmailMessage:
    """The one message to `address` with this subject, once it has come."""

    def found() -> list[EmailMessage]:
        return [a.message for a in mailbox.to(address) if a.message["Subject"] == subject]

    assert wait_until(lambda: len(found()) >= 1, timeout=30), mailbox.arrived
    [message] = found()
    return message


def at(running: Running, moment: datetime) -> None:
    """The sender's clock a minute after `moment`."""
    running.clock.ahead = moment - datetime.now(UTC) + timedelta(minutes=1)


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def rows(running: Running, kind: str) -> list[Any]:
    query = select(notification_messages).where(notification_messages.c.kind == kind)
    with running.engine.connect() as connection:
        return list(connection.execute(query.order_by(notification_messages.c.person_id)))


def event_of(message: EmailMessage) -> icalendar.Event:
    inline = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(inline.get_payload(decode=True)).walk("VEVENT")[0]


def test_a_poll_invites_each_invitee_but_its_organiser_with_a_link(running: Running) -> None:
    deadline = datetime.combine(days_ahead(10), datetime.min.time()).replace(hour=17)
    meeting(running.nats, running.store, "m1", poll("m1", deadline, days_ahead(20)))
    for person, address in (("amy", AMY), ("bob", BOB)):
        [mail] = arrives(running.mailbox, address, 1)
        assert mail.message["Subject"] == "When can you come? Spring meeting"
        text = text_of(mail.message)
        assert "Sita Lal is finding a date for Spring meeting (SENCO network)" in text
        personal = invitations.poll_link("https://staffroom.test/", SECRET_KEY, person, "m1")
        assert personal in text  # their own link, to answer without signing in
        token = personal.split("/polls/")[1]
        assert invitations.read_poll(SECRET_KEY, token) == (person, "m1")
        assert invitations.read(SECRET_KEY, token) is None  # it answers no invitation
        assert mail.message["List-Unsubscribe"]  # an invitation to a poll may be turned off
        assert not any(p.get_content_type() == "text/calendar" for p in mail.message.walk())
    assert running.settled(sent=2, queued=3)  # the reminders wait for their time
    assert not running.mailbox.to(SIL)
    due = {r.due for r in rows(running, "poll_reminder")}
    two_days_before = deadline - timedelta(days=2)
    assert due == {two_days_before.replace(tzinfo=LONDON).astimezone(UTC)}


def test_poll_reminders_go_to_those_who_have_not_answered(running: Running) -> None:
    nats, store = running.nats, running.store
    deadline = datetime.combine(days_ahead(10), datetime.min.time()).replace(hour=17)
    meeting(nats, store, "m1", poll("m1", deadline, days_ahead(20), days_ahead(21)))
    arrives(running.mailbox, AMY, 1)
    meeting(nats, store, "m1", voted("m1", "amy", "o0", "o1"), voted("m1", "bob", "o0"))
    meeting(nats, store, "m1", nudged("m1", "bob"))
    [_, nudge] = arrives(running.mailbox, BOB, 2)
    assert nudge.message["Subject"] == "Reminder: when can you come? Spring meeting"
    assert "Sita Lal asks you to answer" in text_of(nudge.message)
    personal = invitations.poll_link("https://staffroom.test/", SECRET_KEY, "bob", "m1")
    assert personal in text_of(nudge.message)
    running.clock.ahead = timedelta(days=9)  # past the automatic reminders' time
    assert len(arrives(running.mailbox, BOB, 3)) == 3  # Bob left a date unanswered
    assert running.settled(sent=5, skipped=1)
    [sils] = arrives(running.mailbox, SIL, 1)  # the organiser, required and not answered
    assert sils.message["Subject"] == "Reminder: when can you come? Spring meeting"
    [amys, _] = rows(running, "poll_reminder")[:2]
    assert (amys.person_id, amys.skip_reason) == ("amy", "answered")
    assert len(running.mailbox.to(AMY)) == 1


def test_no_poll_reminder_once_the_poll_has_closed(running: Running) -> None:
    deadline = datetime.combine(days_ahead(10), datetime.min.time()).replace(hour=17)
    meeting(running.nats, running.store, "m1", poll("m1", deadline, days_ahead(20)))
    arrives(running.mailbox, BOB, 1)
    meeting(running.nats, running.store, "m1", closed("m1"))
    running.clock.ahead = timedelta(days=9)
    assert running.settled(sent=2, skipped=3)
    assert {r.skip_reason for r in rows(running, "poll_reminder")} == {"poll_closed"}


def test_a_confirmed_meeting_is_an_itip_request_asking_for_a_reply(running: Running) -> None:
    deadline = datetime.combine(days_ahead(10), datetime.min.time()).replace(hour=17)
    day = days_ahead(20)
    meeting(running.nats, running.store, "m1", poll("m1", deadline, day))
    meeting(running.nats, running.store, "m1", closed("m1"), confirmed("m1", day))
    message = titled(running.mailbox, AMY, "Invitation: Spring meeting")
    sent = invitation(message)  # MIME structure; icalendar and vobject agree
    assert (sent.method, sent.mime_method, sent.status) == ("REQUEST", "REQUEST", "CONFIRMED")
    assert sent.uid == meeting_uid("m1") == "meeting.m1@staffroom"  # the personal feed's
    assert sent.sequence == 0  # the feed's, for a meeting's first date
    assert sent.attendees == [f"mailto:{AMY}"] and sent.rsvp == "TRUE"
    event = event_of(message)
    assert str(event["ORGANIZER"]) == f"mailto:{SIL}"
    assert event["ORGANIZER"].params["CN"] == "Sita Lal"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    text = text_of(message)
    accept, decline = invitations.links("https://staffroom.test/", SECRET_KEY, "amy", "m1")
    assert accept in text and decline in text
    assert accept in message.get_body(("html",)).get_content().replace("&amp;", "&")
    token = accept.split("/invitations/")[1].split("?")[0]
    assert invitations.read(SECRET_KEY, token) == ("amy", "m1")
    assert not running.mailbox.to(SIL)  # the organiser made it: no invitation, a reminder


def test_a_move_is_a_change_with_a_higher_sequence_and_a_cancellation_a_cancel(
    running: Running,
) -> None:
    nats, store = running.nats, running.store
    meeting(nats, store, "m1", scheduled("m1", days_ahead(20)))
    [invited] = arrives(running.mailbox, AMY, 1)
    meeting(nats, store, "m1", moved("m1", days_ahead(27), "09:30"))
    [_, changed] = arrives(running.mailbox, AMY, 2)
    meeting(nats, store, "m1", cancelled("m1"))
    [_, _, gone] = arrives(running.mailbox, AMY, 3)
    first, then, last = (invitation(m.message) for m in (invited, changed, gone))
    assert changed.message["Subject"] == "Changed: Spring meeting"
    assert "Sita Lal moved the meeting: Parents' evening" in text_of(changed.message)
    assert (then.method, then.mime_method, then.uid) == ("REQUEST", "REQUEST", first.uid)
    assert then.sequence == first.sequence + 1 and then.rsvp == "TRUE"
    assert "T093000" in event_of(changed.message)["DTSTART"].to_ical().decode()
    assert (last.method, last.mime_method, last.status) == ("CANCEL", "CANCEL", "CANCELLED")
    assert last.uid == first.uid and last.sequence == then.sequence + 1
    assert gone.message["Subject"] == "Cancelled: Spring meeting"
    assert text_of(gone.message).index("Snow closes the roads") < 60  # the reason first
    assert "List-Unsubscribe" not in gone.message  # a cancellation is always sent


def test_a_meeting_cancelled_before_its_invitation_went_sends_nothing(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        the_people(nats, store)
        a_network(nats, store)
        meeting(nats, store, "m1", scheduled("m1", days_ahead(20)), cancelled("m1"))
        assert running.settled(queued=7)  # 2 invitations, 3 reminders, 2 cancellations
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert running.settled(queued=3, skipped=4)  # the reminders wait for their time
            skipped = {(r.kind, r.skip_reason) for r in rows(running, "meeting_cancelled")}
            assert skipped == {("meeting_cancelled", "never_told")}
            assert {r.skip_reason for r in rows(running, "meeting_invitation")} == {"cancelled"}
            running.clock.ahead = timedelta(days=20)
            assert running.settled(skipped=7)
    assert mailbox.arrived == []


def test_a_meeting_reminder_the_day_before_follows_a_move(running: Running) -> None:
    nats, store = running.nats, running.store
    first, later = days_ahead(20), days_ahead(27)
    meeting(nats, store, "m1", scheduled("m1", first, "09:30"))
    arrives(running.mailbox, AMY, 1)
    [old] = [r for r in rows(running, "meeting_reminder") if r.person_id == "amy"]
    assert old.due == meeting_reminder_due(first, "09:30")
    assert old.due == datetime.combine(days_ahead(19), time(9, 30), LONDON).astimezone(UTC)
    meeting(nats, store, "m1", moved("m1", later, "16:00"), agenda("m1", "Welcome", "Data"))
    arrives(running.mailbox, AMY, 2)
    at(running, old.due)  # the old reminder's time
    assert wait_until(lambda: len(rows(running, "meeting_reminder")) == 6, timeout=30)
    assert running.settled(sent=4, skipped=3, queued=3)  # 2 invitations, 2 changes
    assert {r.skip_reason for r in rows(running, "meeting_reminder") if r.status == "skipped"} == {
        "moved"
    }
    at(running, meeting_reminder_due(later, "16:00"))  # the day before the new date
    [*_, reminded] = arrives(running.mailbox, AMY, 3)
    assert reminded.message["Subject"] == "Tomorrow: Spring meeting, 16:00"
    assert "16:00 to 17:00" in text_of(reminded.message)
    assert "The agenda:\nWelcome (5 min)\nData (40 min)" in text_of(reminded.message)
    assert len(arrives(running.mailbox, SIL, 1)) == 1  # the organiser is reminded too
    assert running.settled(sent=7, skipped=3)


def test_a_declined_invitee_is_not_reminded_and_the_organiser_is_told(running: Running) -> None:
    nats, store = running.nats, running.store
    meeting(nats, store, "m1", scheduled("m1", days_ahead(20)))
    arrives(running.mailbox, AMY, 1)
    meeting(nats, store, "m1", answered("m1", "amy", "declined"))
    [told] = arrives(running.mailbox, SIL, 1)
    assert told.message["Subject"] == "Amy Archer declined: Spring meeting"
    assert "Amy Archer has declined Spring meeting." in text_of(told.message)
    meeting(nats, store, "m1", answered("m1", "bob", "declined"), answered("m1", "bob", "accepted"))
    [_, bob] = arrives(running.mailbox, SIL, 2)
    assert bob.message["Subject"] == "Bob Baker accepted: Spring meeting"
    at(running, meeting_reminder_due(days_ahead(20), "16:00"))
    assert wait_until(lambda: len(running.mailbox.to(SIL)) == 3, timeout=30)  # its reminder
    assert running.settled(sent=6, skipped=2)
    reasons = {r.person_id: r.skip_reason for r in rows(running, "meeting_reminder")}
    assert reasons["amy"] == "declined"
    [superseded] = [r for r in rows(running, "invitation_answered") if r.status == "skipped"]
    assert superseded.skip_reason == "superseded"  # Bob's decline, changed before it went
    assert len(running.mailbox.to(AMY)) == 1


def test_an_action_is_reminded_three_days_before_it_is_due_unless_done(
    running: Running,
) -> None:
    nats, store = running.nats, running.store
    meeting(nats, store, "m1", scheduled("m1", days_ahead(2), "20:00"))
    arrives(running.mailbox, AMY, 1)
    due = days_ahead(10)
    meeting(nats, store, "m1", action("m1", "a1", "amy", due), action("m1", "a2", "bob", due))
    meeting(nats, store, "m1", action_done("m1", "a2"))
    assert wait_until(lambda: len(rows(running, "action_due")) == 2, timeout=30)
    amys, _ = rows(running, "action_due")
    assert amys.due == datetime.combine(days_ahead(7), time(16), LONDON).astimezone(UTC)
    at(running, amys.due)

    def reminded() -> list[EmailMessage]:
        mail = [a.message for a in running.mailbox.to(AMY)]
        return [m for m in mail if m["Subject"].startswith("Due ")]

    assert wait_until(lambda: len(reminded()) == 1, timeout=30)
    text = text_of(reminded()[0])
    assert "Audit a1" in text and "https://staffroom.test/my-actions" in text
    assert wait_until(lambda: rows(running, "action_due")[1].status == "skipped", timeout=30)
    assert rows(running, "action_due")[1].skip_reason == "done"
    assert not [a for a in running.mailbox.to(BOB) if a.message["Subject"].startswith("Due ")]
