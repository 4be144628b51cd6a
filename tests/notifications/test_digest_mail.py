"""The daily digest through a real SMTP server, read back: what a person put in the digest
comes as ONE email at 07:00 UK time listing each item with its links, no calendar; an item
no longer true by then drops out with its reason (none left: no email); every message it
carried is recorded as sent with the one Message-ID; a sender stopped between its claim
and the mail server sends nothing again; the digest's unsubscribe link names the digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from events.connection import NatsThread
from events.decider import CommandLoop
from events.envelope import Metadata, new_id
from events.store import EventStore
from readmodels.notifications import queries
from services.notifications import unsubscribe
from services.notifications.domain import OutboxDecider, SetPreferences
from services.notifications.events import next_digest, person_subject
from services.notifications.reactions import reminder_due
from services.notifications.sender import Sender, SenderConfig
from services.notifications.smtp import Mailer, SmtpSettings
from tests.support.identity import SECRET_KEY
from tests.support.mailbox import TestMailbox
from tests.support.network_mail import (
    a_network,
    action,
    action_done,
    meeting,
    scheduled,
    the_people,
)
from tests.support.notifications import SENDER, Running, a_day, notifications, place, running_sender
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")

SOON = (datetime.now(UTC) + timedelta(days=20)).date()
AMY = "amy@example.sch.uk"
AT_SEVEN = next_digest(reminder_due(SOON))


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None, message
    return part.get_content()


def choose(nats: NatsThread, store: EventStore, person: str, **kinds: str) -> None:
    subject = store.subject(*person_subject(person))
    chose = SetPreferences(person, kinds)
    nats.run(CommandLoop(store, OutboxDecider()).execute(subject, chose, new_id(), Metadata()))


def three_items(nats: NatsThread, store: EventStore) -> None:
    """Amy puts PD day reminders and actions' reminders in her digest, books a session on a
    PD day and is given two actions due the day after it: three reminders, due together."""
    the_people(nats, store)
    a_network(nats, store)
    choose(nats, store, "amy", day_reminder="digest", action_due="digest")
    a_day(nats, store, "day-1", SOON)
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    meeting(nats, store, "m1", scheduled("m1", SOON + timedelta(days=30), "20:00"))
    due = SOON + timedelta(days=1)
    meeting(nats, store, "m1", action("m1", "a1", "amy", due), action("m1", "a2", "amy", due))


def held(running: Running, person: str = "amy") -> list:
    """The person's messages that waited for the digest, once all three were queued."""
    found: list = []

    def queued() -> bool:
        found[:] = [r for r in queries.told(running.engine, person) if r.digest]
        return len(found) == 3

    assert wait_until(queued, timeout=30), found
    return found


def digests(mailbox: TestMailbox, address: str = AMY) -> list[EmailMessage]:
    return [a.message for a in mailbox.to(address) if "digest" in a.message["Subject"]]


def at_seven(running: Running) -> None:
    """The sender's clock moved to the digest's 07:00 (a minute past)."""
    running.clock.ahead = AT_SEVEN + timedelta(minutes=1) - datetime.now(UTC)


def statuses(running: Running, person: str = "amy") -> list[str]:
    return sorted(r.status for r in queries.told(running.engine, person) if r.digest)


def test_what_waits_for_the_digest_comes_as_one_email_at_07_00(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox) as running:
        three_items(nats, store)
        assert {(r.kind, r.due) for r in held(running)} == {
            ("day_reminder", AT_SEVEN),
            ("action_due", AT_SEVEN),
        }
        assert AT_SEVEN.astimezone(LONDON).hour == 7
        running.clock.ahead = AT_SEVEN - timedelta(minutes=1) - datetime.now(UTC)
        assert wait_until(lambda: len(mailbox.to(AMY)) == 2)  # confirmation, invitation
        assert statuses(running) == ["queued"] * 3  # 06:59: not yet
        at_seven(running)
        assert wait_until(lambda: statuses(running) == ["sent"] * 3, timeout=30)
        [digest] = digests(mailbox)
        assert len(mailbox.to(AMY)) == 3
        assert digest["Subject"].startswith("Your Staffroom digest: 3 items")
        assert [p.get_content_type() for p in digest.walk()] == [
            "multipart/alternative",
            "text/plain",
            "text/html",
        ]
        text = body(digest, "plain")
        assert "Reminder: Autumn PD day" in text and "https://staffroom.test/days/day-1" in text
        assert "Audit a1" in text and "Audit a2" in text
        assert "https://staffroom.test/my-actions" in text
        html = body(digest, "html")
        assert 'href="https://staffroom.test/days/day-1"' in html
        link = digest["List-Unsubscribe"].strip("<>")
        assert unsubscribe.read(SECRET_KEY, link.rpartition("/")[2]) == ("amy", "digest")
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert {r.smtp_id for r in held(running)} == {digest["Message-ID"]}


def test_an_item_no_longer_true_drops_out_and_a_digest_of_nothing_is_not_sent(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        three_items(nats, store)
        choose(nats, store, "bob", action_due="digest")
        meeting(nats, store, "m1", action("m1", "b1", "bob", SOON + timedelta(days=1)))
        held(running)
        meeting(nats, store, "m1", action_done("m1", "a2"), action_done("m1", "b1"))
        place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="cancelled")
        at_seven(running)
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert wait_until(lambda: statuses(running) == ["sent", "skipped", "skipped"])
            assert wait_until(lambda: statuses(running, "bob") == ["skipped"])
        reasons = {(r.kind, r.skip_reason) for r in held(running) if r.status == "skipped"}
        assert reasons == {("day_reminder", "no_longer_booked"), ("action_due", "done")}
        [digest] = digests(mailbox)
        assert digest["Subject"].startswith("Your Staffroom digest: 1 item,")
        text = body(digest, "plain")
        assert "Audit a1" in text and "Audit a2" not in text and "day-1" not in text
        assert digests(mailbox, "bob@example.sch.uk") == []


def test_a_digest_claimed_by_a_sender_stopped_before_smtp_is_never_sent_again(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        three_items(nats, store)
        waiting = {r.message_id for r in held(running)}
        at_seven(running)
        claimed = asyncio.Event()

        async def stop_here(message_id: str) -> None:  # the process dies mid-digest
            if message_id in waiting:
                claimed.set()
                await asyncio.Event().wait()

        config = SenderConfig("https://staffroom.test/", SECRET_KEY, SENDER)
        smtp = SmtpSettings.from_url(mailbox.url, SENDER)
        dying = Sender(store, engine, lambda: Mailer(smtp), config, running.clock, 0.1, stop_here)
        task = asyncio.run_coroutine_threadsafe(dying.run(asyncio.Event()), nats.loop)
        assert wait_until(lambda: statuses(running) == ["sending"] * 3, timeout=30)
        task.cancel()  # killed between the claims and SMTP
        assert wait_until(task.done)
        assert claimed.is_set() and digests(mailbox) == []
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert wait_until(lambda: len(mailbox.to(AMY)) == 2)  # confirmation, invitation
            outbox, _ = nats.run(store.load(store.subject(*person_subject("amy"))))
            sending = [e for e in outbox if e.type == "MessageSending"]
            assert wait_until(lambda: statuses(running) == ["sending"] * 3)
        assert digests(mailbox) == []
        assert {e.data["message_id"] for e in sending} >= waiting
