"""The notifications' pages, as people read them: what we told you, a PD day's messages,
the operator's queue with an unknown claim to release, the mailbox, preferences."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from events.connection import NatsThread
from events.identity import Identity
from events.store import EventStore
from readmodels.notifications import queries
from tests.support.identity import someone
from tests.support.notifications import Running, a_day, notifications, people, place
from tests.support.stack import Stack, pd_stack
from tests.support.waiting import wait_until

SOON = (datetime.now(UTC) + timedelta(days=20)).date()


@pytest.fixture
def world(
    nats: NatsThread, nats_server, store: EventStore, database_url, engine, mailbox
) -> Iterator[tuple[Stack, Running]]:
    with (
        pd_stack(nats, nats_server.url, store, database_url, engine) as stack,
        notifications(nats, store, engine, mailbox, projecting=False) as running,
    ):
        a_day(nats, store, "day-1", SOON)
        people(nats, store, "amy", "bob")
        place(nats, store, "day-1", "SessionBooked", "amy", "s1")
        assert wait_until(lambda: len(mailbox.arrived) == 1)
        assert running.settled(sent=1, queued=1)
        yield stack, running


def amy() -> Identity:
    return someone(person_id="amy", name="Grace Hopper")


def test_what_we_told_you(world: tuple[Stack, Running]) -> None:
    stack, _ = world
    page = stack.client(amy()).get("/me/messages")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    text = page.get_data(as_text=True)
    assert "Booked: Session s1" in text and "PD day reminder" in text and "Queued" in text


def test_the_cpd_manager_reads_anyones_and_a_days(world: tuple[Stack, Running]) -> None:
    stack, _ = world
    manager = stack.client(someone("cpd_manager"))
    assert "Booked: Session s1" in manager.get("/people/amy/messages").get_data(as_text=True)
    day = manager.get("/days/day-1/messages")
    assert day.status_code == 200 and "Grace Hopper" in day.get_data(as_text=True)
    assert stack.client(someone()).get("/people/amy/messages").status_code == 403


def test_the_operator_sees_the_queue_and_the_mailbox_page(world: tuple[Stack, Running]) -> None:
    stack, _ = world
    admin = stack.client(someone("trust_admin"))
    queue = admin.get("/operator/messages")
    assert queue.status_code == 200 and "Waiting (1)" in queue.get_data(as_text=True)
    box = admin.get("/operator/mail")
    assert box.status_code == 200


def test_preferences_turn_reminders_off(world: tuple[Stack, Running]) -> None:
    stack, running = world
    client = stack.client(amy())
    page = client.get("/me/notifications")
    assert page.status_code == 200 and "PD day reminder" in page.get_data(as_text=True)
    saved = client.post("/me/notifications", data={"day_reminder": "off"})
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    assert queries.preferences_of(running.engine, "amy")["day_reminder"] == "off"
    refused = client.post("/me/notifications", data={"day_reminder": "later"})
    assert refused.status_code == 422
