"""Who may see a PD day: one rule for every page about it (frontend/pages/days.py). A draft
is the CPD manager's alone; to everyone else, however senior, it does not exist."""

from __future__ import annotations

import httpx
import pytest

from events.identity import ROLES, SCHOOL_SCOPED_ROLES, Identity
from readmodels.trustdays import queries
from tests.support.identity import signed, someone
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack
from tests.support.trustdays import day_fields, manager, session_fields
from tests.support.waiting import wait_until


@pytest.fixture
def draft(nats, nats_server, store, database_url, engine):
    """A draft day with one session, led by the headteacher of school A."""
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        head_id = enrol(
            engine,
            "head@ash.sch.uk",
            ("headteacher", "school-a"),
            name="Hana Head",
            log=(nats, store),
        )
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            planned = client.post(
                "/days", json=day_fields(title="Secret PD day"), headers=manager()
            )
            assert planned.status_code == 201, planned.text
            day_id = planned.json()["id"]
            day = client.get(f"/days/{day_id}", headers=manager()).json()
            slot_id = next(s for s in day["slots"] if s["kind"] == "breakout")["slot_id"]
            led = session_fields(leader={"person_id": head_id, "name": "Hana Head"})
            added = client.post(
                f"/days/{day_id}/slots/{slot_id}/sessions", json=led, headers=manager()
            )
            assert added.status_code == 201, added.text
        session_id = added.json()["id"]
        assert wait_until(lambda: queries.find_session(engine, day_id, session_id))
        head = someone(("headteacher", "school-a"), person_id=head_id, name="Hana Head")
        yield stack, head, day_id, session_id


def pages_of(day_id: str, session_id: str) -> list[str]:
    return [
        f"/days/{day_id}",
        f"/days/{day_id}/live",
        f"/days/{day_id}/overview",
        f"/days/{day_id}/not-booked.csv",
        f"/days/{day_id}/sessions/{session_id}/register",
        f"/days/{day_id}/sessions/{session_id}.ics",
    ]


def test_a_headteacher_gets_404_on_every_page_of_a_draft_day(draft):
    stack, head, day_id, session_id = draft
    browser = stack.client(head)
    for page in pages_of(day_id, session_id):
        answer = browser.get(page)
        assert answer.status_code == 404, page
        assert "Secret PD day" not in answer.get_data(as_text=True), page


def test_the_cpd_manager_sees_the_draft_days_pages(draft):
    stack, _, day_id, session_id = draft
    cpd_manager = stack.client(someone("cpd_manager", school_id=None, name="Priya Shah"))
    for page in pages_of(day_id, session_id)[:5]:  # the .ics is for someone with a place
        assert cpd_manager.get(page).status_code in (200, 204), page
    assert "Secret PD day" in cpd_manager.get(f"/days/{day_id}/overview").get_data(as_text=True)


def everyone(leader: Identity) -> dict[str, Identity]:
    """One person in each role (school-scoped ones for school A), and the session's leader."""
    people = {
        role: someone((role, "school-a") if role in SCHOOL_SCOPED_ROLES else role,
                      person_id=f"person-{role}")
        for role in ROLES
    }  # fmt: skip
    return {**people, "the session's leader": leader}


def test_for_every_role_the_pages_and_the_api_agree_on_who_sees_a_draft_day(draft):
    stack, head, day_id, _ = draft
    with httpx.Client(base_url=stack.services["trustdays"]) as api:
        for who, identity in everyone(head).items():
            page = stack.client(identity).get(f"/days/{day_id}").status_code
            answer = api.get(f"/days/{day_id}", headers=signed(identity)).status_code
            assert (page, answer) == ((200, 200) if who == "cpd_manager" else (404, 404)), who


def test_for_every_role_the_pages_and_the_api_agree_on_who_takes_a_register(draft):
    stack, head, day_id, session_id = draft
    with httpx.Client(base_url=stack.services["trustdays"]) as api:
        published = api.post(f"/days/{day_id}/publish", headers=manager())
        assert published.status_code == 200, published.text
        assert wait_until(lambda: queries.find_day(stack.engine, day_id).status == "published")
        slot_id = queries.find_session(stack.engine, day_id, session_id).slot_id
        register = f"/days/{day_id}/slots/{slot_id}/sessions/{session_id}/register"
        for who, identity in everyone(head).items():
            page = stack.client(identity).get(f"/days/{day_id}/sessions/{session_id}/register")
            answer = api.get(register, headers=signed(identity)).status_code
            takes_it = who in ("cpd_manager", "the session's leader")
            assert (page.status_code, answer) == ((200, 200) if takes_it else (403, 403)), who
