"""Find anyone, in a real browser (Debian's chromium through Playwright, against `staffroom
up --demo`): the CPD manager searches as they type, opens a person's page and books, moves,
cancels (asked once) and exempts for them, each answer shown at the row they used and
announced; a headteacher finds their own school's people on a phone. axe-core finds nothing
serious or critical at phone or desktop width; screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    MANAGER,
    WIDTHS,
    accessible,
    api_client,
    demo_trust,
    no_wider_than_the_screen,
    planned_day,
    settled,
    signed_in_page,
    typed,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONDON = ZoneInfo("Europe/London")
ANSWERED_WITHIN = 15_000
"""Milliseconds for an action's answer (a loaded test machine takes a few seconds)."""


def a_day_in_a_week(manager: httpx.Client) -> dict:
    """A published PD day, booking open, one breakout of three sessions (one of one seat)."""
    now = datetime.now(LONDON)
    day_id, slots = planned_day(
        manager,
        date=(now + timedelta(days=7)).date().isoformat(),
        title="People PD day",
        closes=(now + timedelta(days=6)).isoformat(),
    )
    slot_id = next(s["slot_id"] for s in slots if s["kind"] == "breakout")
    sessions = []
    for title, capacity in (("Reading for pleasure", 25), ("Oracy", 25), ("Tiny room", 1)):
        session = {
            "title": title,
            "description": "Practical strategies.",
            "community": "whole_staff",
            "leader": {"person_id": None, "name": "Lee Leader"},
            "room": "Library",
            "capacity": capacity,
        }
        path = f"/api/trustdays/days/{day_id}/slots/{slot_id}/sessions"
        added = manager.post(path, json=session)
        assert added.status_code == 201, added.text
        sessions.append(added.json()["id"])
    assert manager.post(f"/api/trustdays/days/{day_id}/publish").status_code == 200
    return {"day_id": day_id, "slot_id": slot_id, "sessions": sessions}


def holds(person: dict, role: str) -> bool:
    return any(grant["role"] == role for grant in person.get("roles", []))


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("people")) as base:
        manager = api_client(base, MANAGER)
        school = manager.get("/api/directory/schools").json()[0]
        staff = manager.get("/api/directory/people", params={"school": school["school_id"]})
        everyone = [p for p in staff.json() if p["status"] == "active"]
        head = next(p for p in everyone if holds(p, "headteacher"))
        teacher = next(p for p in everyone if p["category"] == "teaching" and not p["roles"])
        day = a_day_in_a_week(manager)
        manager.close()
        yield {"base": base, "day": day, "head": head, "teacher": teacher, "school": school}


def person(browser: Browser, trust: dict, email: str, width: str) -> Page:
    return signed_in_page(browser, trust["base"], email, width)


def test_the_cpd_manager_finds_someone_and_books_moves_cancels_and_exempts(trust, browser):
    teacher, day = trust["teacher"], trust["day"]
    reading, oracy, _ = day["sessions"]
    priya = person(browser, trust, MANAGER, "desktop")
    priya.goto("/people")
    expect(priya.locator("h1")).to_have_text("People")
    typed(priya, "#people-q", teacher["name"])  # as you type
    expect(priya.locator("#people-count")).to_contain_text("match", timeout=ANSWERED_WITHIN)
    link = priya.locator("#people-results a", has_text=teacher["name"])
    expect(link.first).to_be_visible()
    assert "q=" in priya.url  # the search is in the address: a link to share
    accessible(priya, "people-search-desktop")

    link.first.click()
    expect(priya.locator("h1")).to_have_text(teacher["name"])
    row = f"#day-{day['day_id']} #slot-{day['slot_id']}"
    priya.select_option(f"{row} select[name=session_id]", reading)
    priya.click(f"{row} button:has-text('Book')")
    expect(priya.locator(f"{row} .said")).to_contain_text(
        f"{teacher['name']} is booked on Reading for pleasure.", timeout=ANSWERED_WITHIN
    )
    expect(priya.locator("#messages")).to_contain_text(
        "is booked on Reading for pleasure.", timeout=ANSWERED_WITHIN
    )
    expect(priya.locator(row)).to_contain_text("Booked", timeout=ANSWERED_WITHIN)

    priya.select_option(f"{row} select[name=session_id]", oracy)
    priya.click(f"{row} button:has-text('Move')")
    expect(priya.locator(f"{row} .said")).to_contain_text(
        "has moved to Oracy.", timeout=ANSWERED_WITHIN
    )
    accessible(priya, "people-person-desktop")

    priya.once("dialog", lambda dialog: dialog.accept())  # cancelling asks once
    priya.click(f"{row} button:has-text('Cancel seat')")
    expect(priya.locator(f"{row} .said")).to_contain_text(
        "seat in Oracy is cancelled.", timeout=ANSWERED_WITHIN
    )
    expect(priya.locator(f"{row} .said")).to_be_focused()  # the button pressed has gone

    exemption = f"#day-{day['day_id']} .person-exemption"
    priya.click(f"{exemption} summary")
    priya.fill(f"{exemption} input[name=reason]", "Part-time: not in on this day")
    priya.click(f"{exemption} button:has-text('Mark exempt')")
    expect(priya.locator(exemption)).to_contain_text(
        "Not expected to book", timeout=ANSWERED_WITHIN
    )
    expect(priya.locator(f"{exemption} .said")).to_contain_text(
        "is not expected to book", timeout=ANSWERED_WITHIN
    )


