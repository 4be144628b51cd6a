"""The home page, the operator's page and a register of 40 in a real browser (Debian's
chromium through Playwright) against `staffroom up --demo`, at phone (390 px) and desktop
width: a newcomer sees at once what is bookable, the trust admin sees the log's health, and
a session leader finds people by name as they type, marks everyone present in one tap, adds
a walk-in by name and sees the waitlist. axe-core finds nothing serious or critical; the
screenshots go to docs/screenshots for the note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    MANAGER,
    WIDTHS,
    accessible,
    api_client,
    demo_trust,
    planned_day,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONDON = ZoneInfo("Europe/London")
TRUST_ADMIN = "tom.reid@pennine-trust.org.uk"
SEATS, BOOKED = 40, 43
"""A session of 40 seats, 43 placed: a full register and three waiting."""


def a_full_session_today(manager: httpx.Client, leader: dict, people: list[dict]) -> dict:
    """A published PD day today, one breakout session of 40 seats led by `leader`, everyone
    of `people` placed by the CPD manager (the last ones on its waitlist)."""
    now = datetime.now(LONDON)
    day_id, slots = planned_day(
        manager,
        date=now.date().isoformat(),
        title="Register PD day",
        closes=now.replace(hour=23, minute=59).isoformat(),
        slots=[{"kind": "breakout", "title": "Breakout 1", "starts": "09:45", "ends": "11:00"}],
    )
    slot_id = slots[0]["slot_id"]
    session = {
        "title": "Behaviour for learning", "description": "Routines that hold.",
        "community": "pastoral", "room": "Hall", "capacity": SEATS,
        "leader": {"person_id": leader["person_id"], "name": leader["name"]},
    }  # fmt: skip
    sessions = f"/api/trustdays/days/{day_id}/slots/{slot_id}/sessions"
    added = manager.post(sessions, json=session)
    assert added.status_code == 201, added.text
    session_id = added.json()["id"]
    assert manager.post(f"/api/trustdays/days/{day_id}/publish").status_code == 200
    for person in people:
        placed = manager.post(
            f"{sessions}/{session_id}/placements", json={"person_id": person["person_id"]}
        )
        assert placed.status_code == 201, placed.text
    return {"day_id": day_id, "session_id": session_id}


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("home-register")) as base:
        manager = api_client(base, MANAGER)
        schools = manager.get("/api/directory/schools").json()
        staff = [
            person
            for school in schools[:3]
            for person in manager.get(
                "/api/directory/people", params={"school": school["school_id"]}
            ).json()
        ]
        leader = next(p for p in staff if p["category"] == "teaching")
        others = [p for p in staff if p["person_id"] != leader["person_id"]]
        session = a_full_session_today(manager, leader, others[:BOOKED])
        last_school = manager.get(
            "/api/directory/people", params={"school": schools[-1]["school_id"]}
        ).json()
        manager.close()
        yield {"base": base, "session": session, "leader": leader, "others": last_school}


def a_newcomer(trust: dict) -> dict:
    """Someone of the last school with nothing booked (the demo books others)."""
    for someone in trust["others"]:
        client = api_client(trust["base"], someone["email"])
        home = client.get("/").text
        client.close()
        if "You have nothing booked yet" in home:
            return someone
    raise AssertionError("Everyone of the last school has booked something")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_newcomer_sees_what_is_bookable_at_once(trust, browser, width):
    page = signed_in_page(browser, trust["base"], a_newcomer(trust)["email"], width)
    open_now = page.locator("#open-to-book")
    expect(open_now).to_contain_text("still to book")
    book = open_now.get_by_role("link", name="Book").first
    expect(book).to_be_visible()
    box = book.bounding_box()
    assert box and box["y"] < WIDTHS[width]["height"] * 1.5  # near the top: no hunting
    expect(page.locator("#past")).to_contain_text("Past")
    expect(page.locator("#health")).to_have_count(0)
    accessible(page, f"home-{width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_trust_admin_sees_the_log_on_the_operator_page(trust, browser, width):
    page = signed_in_page(browser, trust["base"], TRUST_ADMIN, width)
    page.get_by_role("link", name="Operator").click()
    expect(page.locator("#health")).to_contain_text("Reachable")
    expect(page.locator("#projections")).to_contain_text("trustdays")
    accessible(page, f"operator-{width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_register_of_forty_on_a_phone(trust, browser, width):
    session, leader = trust["session"], trust["leader"]
    page = signed_in_page(browser, trust["base"], leader["email"], width)
    page.goto(f"/days/{session['day_id']}/sessions/{session['session_id']}/register")
    on_register = SEATS if width == "phone" else SEATS + 1  # the phone added a walk-in
    expect(page.locator("#register-count")).to_contain_text(f"{on_register} on the register")
    expect(page.locator("#waitlist-title")).to_contain_text(f"({BOOKED - SEATS})")
    first = page.locator(".register-line .who strong").first.inner_text()
    page.fill("#register-q", first)  # filters as you type, without a reload
    expect(page.locator("#register-lines > li")).to_have_count(1)
    page.fill("#register-q", "")
    expect(page.locator("#register-lines > li")).to_have_count(on_register)
    if width == "phone":  # the register is taken once; the desktop shot shows it taken
        page.click("#all-present")
        expect(page.locator("#register-said")).to_contain_text(f"Marked {SEATS} present")
        expect(page.locator("#register-count")).to_contain_text(f"{SEATS} marked")
        page.fill("#walk-in-who", "Helen Mar")
        choice = page.locator("#walk-in-results form", has_text="Helen Marsh")
        choice.get_by_role("button").click()
        expect(page.locator("#register-said")).to_contain_text(
            "Helen Marsh added as a walk-in, marked present."
        )
    else:
        expect(page.locator("#register-lines")).to_contain_text("Helen Marsh")
    accessible(page, f"register-{width}")
