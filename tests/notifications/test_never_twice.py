"""Never twice, never stale: a sender stopped between its claim and the mail server's
answer does not send again blindly; a reaction delivered again queues nothing; a message
that no longer holds when it is due is skipped; a refused address is recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from events import Event
from events.connection import NatsThread
from events.decider import CommandLoop
from events.envelope import Metadata
from events.reactor import Reactor
from events.store import EventStore
from readmodels.notifications import queries
from services.notifications.domain import OutboxDecider, Release
from services.notifications.events import person_subject
from services.notifications.reactions import REACTIONS
from services.notifications.sender import Sender, SenderConfig
from services.notifications.smtp import Mailer, SmtpSettings
from services.trustdays.events import day_subject
from tests.support.identity import SECRET_KEY
from tests.support.mailbox import TestMailbox
from tests.support.notifications import (
    SENDER,
    Running,
    a_day,
    notifications,
    people,
    place,
    running_sender,
)
from tests.support.trustdays import RECORD, append
from tests.support.waiting import wait_until

SOON = (datetime.now(UTC) + timedelta(days=20)).date()
AMY = "amy@example.sch.uk"


def status_of(running: Running, person: str, kind: str) -> str | None:
    found = [r.status for r in queries.told(running.engine, person) if r.kind == kind]
    return found[0] if found else None


def test_a_sender_stopped_after_its_claim_never_sends_it_again_unless_released(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy", "bob")
        claimed = asyncio.Event()

        async def stop_here(_: str) -> None:  # the process dies mid-way: never returns
            claimed.set()
            await asyncio.Event().wait()

        config = SenderConfig("https://staffroom.test/", SECRET_KEY, SENDER)
        smtp = SmtpSettings.from_url(mailbox.url, SENDER)
        dying = Sender(store, engine, lambda: Mailer(smtp), config, running.clock, 0.1, stop_here)
        task = asyncio.run_coroutine_threadsafe(dying.run(asyncio.Event()), nats.loop)
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert wait_until(lambda: status_of(running, "amy", "booking_confirmed") == "sending")
        task.cancel()  # killed between the claim and SMTP
        assert wait_until(task.done)

        with running_sender(nats, store, engine, mailbox, running.clock):
            place(nats, store, "day-1", "SessionBooked", "bob", "s2")
            assert wait_until(lambda: len(mailbox.to("bob@example.sch.uk")) == 1)
            assert status_of(running, "amy", "booking_confirmed") == "sending"  # unknown
            assert mailbox.to(AMY) == []

            # The operator checked the mail server's log: it never arrived. Released, sent once.
            [row] = [r for r in queries.told(engine, "amy") if r.kind == "booking_confirmed"]
            later = datetime.now(UTC) + timedelta(minutes=6)
            subject = store.subject(*person_subject("amy"))
            release = Release(row.message_id, "operator", later)
            nats.run(CommandLoop(store, OutboxDecider()).execute(subject, release, "r", Metadata()))
            assert wait_until(lambda: len(mailbox.to(AMY)) == 1)
            assert running.settled(sent=2, queued=2)  # two reminders wait for their day
        assert len(mailbox.to(AMY)) == 1


def test_a_reaction_delivered_again_queues_and_sends_nothing_more(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert wait_until(lambda: len(mailbox.to(AMY)) == 1)
        assert running.settled(sent=1, queued=1)
        events, _ = nats.run(
            store.load(store.subject("trustdays", "day", "day-1", "slot", "breakout"))
        )
        booked = next(e for e in events if e.type == "SessionBooked")
        again = Reactor(store, REACTIONS)
        for _ in range(2):
            nats.run(again.act(REACTIONS[0], booked))
        seq = nats.run(store.last_seq())
        history, _ = nats.run(store.load(store.subject(*person_subject("amy"))))
        assert [e.type for e in history].count("MessageQueued") == 2  # confirmation, reminder
        assert all(e.seq <= seq for e in history)
        assert running.settled(sent=1, queued=1)
        assert len(mailbox.to(AMY)) == 1


def test_a_reminder_for_a_place_given_up_is_never_sent(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert wait_until(lambda: len(mailbox.to(AMY)) == 1)
        place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="cancelled")
        assert wait_until(lambda: len(mailbox.to(AMY)) == 2)
        running.clock.ahead = timedelta(days=19)  # the reminder's time has come
        assert running.settled(sent=2, skipped=1)
        assert status_of(running, "amy", "day_reminder") == "skipped"
        [reminder] = [r for r in queries.told(engine, "amy") if r.kind == "day_reminder"]
        assert reminder.skip_reason == "no_longer_booked"
        assert [m.message["Subject"] for m in mailbox.to(AMY)] == [
            "Booked: Session s1",
            "Cancelled: Session s1",
        ]


def test_a_confirmation_for_a_place_given_up_before_it_was_sent_is_skipped_and_so_is_its_cancel(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="cancelled")
        assert running.settled(queued=3)
        with running_sender(nats, store, engine, mailbox, running.clock):
            assert running.settled(skipped=2, queued=1)
        assert mailbox.arrived == []


def test_a_moved_day_moves_its_reminders(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    with notifications(nats, store, engine, mailbox, sending=False) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert running.settled(queued=2)
        moved = {**RECORD, "day_id": "day-1", "date": SOON + timedelta(days=7)}
        append(store, nats, day_subject("day-1"), Event("DayUpdated", moved))

        def due() -> datetime:
            [row] = [r for r in queries.told(engine, "amy") if r.kind == "day_reminder"]
            return row.due

        local = SOON + timedelta(days=5)  # two days before the new date, 16:00 UK
        assert wait_until(lambda: due().date() == local)


def test_an_address_refused_for_good_is_recorded_and_not_tried_again(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    mailbox.refuse(AMY)
    with notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert running.settled(bounced=1, queued=1)
        assert queries.bounced_addresses(engine, "amy") == {AMY}
        place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="cancelled")
        running.clock.ahead = timedelta(days=19)
        assert running.settled(bounced=1, skipped=2)
        assert mailbox.arrived == []


def test_a_server_answering_try_later_is_tried_again_with_backoff(
    nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox
) -> None:
    mailbox.refuse(AMY, "451 4.3.0 Try again later")
    with notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert running.settled(failed=1, queued=1)
        del mailbox.handler.refused[AMY]
        running.clock.ahead += timedelta(seconds=61)
        assert running.settled(sent=1, queued=1)
        assert len(mailbox.to(AMY)) == 1
