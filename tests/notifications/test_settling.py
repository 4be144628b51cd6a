"""A booked place is confirmed once the person's choice has settled (a minute,
CONFIRMATION_SETTLES), as it then is; a waitlist promotion is told at once. The sender's
clock starts at real time here (the other tests run it a settling minute ahead)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from events.connection import NatsThread
from events.store import EventStore
from readmodels.notifications import queries
from services.notifications.reactions import CONFIRMATION_SETTLES
from tests.support.mailbox import TestMailbox
from tests.support.notifications import Running, a_day, notifications, people, place
from tests.support.waiting import wait_until

SOON = (datetime.now(UTC) + timedelta(days=20)).date()
AMY, BOB = "amy@example.sch.uk", "bob@example.sch.uk"


@pytest.fixture
def running(nats: NatsThread, store: EventStore, engine, mailbox: TestMailbox) -> Iterator[Running]:
    with notifications(nats, store, engine, mailbox) as running:
        running.clock.ahead = timedelta(0)
        a_day(nats, store, "day-1", SOON, sessions=("s1", "s2", "s3"))
        people(nats, store, "amy", "bob")
        yield running


def statuses(running: Running, person: str) -> dict[str, str]:
    return {f"{r.kind} {r.session_id}": r.status for r in queries.told(running.engine, person)}


def test_a_booking_waits_for_its_minute_while_a_promotion_goes_at_once(running: Running) -> None:
    place(running.nats, running.store, "day-1", "SessionBooked", "amy", "s1")
    place(running.nats, running.store, "day-1", "PromotedFromWaitlist", "bob", "s2")
    assert wait_until(lambda: len(running.mailbox.to(BOB)) == 1)
    assert running.mailbox.to(AMY) == []  # queued before bob's, and still waiting
    assert statuses(running, "amy")["booking_confirmed s1"] == "queued"

    running.clock.ahead = CONFIRMATION_SETTLES
    assert wait_until(lambda: len(running.mailbox.to(AMY)) == 1)
    assert running.mailbox.to(AMY)[0].message["Subject"] == "Booked: Session s1"


def test_a_move_within_the_minute_brings_one_email_for_the_place_kept(running: Running) -> None:
    nats, store = running.nats, running.store
    place(nats, store, "day-1", "SessionBooked", "amy", "s1")
    place(nats, store, "day-1", "BookingCancelled", "amy", "s1", reason="moved")
    place(nats, store, "day-1", "SessionBooked", "amy", "s2")
    place(nats, store, "day-1", "BookingCancelled", "amy", "s2", reason="moved")
    place(nats, store, "day-1", "SessionBooked", "amy", "s3")

    running.clock.ahead = CONFIRMATION_SETTLES
    assert wait_until(lambda: len(running.mailbox.to(AMY)) == 1)
    assert running.mailbox.to(AMY)[0].message["Subject"] == "Booked: Session s3"
    settled = {
        "booking_confirmed s1": "skipped",
        "booking_cancelled s1": "skipped",
        "booking_confirmed s2": "skipped",
        "booking_cancelled s2": "skipped",
        "booking_confirmed s3": "sent",
        "day_reminder None": "queued",
    }
    assert wait_until(lambda: statuses(running, "amy") == settled), statuses(running, "amy")
    assert len(running.mailbox.to(AMY)) == 1
