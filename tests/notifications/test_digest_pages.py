"""The digest and the nudge on the pages: the preferences offer the daily digest for what
may wait only; a message held for it shows "waiting for ... digest"; the digest's one-click
unsubscribe turns off what it held; the CPD manager reminds those not booked from the
day's overview, once an hour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from events import Event
from events.connection import NatsThread
from events.identity import Identity
from events.store import EventStore
from frontend.pages.messages import digest_when
from readmodels.notifications import queries
from services.notifications import unsubscribe
from services.trustdays.events import day_subject
from tests.notifications.test_nudge_mail import SOON, an_open_day
from tests.support.identity import SECRET_KEY, someone
from tests.support.notifications import Running, notifications, people, place
from tests.support.stack import Stack, pd_stack, projected_all
from tests.support.trustdays import RECORD, append
from tests.support.waiting import wait_until


@pytest.fixture
def world(
    nats: NatsThread, nats_server, store: EventStore, database_url, engine, mailbox
) -> Iterator[tuple[Stack, Running]]:
    with (
        pd_stack(nats, nats_server.url, store, database_url, engine) as stack,
        notifications(nats, store, engine, mailbox, projecting=False) as running,
    ):
        people(nats, store, "amy", "bob")
        an_open_day(nats, store)
        assert wait_until(lambda: projected_all(nats, store, engine))
        yield stack, running


def amy() -> Identity:
    return someone(person_id="amy", name="Grace Hopper")


def test_which_digest_a_message_waits_for() -> None:
    now = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert digest_when(datetime(2026, 12, 3, 7, 0, tzinfo=UTC), now) == "tomorrow's digest"
    early = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 06:00 BST
    assert digest_when(datetime(2026, 7, 1, 6, 0, tzinfo=UTC), early) == "this morning's digest"
    later = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert digest_when(later, now) == "the digest of Thursday 10 December"


def test_the_digest_is_offered_for_what_may_wait_and_shown_while_it_waits(
    world: tuple[Stack, Running],
) -> None:
    stack, running = world
    client = stack.client(amy())
    page = client.get("/me/notifications").get_data(as_text=True)
    assert 'name="day_reminder" value="digest"' in page
    assert 'name="booking_nudge" value="digest"' not in page
    assert 'name="booking_nudge" value="off"' in page
    refused = client.post("/me/notifications", data={"booking_nudge": "digest"})
    assert refused.status_code == 422
    saved = client.post("/me/notifications", data={"day_reminder": "digest"})
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    assert queries.preferences_of(running.engine, "amy")["day_reminder"] == "digest"

    place(running.nats, running.store, "day-1", "SessionBooked", "amy", "s1")
    assert running.settled(sent=1, queued=1)
    mine = client.get("/me/messages").get_data(as_text=True)
    assert "Waiting for the digest of" in mine or "Waiting for tomorrow" in mine


def test_the_digests_one_click_unsubscribe_turns_off_what_it_held(
    world: tuple[Stack, Running],
) -> None:
    stack, running = world
    client = stack.client(amy())
    data = {"day_reminder": "digest", "action_due": "digest", "poll_reminder": "off"}
    assert client.post("/me/notifications", data=data).status_code == 200
    token = unsubscribe.token(SECRET_KEY, "amy", "digest")
    anyone = stack.app.test_client()
    page = anyone.get(f"/notifications/unsubscribe/{token}").get_data(as_text=True)
    assert "everything you had put in the digest" in page
    done = anyone.post(f"/notifications/unsubscribe/{token}")
    assert done.status_code == 200 and "daily digest any more" in done.get_data(as_text=True)

    def chosen() -> tuple[str, ...]:  # the link's command does not wait for the read model
        found = queries.preferences_of(running.engine, "amy")
        return tuple(found[kind] for kind in ("day_reminder", "action_due", "poll_reminder"))

    assert wait_until(lambda: chosen() == ("off", "off", "off")), chosen()


def test_the_cpd_manager_reminds_those_not_booked_once_an_hour(
    world: tuple[Stack, Running],
) -> None:
    stack, running = world
    place(running.nats, running.store, "day-1", "SessionBooked", "bob", "s1")
    manager = stack.client(someone("cpd_manager", school_id=None))
    assert wait_until(
        lambda: (
            "Remind the 1 who have not booked"
            in manager.get("/days/day-1/overview").get_data(as_text=True)
        )
    )
    assert "Remind the" not in stack.client(amy()).get("/days/day-1/overview").get_data(
        as_text=True
    )
    sent = manager.post("/days/day-1/nudges")
    assert sent.status_code == 303 and "nudged=1" in sent.headers["Location"]
    shown = manager.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Reminded 1" in shown
    assert wait_until(
        lambda: (
            [r.status for r in queries.told(running.engine, "amy") if r.kind == "booking_nudge"]
            == ["sent"]
        )
    )
    assert wait_until(
        lambda: any("Book your" in a.message["Subject"] for a in running.mailbox.arrived)
    )
    again = manager.post("/days/day-1/nudges")
    assert again.status_code == 409 and "remind them again from" in again.get_data(as_text=True)
    assert stack.client(someone("headteacher")).post("/days/day-1/nudges").status_code == 403
    assert manager.post("/days/no-such-day/nudges").status_code == 404


def test_no_button_once_booking_has_closed(world: tuple[Stack, Running]) -> None:
    stack, running = world
    manager = stack.client(someone("cpd_manager", school_id=None))
    page = manager.get("/days/day-1/overview").get_data(as_text=True)
    assert "Remind the 2 who have not booked" in page
    now = datetime.now(UTC)
    window = {"opens": now - timedelta(days=2), "closes": now - timedelta(minutes=1)}
    closed = {**RECORD, "day_id": "day-1", "date": SOON, **window}
    append(running.store, running.nats, day_subject("day-1"), Event("DayUpdated", closed))
    assert wait_until(
        lambda: "Remind the" not in manager.get("/days/day-1/overview").get_data(as_text=True)
    )
    refused = manager.post("/days/day-1/nudges")
    assert refused.status_code == 409 and "Booking has closed" in refused.get_data(as_text=True)
