"""A command that was done while the projector was stopped: the page says it is done but
not shown yet, neither an error nor the old page as if nothing had happened; once the
projector has caught up the page says nothing more."""

from __future__ import annotations

import httpx
import pytest

from frontend.not_shown_yet import SENTENCE
from tests.support.identity import someone
from tests.support.pages import text
from tests.support.people import add_school, enrol, join
from tests.support.stack import pd_stack, projected, projected_all, running_projector
from tests.support.trustdays import open_day
from tests.support.waiting import wait_until

HTMX = {"HX-Request": "true"}


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine, projector=False) as stack:
        with running_projector(nats, store, engine):
            add_school(engine, "school-a", "Ash Grove Primary")
            amy = enrol(engine, "amy@ash.sch.uk", name="Amy", school_id="school-a")
            bob = enrol(engine, "bob@ash.sch.uk", name="Bob", school_id="school-a")
            join(nats, store, amy, bob)
            with httpx.Client(base_url=stack.services["trustdays"]) as client:
                day = open_day(client, sessions=2, capacity=5)
            assert wait_until(lambda: projected(engine, day))
        yield stack, day, someone(person_id=amy, name="Amy"), someone(person_id=bob, name="Bob")


def book(client, day: dict, n: int, headers=None):
    url = f"/days/{day['day_id']}/sessions/{day['sessions'][n]}/book"
    return client.post(url, data={"key": f"amy-{n}"}, headers=headers or {})


def test_a_booking_the_projector_has_not_read_says_it_is_done_not_shown_yet(
    trust, nats, store, engine
):
    stack, day, amy, bob = trust
    tapped = book(stack.client(amy), day, 0, HTMX)
    assert tapped.status_code == 200
    assert SENTENCE in text(tapped.get_data(as_text=True))

    browser = stack.client(bob)
    sent = book(browser, day, 1)
    assert sent.status_code == 303
    assert "behind=trustdays%3A" in sent.location
    landed = browser.get(sent.location)
    assert landed.status_code == 200
    assert SENTENCE in text(landed.get_data(as_text=True))

    with running_projector(nats, store, engine):
        assert wait_until(lambda: projected_all(nats, store, engine))
        again = browser.get(sent.location)
    assert SENTENCE not in text(again.get_data(as_text=True))


def test_a_mark_this_site_did_not_write_is_422(trust):
    stack, day, amy, _ = trust
    answer = stack.client(amy).get(f"/days/{day['day_id']}?behind=../../etc")
    assert answer.status_code == 422
