"""Planning a PD day in a real browser (Debian's chromium through Playwright) against
`staffroom up`, from the pages alone: the CPD manager plans a day with two breakout slots
and four sessions (one leader found in the directory as she types), publishes it, and a
teacher books a session on it. axe-core scans every planning page at phone and desktop
width; their screenshots go to docs/screenshots/plan-<page>-<phone|desktop>.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    MANAGER,
    accessible,
    api_client,
    demo_trust,
    settled,
    signed_in_page,
    typed,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("planning")) as base:
        yield {"base": base, "teachers": teachers(base)}


def teachers(base: str) -> list[dict]:
    """Two teachers of the demo trust's first school (read as the manager, through the API)."""
    client = api_client(base, MANAGER)
    schools = client.get("/api/directory/schools").json()
    staff = client.get("/api/directory/people", params={"school": schools[0]["school_id"]})
    client.close()
    return [p for p in staff.json() if p["category"] == "teaching"][:2]


def person(browser: Browser, trust: dict, email: str, width: str) -> Page:
    return signed_in_page(browser, trust["base"], email, width)


def at_both_widths(desktop: Page, phone: Page, name: str) -> None:
    """Scan the desktop page as it is, and the same address on a phone."""
    accessible(desktop, f"plan-{name}-desktop")
    phone.goto(desktop.url)
    accessible(phone, f"plan-{name}-phone")


def add_session(page: Page, slot: str, title: str, leader: str = "", external: str = "") -> None:
    """From the day page: the slot's "Add a session", the form, back to the day."""
    page.locator(f"section.plan-slot:has(h3:has-text('{slot}'))").get_by_role(
        "link", name="Add a session"
    ).click()
    expect(page.locator("h1")).to_have_text("A new session")
    page.fill("#session-title", title)
    page.fill("#session-description", f"{title}: practical strategies for the classroom.")
    page.select_option("#session-community", "primary_english")
    if leader:
        typed(page, "#session-leader_q", leader, delay=30)
        match = page.locator("#leader-matches label", has_text=leader).first
        match.locator("input").check()
    else:
        page.check("input[name=leader_kind][value=external]")
        page.fill("#session-leader_name", external)
    page.fill("#session-room", f"Room {len(title)}")
    page.fill("#session-capacity", "1")
    page.click("button:has-text('Add the session')")
    expect(page.locator("h1")).not_to_have_text("A new session")
    expect(page.locator("#timetable")).to_contain_text(title)


def test_the_manager_plans_and_publishes_a_day_and_a_teacher_books_it(trust, browser):
    leader, booker = trust["teachers"]
    priya = person(browser, trust, MANAGER, "desktop")
    phone = person(browser, trust, MANAGER, "phone")
    priya.goto("/plan")
    at_both_widths(priya, phone, "days")

    the_day = date.today() + timedelta(days=10)
    priya.fill("#new-day-date", the_day.isoformat())
    priya.fill("#new-day-title", "Planned in the browser")
    priya.fill("#new-day-theme", "Reading for pleasure")
    priya.fill("#new-day-venue", "Calder Valley Academy")
    priya.fill("#new-day-keynote_speaker", "Dr Jo Reed")
    priya.click("button:has-text('Plan the day')")
    expect(priya.locator("h1")).to_contain_text("Planned in the browser")
    plan_url = priya.url
    expect(priya.locator("#publish")).to_contain_text("Without sessions: Breakout 1, Breakout 2.")

    add_session(priya, "Breakout 1", "Phonics that sticks", leader=leader["name"])
    add_session(priya, "Breakout 1", "Story time", external="Sam Story")
    add_session(priya, "Breakout 2", "Fluency in five", external="Kit Reader")
    add_session(priya, "Breakout 2", "Poetry aloud", external="Lou Verse")
    at_both_widths(priya, phone, "day")

    slot = priya.locator("section.plan-slot:has(h3:has-text('Breakout 2'))")
    slot.get_by_role("link", name="Add a session").click()
    at_both_widths(priya, phone, "session")
    priya.goto(plan_url)
    priya.locator("section.plan-slot:has(h3:has-text('Breakout 2'))").get_by_role(
        "link", name="Copy a session from another day"
    ).click()
    expect(priya.locator("h1")).to_contain_text("Copy a session into Breakout 2")
    settled(priya)
    priya.select_option("#from-day", index=1)
    # The sessions come by htmx when the day is chosen: seconds on a loaded test machine.
    expect(priya.locator("#copy-sessions")).to_contain_text("Copy", timeout=15_000)
    at_both_widths(priya, phone, "copy-session")
    priya.goto(plan_url)
    slot = priya.locator("section.plan-slot:has(h3:has-text('Breakout 2'))")
    slot.get_by_role("link", name="Remove").click()
    expect(priya.locator("h1")).to_contain_text("Remove Breakout 2?")
    at_both_widths(priya, phone, "remove-slot")
    priya.get_by_role("link", name="Keep it").click()
    priya.get_by_role("link", name="Copy this day to a new day").click()
    at_both_widths(priya, phone, "copy-day")
    priya.goto(plan_url)

    expect(priya.locator("#publish")).to_contain_text("Every breakout slot has a session.")
    priya.click("button:has-text('Publish the day')")
    expect(priya.locator("#messages")).to_contain_text("Published: staff see the day")
    expect(priya.locator("#publish h2")).to_have_text("Published")
    expect(priya.locator("h1")).to_contain_text("Published")
    day_url = priya.get_by_role("link", name="See the programme").get_attribute("href")
    assert day_url

    teacher = person(browser, trust, booker["email"], "phone")
    teacher.goto(day_url)
    card = teacher.locator("li.session", has_text="Fluency in five")
    card.get_by_role("button", name="Book").click()
    expect(teacher.locator("#messages")).to_contain_text("You are booked on Fluency in five.")
    expect(card).to_contain_text("Your choice: you are booked.")