def test_a_result_pressed_as_the_search_answers_again_still_opens(trust, browser):
    """The answer to the last thing typed redraws the list while a person presses a result:
    the morph swap keeps the element they pressed, so their click opens it (a plain swap
    replaced it under the pointer, and the click was lost)."""
    teacher = trust["teacher"]
    priya = person(browser, trust, MANAGER, "desktop")
    priya.goto(f"/people?{urlencode({'q': teacher['name']})}")
    box = priya.locator(f"#found-{teacher['person_id']} a").bounding_box()
    assert box is not None
    priya.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    priya.mouse.down()
    with priya.expect_response(lambda answer: "/people?" in answer.url):
        priya.evaluate("() => htmx.trigger('form.people-search', 'change')")
    settled(priya)
    expect(priya.locator("#people-count > *")).to_have_count(0)  # out of band: its text only
    priya.mouse.up()
    expect(priya.locator("h1")).to_have_text(teacher["name"], timeout=ANSWERED_WITHIN)


def test_on_a_phone_the_person_page_and_a_headteachers_search_fit_and_pass_axe(trust, browser):
    teacher, head = trust["teacher"], trust["head"]
    priya = person(browser, trust, MANAGER, "phone")
    priya.goto(f"/people/{teacher['person_id']}")
    expect(priya.locator("h1")).to_have_text(teacher["name"])
    no_wider_than_the_screen(priya)
    accessible(priya, "people-person-phone")

    hale = person(browser, trust, head["email"], "phone")
    hale.goto("/people")
    expect(hale.locator("#people-count")).to_contain_text("match")
    expect(hale.locator("#people-results")).to_contain_text(trust["school"]["name"])
    no_wider_than_the_screen(hale)
    accessible(hale, "people-search-phone")
    hale.goto(f"/people/{teacher['person_id']}")
    expect(hale.locator("h1")).to_have_text(teacher["name"])
    expect(hale.locator("button:has-text('Book')")).to_have_count(0)  # no manager buttons
    accessible(hale, "people-person-headteacher-phone")

    priya.set_viewport_size(WIDTHS["desktop"])
    priya.goto("/people")
    accessible(priya, "people-search-all-desktop")


def test_back_from_a_person_finds_the_search_as_it_was_typed_and_chosen(trust, browser):
    """htmx's history keeps the page's HTML: what was typed and chosen is written into it
    before it is kept (app.js), so back from a person shows the filters of the results."""
    teacher, school = trust["teacher"], trust["school"]
    priya = person(browser, trust, MANAGER, "desktop")
    priya.goto("/people")
    settled(priya)
    with priya.expect_response(lambda answer: "/people?" in answer.url):
        priya.select_option("#people-school", school["school_id"])
    settled(priya)
    typed(priya, "#people-q", teacher["name"])
    priya.click(f"#found-{teacher['person_id']} a")
    expect(priya.locator("h1")).to_have_text(teacher["name"], timeout=ANSWERED_WITHIN)
    priya.go_back()
    expect(priya.locator(f"#found-{teacher['person_id']}")).to_be_visible()
    expect(priya.locator("#people-q")).to_have_value(teacher["name"])
    expect(priya.locator("#people-school")).to_have_value(school["school_id"])


def test_leaving_the_search_box_does_not_search_again(trust, browser):
    """The box searched as it was typed in: its change on leaving it is not a second search
    (which redrew the results under a person reaching for one)."""
    teacher = trust["teacher"]
    priya = person(browser, trust, MANAGER, "desktop")
    priya.goto("/people")
    settled(priya)
    typed(priya, "#people-q", teacher["name"])
    asked: list[str] = []
    priya.on(
        "request", lambda request: asked.append(request.url) if "/people?" in request.url else None
    )
    priya.keyboard.press("Tab")  # to the next filter: the box's change fires
    priya.wait_for_timeout(1500)
    assert asked == []
    with priya.expect_response(lambda answer: "/people?" in answer.url):
        priya.select_option("#people-role", index=1)  # a select still searches on change
