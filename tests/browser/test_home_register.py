"""The home page, the operator's page and a register of 40 in a real browser (Debian's
chromium through Playwright) against `staffroom up --demo`, at phone (390 px) and desktop
width: a newcomer sees at once what is bookable, the trust admin sees the log's health, and
a session leader finds people by name as they type, marks everyone present in one tap, adds
a walk-in by name and sees the waitlist. axe-core finds nothing serious or critical; the
screenshots go to docs/screenshots for the note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from events.embedded import free_port
from tests.support.launch import ROOT, Output, csrf_token_in, start_up
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
LONDON = ZoneInfo("Europe/London")
MANAGER = "priya.shah@pennine-trust.org.uk"
TRUST_ADMIN = "tom.reid@pennine-trust.org.uk"
SEATS, BOOKED = 40, 43
"""A session of 40 seats, 43 placed: a full register and three waiting."""
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}


def signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=20)
    form = client.get("/sign-in").text
    client.post("/sign-in/as", data={"csrf_token": csrf_token_in(form), "email": email})
    client.headers["X-CSRF-Token"] = csrf_token_in(client.get("/").text)
    return client


def a_full_session_today(manager: httpx.Client, leader: dict, people: list[dict]) -> dict:
    """A published PD day today, one breakout session of 40 seats led by `leader`, everyone
    of `people` placed by the CPD manager (the last ones on its waitlist)."""
    now = datetime.now(LONDON)
    fields = {
        "date": now.date().isoformat(), "academic_year": "2026-27", "term": 2,
        "title": "Register PD day", "theme": "Attendance", "venue": "Calder Valley Academy",
        "opens": (now - timedelta(hours=1)).isoformat(),
        "closes": now.replace(hour=23, minute=59).isoformat(),
        "slots": [{"kind": "breakout", "title": "Breakout 1", "starts": "09:45", "ends": "11:00"}],
    }  # fmt: skip
    planned = manager.post("/api/trustdays/days", json=fields)
    assert planned.status_code == 201, planned.text
    day_id = planned.json()["id"]
    slot_id = manager.get(f"/api/trustdays/days/{day_id}").json()["slots"][0]["slot_id"]
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
    tmp = tmp_path_factory.mktemp("home-register")
    port = free_port()
    launcher = start_up(tmp, port, free_port(), "--demo", STAFFROOM_DEV="1")
    base = f"http://127.0.0.1:{port}"
    try:
        Output(launcher).wait_for(lambda line: line.startswith("Staffroom is up"), timeout=120)
        assert wait_until(lambda: "Priya Shah" in httpx.get(f"{base}/sign-in").text, every=0.5)
        manager = signed_in(base, MANAGER)
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
        manager.close()
        last_school = manager_people(base, schools[-1]["school_id"])
        yield {"base": base, "session": session, "leader": leader, "others": last_school}
    finally:
        launcher.terminate()
        launcher.wait(timeout=60)


def manager_people(base: str, school_id: str) -> list[dict]:
    manager = signed_in(base, MANAGER)
    try:
        return manager.get("/api/directory/people", params={"school": school_id}).json()
    finally:
        manager.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No chromium at {CHROMIUM}: install Debian's (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


def person(browser: Browser, base: str, email: str, width: str) -> Page:
    """A browser of one person, signed in with the development "sign in as"."""
    context = browser.new_context(base_url=base, viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.fill("#dev-email", email)
    page.click("form.inline-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")
    return page


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core finding; a screenshot for the note."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run()")
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert not serious, f"{name}: " + "; ".join(serious)


def a_newcomer(trust: dict) -> dict:
    """Someone of the last school with nothing booked (the demo books others)."""
    for someone in trust["others"]:
        client = signed_in(trust["base"], someone["email"])
        home = client.get("/").text
        client.close()
        if "You have nothing booked yet" in home:
            return someone
    raise AssertionError("Everyone of the last school has booked something")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_newcomer_sees_what_is_bookable_at_once(trust, browser, width):
    page = person(browser, trust["base"], a_newcomer(trust)["email"], width)
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
    page = person(browser, trust["base"], TRUST_ADMIN, width)
    page.get_by_role("link", name="Operator").click()
    expect(page.locator("#health")).to_contain_text("Reachable")
    expect(page.locator("#projections")).to_contain_text("trustdays")
    accessible(page, f"operator-{width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_register_of_forty_on_a_phone(trust, browser, width):
    session, leader = trust["session"], trust["leader"]
    page = person(browser, trust["base"], leader["email"], width)
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
