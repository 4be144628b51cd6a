"""A network meeting's messages, as those who run it read them (/meetings/<id>/messages):
a series' invitation still waiting for its time, and the change a move queued, skipped with
its reason (they were never told of the meeting it changes); its organiser and the CPD
manager read it, an invitee does not, and the meeting's page links to it for those who may."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.connection import NatsThread
from events.store import EventStore
from readmodels.networks import polls_view
from tests.support.identity import someone
from tests.support.network_mail import (
    a_network,
    days_ahead,
    meeting,
    moved,
    scheduled,
    the_people,
)
from tests.support.notifications import Running, notifications
from tests.support.stack import Stack, networks_stack
from tests.support.waiting import wait_until

PAGE = "/meetings/m1/messages"


@pytest.fixture
def world(
    nats: NatsThread, nats_server, store: EventStore, database_url, engine, mailbox
) -> Iterator[tuple[Stack, Running]]:
    with (
        networks_stack(nats, nats_server.url, store, database_url, engine) as stack,
        notifications(nats, store, engine, mailbox, projecting=False) as running,
    ):
        the_people(nats, store)
        a_network(nats, store)
        first = scheduled("m1", days_ahead(40), series_id="s1")  # invited 21 days before
        meeting(nats, store, "m1", first, moved("m1", days_ahead(41)))
        # the 2 invitations and 3 reminders wait; the 2 changes are skipped: the
        # invitations they change have not gone
        assert running.settled(queued=5, skipped=2)
        assert wait_until(lambda: polls_view.find_meeting(engine, "m1") is not None)
        yield stack, running


def test_the_organiser_reads_a_waiting_invitation_and_a_skipped_change(
    world: tuple[Stack, Running],
) -> None:
    stack, _ = world
    page = stack.client(someone(person_id="sil")).get(PAGE)
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    text = page.get_data(as_text=True)
    assert "Messages about Spring meeting" in text
    rows = [r for r in text.split('<tr id="message-')[1:] if "Amy Archer" in r]
    invitation = next(r for r in rows if "Meeting invitation" in r)
    assert "Queued" in invitation and "Due " in invitation
    change = next(r for r in rows if "Meeting changed" in r)
    assert "Not sent" in change and "They were never told of what it cancels" in change


def test_the_cpd_manager_reads_it_and_an_invitee_does_not(world: tuple[Stack, Running]) -> None:
    stack, _ = world
    assert stack.client(someone("cpd_manager")).get(PAGE).status_code == 200
    assert stack.client(someone("trust_admin")).get(PAGE).status_code == 200
    assert stack.client(someone(person_id="amy")).get(PAGE).status_code == 403
    assert stack.client(someone("cpd_manager")).get("/meetings/m2/messages").status_code == 404


def test_the_meeting_page_links_to_it_for_its_organiser_only(
    world: tuple[Stack, Running],
) -> None:
    stack, _ = world
    organiser = stack.client(someone(person_id="sil")).get("/meetings/m1")
    assert organiser.status_code == 200 and f'href="{PAGE}"' in organiser.get_data(as_text=True)
    invitee = stack.client(someone(person_id="amy")).get("/meetings/m1")
    assert invitee.status_code == 200 and PAGE not in invitee.get_data(as_text=True)


def test_a_name_links_to_their_messages_only_for_who_may_read_them(
    world: tuple[Stack, Running],
) -> None:
    """The organiser may not read Amy's messages (403), so her name is plain text to them;
    the CPD manager may, and follows the link."""
    stack, _ = world
    amy = 'href="/people/amy/messages"'
    organiser = stack.client(someone(person_id="sil")).get(PAGE).get_data(as_text=True)
    assert "Amy Archer" in organiser and amy not in organiser
    manager = stack.client(someone("cpd_manager"))
    assert amy in manager.get(PAGE).get_data(as_text=True)
    assert manager.get("/people/amy/messages").status_code == 200
    assert stack.client(someone(person_id="sil")).get("/people/amy/messages").status_code == 403
