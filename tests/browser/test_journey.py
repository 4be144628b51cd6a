"""The PD day in a real browser (Debian's chromium through Playwright) against `staffroom up`:
a teacher books and cancels, a second teacher on the waitlist sees the seat become theirs
without reloading, the session leader takes the register, and the personal feed then lists
exactly the expected events. axe-core (from the npm registry) scans every page on the way;
screenshots of the main pages go to test-artifacts/screenshots for review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from services.trustdays import demo
from tests.support import browser as shared
from tests.support.browser import MANAGER, api_client, demo_trust, planned_day, signed_in_page
from tests.support.launch import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LONDON = ZoneInfo("Europe/London")


def a_day_today(manager: httpx.Client, leader: dict) -> dict:
    """A published PD day today with one breakout session of one seat, through the API."""
    now = datetime.now(LONDON)
    day_id, slots = planned_day(
        manager,
        date=now.date().isoformat(),
        title="Browser PD day",
        closes=now.replace(hour=23, minute=59).isoformat(),
    )
    slot_id = next(s["slot_id"] for s in slots if s["kind"] == "breakout")
    session = {
        "title": "Attendance: the first ten minutes",
        "description": "Greeting, routines and follow-up that bring pupils in.",
        "community": "pastoral",
        "leader": {"person_id": leader["person_id"], "name": leader["name"]},
        "room": "Library",
        "capacity": 1,
    }
    added = manager.post(f"/api/trustdays/days/{day_id}/slots/{slot_id}/sessions", json=session)
    assert added.status_code == 201, added.text
    assert manager.post(f"/api/trustdays/days/{day_id}/publish").status_code == 200
    return {"day_id": day_id, "session_id": added.json()["id"], "title": session["title"]}


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("browser")) as base:
        manager = api_client(base, MANAGER)
        schools = manager.get("/api/directory/schools").json()
        staff = manager.get("/api/directory/people", params={"school": schools[0]["school_id"]})
        teachers = [p for p in staff.json() if p["category"] == "teaching"][:3]
        day = a_day_today(manager, teachers[2])
        manager.close()
        yield {"base": base, "day": day, "teachers": teachers}


def person(browser: Browser, trust: dict, email: str, phone: bool = False) -> Page:
    return signed_in_page(browser, trust["base"], email, "phone" if phone else "desktop")


def accessible(page: Page, name: str) -> None:
    """As everywhere, with the screenshot kept for review only (test-artifacts)."""
    shared.accessible(page, name, SCREENSHOTS)


def test_book_wait_promote_register_and_the_feed(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    first, second, leader = teachers
    programme = f"/days/{day['day_id']}"
    card = f"#session-{day['session_id']}"

    amy = person(browser, trust, first["email"])
    accessible(amy, "home")
    amy.goto(programme)
    amy.click(f"{card} button:has-text('Book')")
    expect(amy.locator("#messages")).to_contain_text(f"You are booked on {day['title']}.")
    expect(amy.locator(card)).to_contain_text("Your choice: you are booked.")
    accessible(amy, "programme")
    amy.goto("/my-cpd")
    expect(amy.locator("#bookings-title + ul")).to_contain_text(day["title"])

    ben = person(browser, trust, second["email"], phone=True)
    ben.goto(programme)
    expect(ben.locator(card)).to_contain_text("Full")
    ben.click(f"{card} button:has-text('Join the waitlist')")
    expect(ben.locator(card)).to_contain_text("you are number 1")
    accessible(ben, "programme-phone-waitlist")

    amy.goto(programme)
    amy.click(f"{card} summary:has-text('Cancel my place')")  # cancelling asks once
    amy.click(f"{card} button:has-text('Yes, give up my seat')")
    expect(amy.locator("#messages")).to_contain_text("You have given up your place")
    # Ben's page was not reloaded: the live poll shows him the seat within 5 seconds.
    expect(ben.locator(card)).to_contain_text("Your choice: you are booked.", timeout=5000)

    lee = person(browser, trust, leader["email"], phone=True)
    lee.goto(f"{programme}/sessions/{day['session_id']}/register")
    line = lee.locator(f"#line-{second['person_id']}")
    expect(line).to_contain_text(second["name"])
    line.locator("button:has-text('Present')").click()
    expect(line.locator("button:has-text('Present')")).to_have_attribute("aria-pressed", "true")
    accessible(lee, "register-phone")

    ben.goto("/my-cpd")
    ben.click("#renew-feed")
    address = ben.locator("#feed-url").input_value()
    accessible(ben, "my-cpd")
    feed = icalendar.Calendar.from_ical(httpx.get(address).content)
    on_the_day = [e for e in feed.walk("VEVENT") if day["day_id"] in str(e["URL"])]
    listed = {(str(e["SUMMARY"]), str(e["STATUS"])) for e in on_the_day}
    assert listed == {(day["title"], "CONFIRMED"), ("Browser PD day: Keynote", "CONFIRMED")}

    priya = person(browser, trust, MANAGER)
    priya.goto(f"{programme}/overview")
    expect(priya.locator("h1")).to_contain_text("overview")
    accessible(priya, "overview")
    open_day = demo.days(date.today())["open"].day_id  # the demo trust's day, half booked
    priya.goto(f"/days/{open_day}/overview")
    expect(priya.locator("#schools-title")).to_be_visible()
    accessible(priya, "overview-demo-day")
    priya.goto(f"/days/{open_day}")
    accessible(priya, "programme-demo-day")
    priya.goto("/staff")
    accessible(priya, "staff")


def test_the_sign_in_page_is_accessible(trust, browser):
    page = browser.new_context(base_url=trust["base"], bypass_csp=True).new_page()
    page.goto("/sign-in")
    accessible(page, "sign-in")
    assert re.search("Sign in", page.title())


def test_a_failed_change_says_it_could_not_be_confirmed_and_keeps_its_key(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    page = person(browser, trust, teachers[0]["email"])
    page.goto(f"/days/{day['day_id']}")
    card = f"#session-{day['session_id']}"
    before = page.locator(card).inner_text()
    key = page.locator(f"{card} form input[name=key]").first.input_value()
    page.route("**/book", lambda route: route.fulfill(status=502, body="down"))
    page.locator(f"{card} form button").first.click()
    expect(page.locator("#messages")).to_contain_text("We could not confirm this")
    expect(page.locator("#messages")).not_to_contain_text("nothing was changed")
    said = page.locator(f"{card} .said")  # said at the card that was tapped, too
    expect(said).to_contain_text("We could not confirm this")
    assert page.locator(card).inner_text().replace(said.inner_text(), "").strip() == before.strip()
    assert page.locator(f"{card} form input[name=key]").first.input_value() == key
    page.route("**/book", lambda route: route.abort())
    page.locator(f"{card} form button").first.click()
    expect(page.locator("#messages")).to_contain_text("No answer from Staffroom")
    expect(page.locator("#messages")).to_contain_text("We could not confirm this")


def test_a_refusal_htmx_cannot_swap_shows_the_frontends_own_sentence(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    page = person(browser, trust, teachers[0]["email"])
    page.goto(f"/days/{day['day_id']}")
    card = f"#session-{day['session_id']}"
    said = '<p class="banner warning" role="alert">Only the CPD manager may do that.</p>'
    page.route(
        "**/book", lambda route: route.fulfill(status=403, body=said, content_type="text/html")
    )
    page.locator(f"{card} form button").first.click()
    expect(page.locator("#messages")).to_have_text("Only the CPD manager may do that.")
    page.route("**/book", lambda route: route.fulfill(status=403, body="<h1>Forbidden</h1>"))
    page.locator(f"{card} form button").first.click()
    expect(page.locator("#messages")).to_contain_text("reload the page and try again")


def press_enter_and_settle(page: Page) -> None:
    """Enter, then wait until htmx has settled the swap (a key pressed before it has
    would post the new form without htmx: a whole page, which works, but not this test)."""
    page.evaluate(
        "() => { window.settled = false; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.settled = true; }, {once: true}); }"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.settled")


def test_the_keyboard_alone_joins_and_leaves_a_waitlist_and_keeps_its_place(trust, browser):
    day, teachers = trust["day"], trust["teachers"]
    page = person(browser, trust, teachers[0]["email"])
    page.goto(f"/days/{day['day_id']}")
    button = f"#act-{day['session_id']}"
    page.focus(button)
    expect(page.locator(button)).to_have_text("Join the waitlist")
    press_enter_and_settle(page)
    expect(page.locator("#messages")).to_contain_text("you are on its waitlist")
    expect(page.locator(button)).to_have_text("Leave the waitlist")
    expect(page.locator(button)).to_be_focused()  # the swap kept the focus where it was
    press_enter_and_settle(page)
    expect(page.locator("#messages")).to_contain_text("You have left the waitlist")
    expect(page.locator(button)).to_be_focused()
    # Someone else gives up the seat: the live poll swaps the card in, the focus stays.
    holder = person(browser, trust, teachers[1]["email"])
    holder.goto(f"/days/{day['day_id']}")
    holder.click(f"#session-{day['session_id']} summary:has-text('Cancel my place')")
    holder.click(f"{button}:has-text('Yes, give up my seat')")
    expect(holder.locator("#messages")).to_contain_text("You have given up your place")
    expect(page.locator(button)).to_have_text("Book", timeout=5000)
    expect(page.locator(button)).to_be_focused()
