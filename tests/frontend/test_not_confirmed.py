"""A page whose command could not be confirmed says so, never "nothing was changed", and
the same form sent again (same key) books once."""

from __future__ import annotations

import re

import httpx
import pytest

from events.connection import NatsThread
from events.store import EventStore, StreamSettings
from services.trustdays.events import slot_subject
from tests.support.identity import someone
from tests.support.people import add_school, enrol, join
from tests.support.stack import pd_stack, projected
from tests.support.trustdays import open_day
from tests.support.waiting import wait_until

HTMX = {"HX-Request": "true"}


@pytest.fixture
def trust(own_nats_server, database_url, engine):
    nats = NatsThread(own_nats_server.url, name="not-confirmed-page")
    store = EventStore(nats.nc, StreamSettings(name="PAGE", subjects=("page.>",)))
    nats.run(store.ensure_stream())
    try:
        with pd_stack(nats, own_nats_server.url, store, database_url, engine) as stack:
            add_school(engine, "school-a", "Ash Grove Primary")
            amy = enrol(engine, "amy@ash.sch.uk", name="Amy", school_id="school-a")
            join(nats, store, amy)
            with httpx.Client(base_url=stack.services["trustdays"]) as client:
                day = open_day(client, sessions=1, capacity=5)
            assert wait_until(lambda: projected(engine, day))
            yield stack, nats, store, day, someone(person_id=amy, name="Amy")
    finally:
        nats.close()


def book(client, day: dict, key: str, headers=None):
    url = f"/days/{day['day_id']}/sessions/{day['sessions'][0]}/book"
    return client.post(url, data={"key": key}, headers=headers or {})


@pytest.mark.slow
def test_a_booking_the_service_cannot_confirm_says_so_and_its_resend_books_once(
    own_nats_server, trust
):
    stack, nats, store, day, amy = trust
    browser = stack.client(amy)
    own_nats_server.stop()

    for headers in (HTMX, {}):  # htmx leaves the form as it was; a plain form gets a page
        answer = book(browser, day, "amy-books", headers)
        page = " ".join(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)).split())
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "2"
        assert "We could not confirm this: it may or may not have been done." in page
        assert "nothing was changed" not in page.lower()

    own_nats_server.start()
    resent = book(browser, day, "amy-books", HTMX)
    for _ in range(20):  # the service's connection may still be reconnecting
        if resent.status_code != 503:
            break
        resent = book(browser, day, "amy-books", HTMX)
    assert resent.status_code == 200, resent.get_data(as_text=True)
    subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    events, _ = nats.run(store.load(subject))
    assert [e.type for e in events].count("SessionBooked") == 1
