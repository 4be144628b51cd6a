"""A mail server down for a minute in a booking rush: nothing is lost, nothing doubled.
The minute passes on the sender's clock (its backoff is in minutes); the server is really
down (connections refused) and really comes back."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from events import Event
from events.connection import NatsThread
from events.store import EventStore
from readmodels.notifications import queries
from services.trustdays.events import slot_subject
from tests.support.mailbox import smtp_server
from tests.support.notifications import BREAKOUT, Running, a_day, notifications, people
from tests.support.trustdays import append
from tests.support.waiting import wait_until

SOON = (datetime.now(UTC) + timedelta(days=20)).date()
RUSH = 40


@pytest.mark.slow
def test_a_minute_without_a_mail_server_delays_mail_and_loses_none(
    nats: NatsThread, store: EventStore, engine
) -> None:
    with smtp_server() as mailbox, notifications(nats, store, engine, mailbox) as running:
        a_day(nats, store, "day-1", SOON, sessions=("s1",), capacity=RUSH)
        staff = [f"p{n:03}" for n in range(RUSH)]
        people(nats, store, *staff)
        mailbox.down()
        for person in staff:  # the rush: one booking a message, as the service appends them
            booked = Event("SessionBooked", {"person_id": person, "session_id": "s1"})
            append(store, nats, slot_subject("day-1", BREAKOUT), booked)
        assert running.settled(failed=RUSH, queued=RUSH)  # refused, each to be tried again
        running.clock.ahead += timedelta(seconds=61)  # still down a minute later
        assert wait_until(lambda: all(r.attempt == 2 for r in failed(running)), timeout=60)
        mailbox.up()
        running.clock.ahead += timedelta(minutes=3)  # past the second backoff (2 minutes)
        assert running.settled(sent=RUSH, queued=RUSH)
        arrived = Counter(m.staffroom_id for m in mailbox.arrived)
        assert len(arrived) == RUSH and set(arrived.values()) == {1}
        assert {m.to[0] for m in mailbox.arrived} == {f"{p}@example.sch.uk" for p in staff}


def failed(running: Running) -> list:
    return queries.operator_queue(running.engine)["failed"]
