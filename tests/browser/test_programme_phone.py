"""The programme on a phone (Debian's chromium through Playwright, against `staffroom up`):
a day of 60 sessions is not a 13,000-pixel scroll, a slot is a tap away, a tap's outcome
shows at the card that was tapped and is announced, and axe-core finds nothing serious at
phone or desktop width. Screenshots go to docs/screenshots for the issue's note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import (
    MANAGER,
    SCREENSHOTS,
    WIDTHS,
    accessible,
    api_client,
    demo_trust,
    no_wider_than_the_screen,
    planned_day,
    signed_in_page,
)
from tests.support.launch import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONDON = ZoneInfo("Europe/London")
PHONE = WIDTHS["phone"]
FULL_PAGES = ROOT / "test-artifacts" / "screenshots"
"""Whole pages, as axe saw them (the docs keep what a person sees first)."""
SLOTS, PER_SLOT = 4, 15
MAX_PHONE_HEIGHT = 8000
"""Pixels of the whole page at 390px with 60 sessions: 16,521 before compact cards, 7,696 after."""
COMMUNITIES = ("primary_maths", "secondary_science", "send", "pastoral", "whole_staff")
DESCRIPTION = (
    "A practical session with examples from our own classrooms: what to try on Monday, "
    "what to look for in pupils' work, and how to share it with your team afterwards."
)


def a_big_day(manager: httpx.Client, leader: dict) -> dict:
    """A published PD day in a week with a keynote and 4 slots of 15 sessions (60), one
    of them full with one seat, one led by `leader`, through the API."""
    now = datetime.now(LONDON)
    keynote = {"kind": "keynote", "title": "Belonging", "speaker": "Dr Ada Okonkwo"}
    slots = [{**keynote, "starts": "08:45", "ends": "09:30"}]
    slots += [
        {"kind": "breakout", "title": f"Breakout {n}", "starts": f"1{n}:00", "ends": f"1{n}:45"}
        for n in range(SLOTS)
    ]
    day_id, timetable = planned_day(
        manager,
        date=(now + timedelta(days=7)).date().isoformat(),
        title="Sixty sessions day",
        closes=(now + timedelta(days=6)).isoformat(),
        slots=slots,
    )
    breakouts = [s["slot_id"] for s in timetable if s["kind"] == "breakout"]
    sessions: dict[str, str] = {}
    for n, slot_id in enumerate(breakouts):
        for k in range(PER_SLOT):
            title = f"Session {n + 1}.{k + 1:02d}: adaptive teaching in practice"
            led = leader if (n, k) == (1, 0) else {"person_id": None, "name": "Lee Leader"}
            session = {
                "title": title,
                "description": DESCRIPTION,
                "community": COMMUNITIES[k % len(COMMUNITIES)],
                "leader": {"person_id": led["person_id"], "name": led["name"]},
                "room": f"Room {k + 1}",
                "capacity": 1 if k == 0 else 25,
            }
            path = f"/api/trustdays/days/{day_id}/slots/{slot_id}/sessions"
            added = manager.post(path, json=session)
            assert added.status_code == 201, added.text
            sessions[f"{n}.{k}"] = added.json()["id"]
    assert manager.post(f"/api/trustdays/days/{day_id}/publish").status_code == 200
    return {"day_id": day_id, "slots": breakouts, "sessions": sessions}


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("phone")) as base:
        manager = api_client(base, MANAGER)
        schools = manager.get("/api/directory/schools").json()
        staff = manager.get("/api/directory/people", params={"school": schools[0]["school_id"]})
        teachers = [p for p in staff.json() if p["category"] == "teaching"][:3]
        day = a_big_day(manager, teachers[2])
        manager.close()
        yield {"base": base, "day": day, "teachers": teachers}


def person(browser: Browser, trust: dict, email: str, width: str = "phone") -> Page:
    return signed_in_page(browser, trust["base"], email, width)


def page_height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def seen(page: Page, name: str) -> None:
    """axe-core finds nothing serious (the whole page kept in test-artifacts); what the
    person sees now goes to docs/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    accessible(page, name, FULL_PAGES)


