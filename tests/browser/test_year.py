"""The trust year in a real browser (Debian's chromium through Playwright, against `staffroom
up --demo`): the CPD manager reads the year's terms and every school's dates on a desktop; a
headteacher adds a closure to their school's dates on a phone and sees it listed. axe-core
finds nothing serious or critical; screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from services.trustyear.events import year_of
from tests.support.browser import (
    MANAGER,
    accessible,
    api_client,
    demo_trust,
    no_wider_than_the_screen,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ANSWERED_WITHIN = 15_000


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("year")) as base:
        manager = api_client(base, MANAGER)
        school = next(
            s for s in manager.get("/api/directory/schools").json() if s["urn"] == "143201"
        )
        people = manager.get("/api/directory/people", params={"school": school["school_id"]}).json()
        head = next(p for p in people if any(r["role"] == "headteacher" for r in p["roles"]))
        teacher = next(p for p in people if p["category"] == "teaching" and not p["posts"])
        manager.close()
        yield {"base": base, "school": school, "head": head["email"], "teacher": teacher}


def test_the_cpd_manager_reads_the_year_and_each_schools_dates(trust, browser: Browser):
    page = signed_in_page(browser, trust["base"], MANAGER)
    page.get_by_role("link", name="Term dates").click()
    year_id = year_of(date.today())
    expect(page.locator("h1")).to_have_text(f"The year {year_id}")
    expect(page.get_by_role("table", name=f"Terms of {year_id}")).to_contain_text("Summer 2")
    expect(page.get_by_role("link", name="Change the terms")).to_be_visible()
    expect(page.locator("#schools")).to_contain_text("Foxwood School")
    expect(page.locator("#schools")).to_contain_text("Its own terms")
    accessible(page, "year-desktop")


def next_school_day() -> date:
    day = date.today() + timedelta(days=10)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def test_a_headteacher_adds_a_closure_on_a_phone(trust, browser: Browser):
    page = signed_in_page(browser, trust["base"], trust["head"], "phone")
    year_id = year_of(date.today())
    page.goto(f"/year/{year_id}/schools/{trust['school']['school_id']}")
    expect(page.locator("h1")).to_contain_text("Ash Grove Primary")
    expect(page.locator("#dates")).to_contain_text("INSET day")
    day = next_school_day()
    page.select_option("#closure-kind", "closure")
    page.fill("#closure-starts", day.isoformat())
    page.fill("#closure-label", "Polling station")
    page.get_by_role("button", name="Add the date").click()
    expect(page.get_by_role("status").filter(has_text="Polling station is added.")).to_be_visible(
        timeout=ANSWERED_WITHIN
    )
    expect(page.locator("#dates")).to_contain_text("Polling station")
    no_wider_than_the_screen(page)
    accessible(page, "year-school-phone")


def test_a_headteacher_previews_and_saves_a_file_of_dates_on_a_phone(trust, browser: Browser):
    page = signed_in_page(browser, trust["base"], trust["head"], "phone")
    year_id = year_of(date.today())
    first = int(year_id[:4])
    page.goto(f"/year/{year_id}/schools/{trust['school']['school_id']}")
    rows = (
        "kind,starts,ends,label\n"
        f"closure,{weekday_in(first + 1, 3)},,Boiler service\n"
        f"party,{weekday_in(first + 1, 3)},,Not a kind\n"
    )
    page.set_input_files(
        "#import-file",
        files=[{"name": "dates.csv", "mimeType": "text/csv", "buffer": rows.encode()}],
    )
    page.get_by_role("button", name="Preview the dates").click()
    expect(page.get_by_role("alert")).to_contain_text("1 line of the file needs fixing")
    expect(page.locator(".bad-lines")).to_contain_text(
        "Line 3: kind must be holiday, inset or closure"
    )
    no_wider_than_the_screen(page)
    accessible(page, "year-import-phone")
    page.go_back()
    good = rows.rsplit("party", 1)[0]
    page.set_input_files(
        "#import-file",
        files=[{"name": "dates.csv", "mimeType": "text/csv", "buffer": good.encode()}],
    )
    page.get_by_role("button", name="Preview the dates").click()
    page.get_by_role("button", name="Save 1 date").click()
    expect(page.get_by_role("status").filter(has_text="1 date added from the file.")).to_be_visible(
        timeout=ANSWERED_WITHIN
    )
    expect(page.locator("#dates")).to_contain_text("Boiler service")


def weekday_in(year: int, month: int) -> str:
    day = date(year, month, 10)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day.isoformat()


def test_a_headteacher_gives_a_teacher_a_post_on_a_phone(trust, browser: Browser):
    page = signed_in_page(browser, trust["base"], trust["head"], "phone")
    teacher = trust["teacher"]
    page.goto(f"/people/{teacher['person_id']}")
    expect(page.locator("#posts")).to_contain_text("No posts.")
    page.select_option("#new-post", "pe_lead")
    page.get_by_role("button", name="Give the post").click()
    expect(page.locator("#posts li")).to_contain_text("PE lead", timeout=ANSWERED_WITHIN)
    expect(
        page.get_by_role("button", name=f"Take away PE lead from {teacher['name']}")
    ).to_be_visible()
    no_wider_than_the_screen(page)
    accessible(page, "people-posts-phone")