def api(trust: dict, teacher: dict) -> httpx.Client:
    return api_client(trust["base"], teacher["email"])


def places(trust: dict, slot: int, key: str) -> str:
    day = trust["day"]
    slot_path = f"/api/trustdays/days/{day['day_id']}/slots/{day['slots'][slot]}"
    return f"{slot_path}/sessions/{day['sessions'][key]}/places"


def card(trust: dict, key: str) -> str:
    return f"#session-{trust['day']['sessions'][key]}"


def test_sixty_sessions_on_a_phone_are_a_short_scroll_and_a_slot_is_a_tap_away(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    amy = person(browser, trust, teachers[0]["email"])
    amy.goto(f"/days/{day['day_id']}")
    height = page_height(amy)
    print(f"programme page height at 390px with 60 sessions: {height}px")
    assert height <= MAX_PHONE_HEIGHT
    no_wider_than_the_screen(amy)

    third = f"#slot-{day['slots'][2]}"
    amy.click(f".slot-nav a[href='{third}']")
    nav = amy.locator(".slot-nav").bounding_box()
    heading = amy.locator(f"{third} h2").bounding_box()
    assert nav and heading and nav["y"] == 0  # the slot nav stays at the top
    assert nav["height"] <= heading["y"] < PHONE["height"] / 2  # the slot, not under the nav
    expect(amy.locator(".slot.keynote")).to_contain_text("Dr Ada Okonkwo")

    amy.fill("#filter-q", "07")
    expect(amy.locator("#shown-count")).to_have_text("Showing 4 of 60 sessions.")
    assert "q=07" in amy.url  # the search is in the address, as without JavaScript
    amy.click("#filter-hide-full")
    expect(amy.locator("#shown-count")).to_have_text("Showing 4 of 60 sessions.")
    amy.fill("#filter-q", "")
    expect(amy.locator("#shown-count")).to_have_text("Showing 60 of 60 sessions.")


def test_a_tap_is_answered_at_the_card_and_announced(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    amy = person(browser, trust, teachers[0]["email"])
    amy.goto(f"/days/{day['day_id']}")
    other_slot = f"slot-{day['slots'][3]}"
    amy.evaluate(f"window.untouched = document.getElementById('{other_slot}')")
    tapped = card(trust, "0.3")
    amy.locator(f"{tapped} button:has-text('Book')").click()
    said = amy.locator(f"{tapped} .said")
    expect(said).to_contain_text("You are booked on Session 1.04")
    expect(said).to_be_in_viewport()
    expect(amy.locator("#messages")).to_have_attribute("aria-live", "polite")
    expect(amy.locator("#messages")).to_contain_text("You are booked on Session 1.04")
    expect(amy.locator("#my-choices")).to_contain_text("Session 1.04")
    expect(amy.locator(card(trust, "0.5"))).to_contain_text("Move here")  # out of band
    assert amy.evaluate("window.untouched.isConnected")  # the rest of the page stayed
    seen(amy, "programme-phone")

    # Cancelling asks once.
    amy.locator(f"{tapped} summary:has-text('Cancel my place')").click()
    amy.locator(f"{tapped} button:has-text('Yes, give up my seat')").click()
    expect(said).to_contain_text("You have given up your place in Session 1.04")
    expect(amy.locator(f"{tapped} button:has-text('Book')")).to_be_focused()


def test_a_refusal_shows_at_the_card_and_a_freed_seat_is_announced(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    ben = api(trust, teachers[1])
    amy = person(browser, trust, teachers[0]["email"])
    amy.goto(f"/days/{day['day_id']}")
    # A full session with one seat: Amy waits, first in line; Ben gives his seat up.
    assert ben.post(places(trust, 0, "0.0"), json={}).status_code == 201
    amy.reload()
    full = card(trust, "0.0")
    amy.locator(f"{full} button:has-text('Join the waitlist')").click()
    expect(amy.locator(f"{full} .said")).to_contain_text("If a seat comes free, it is yours")
    ben_id = teachers[1]["person_id"]
    assert ben.delete(f"{places(trust, 0, '0.0')}/{ben_id}").status_code == 200
    expect(amy.locator("#messages")).to_contain_text(
        "A seat came free in Session 1.01", timeout=6000
    )
    expect(amy.locator(f"{full} .said")).to_contain_text("it is yours. You are booked.")
    expect(amy.locator(full)).not_to_contain_text("on its waitlist")
    expect(amy.locator(full)).to_contain_text("Your choice: you are booked.")

    # A page that has not yet seen Ben take the last seat: moving there is refused, at the card.
    amy.locator(f"{card(trust, '2.1')} button:has-text('Book')").click()
    expect(amy.locator(f"{card(trust, '2.1')} .said")).to_contain_text("You are booked")
    amy.route("**/live?*", lambda route: route.abort())
    assert ben.post(places(trust, 2, "2.0"), json={}).status_code == 201
    amy.locator(f"{card(trust, '2.0')} button:has-text('Move here')").click()
    refused = amy.locator(f"{card(trust, '2.0')} .said.said-warning")
    expect(refused).to_contain_text("is full: join its waitlist instead")
    expect(amy.locator("#messages")).to_contain_text("is full: join its waitlist instead")
    ben.close()


def test_a_cancel_being_confirmed_stays_open_when_another_booking_redraws_its_slot(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    amy = person(browser, trust, teachers[0]["email"])
    amy.goto(f"/days/{day['day_id']}")
    mine = card(trust, "1.4")
    amy.locator(f"{mine} button:has-text('Book')").click()
    expect(amy.locator(f"{mine} .said")).to_contain_text("You are booked")
    amy.locator(f"{mine} summary:has-text('Cancel my place')").click()
    amy.evaluate(f"window.before = document.querySelector('{mine}')")

    ben = api(trust, teachers[1])
    assert ben.post(places(trust, 1, "1.5"), json={}).status_code == 201  # the same slot
    ben.close()
    amy.wait_for_function("() => !window.before.isConnected", timeout=10_000)  # redrawn
    expect(amy.locator(f"{mine} details.confirm")).to_have_attribute("open", "")
    amy.locator(f"{mine} button:has-text('Yes, give up my seat')").click()
    expect(amy.locator(f"{mine} .said")).to_contain_text("You have given up your place")


def test_a_leader_is_not_offered_book_in_their_slot_and_the_desktop_is_accessible(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    lee = person(browser, trust, teachers[2]["email"], "desktop")
    lee.goto(f"/days/{day['day_id']}")
    led_slot = f"#slot-{day['slots'][1]}"
    expect(lee.locator(led_slot)).to_contain_text("You lead Session 2.01")
    expect(lee.locator(f"{led_slot} button")).to_have_count(0)
    expect(lee.locator(card(trust, "1.0"))).to_contain_text("You lead this session.")
    lee.click(f".slot-nav a[href='{led_slot}']")
    seen(lee, "programme-desktop")


def test_my_calendar_address_is_copied_with_one_tap(trust, browser):
    amy = person(browser, trust, trust["teachers"][0]["email"])
    amy.context.grant_permissions(["clipboard-read", "clipboard-write"])
    amy.goto("/my-cpd")
    amy.click("#renew-feed")
    copy = amy.locator("button[data-copy='feed-url']")
    expect(copy).to_be_visible()  # app.js offers it; without JavaScript it stays hidden
    copy.click()
    expect(amy.locator("#feed-url-copied")).to_have_text("Copied: paste it into your calendar app.")
    address = amy.locator("#feed-url").input_value()
    assert address.startswith("http") and amy.evaluate("navigator.clipboard.readText()") == address
    expect(amy.locator("a:has-text('Open the webcal address')").first).to_have_attribute(
        "href", "webcal://" + address.split("://", 1)[1]
    )
    accessible(amy, "my-cpd-calendar-phone", FULL_PAGES)
