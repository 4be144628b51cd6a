"""The overview in a real browser (Debian's chromium through Playwright, against `staffroom up
--demo`): the CPD manager's overview of the demo's open day at phone and desktop width, its
figures changing on the open page without a reload, sorting, the printable register without
the menu on paper; a headteacher's view of their school with no link that answers
"Forbidden". axe-core finds nothing serious; screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from services.trustdays import demo
from tests.support.browser import (
    MANAGER,
    WIDTHS,
    accessible,
    api_client,
    chromium,
    demo_trust,
    no_wider_than_the_screen,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("overview")) as base:
        manager = api_client(base, MANAGER)
        school = manager.get("/api/directory/schools").json()[0]
        staff = manager.get("/api/directory/people", params={"school": school["school_id"]})
        manager.close()
        people = staff.json()
        head = next(p for p in people if p["job_title"] == "Headteacher")
        teacher = next(p for p in people if p["category"] == "teaching" and p is not head)
        day_id = demo.days(date.today())["open"].day_id
        yield {"base": base, "day_id": day_id, "school": school, "head": head, "teacher": teacher}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cpd_managers_overview_keeps_itself_up_to_date(trust, browser, width):
    priya = signed_in_page(browser, trust["base"], MANAGER, width)
    overview = f"/days/{trust['day_id']}/overview"
    priya.goto(overview)
    expect(priya.locator("h1")).to_contain_text("overview")
    expect(priya.locator("#figures")).to_contain_text("Booked")
    if width == "phone":
        no_wider_than_the_screen(priya)
    accessible(priya, f"overview-manager-{width}")

    # Someone says they come to lunch: the open page shows it without a reload.
    dietary = f"Browser {width}: no nuts"
    teacher = api_client(trust["base"], trust["teacher"]["email"])
    said = teacher.put(
        f"/api/trustdays/days/{trust['day_id']}/attendance",
        json={"attending": True, "dietary": dietary},
    )
    teacher.close()
    assert said.status_code == 200, said.text
    expect(priya.locator("#figures")).to_contain_text(dietary.lower(), timeout=10_000)
    assert priya.url.endswith(overview)  # the same page: no reload, no navigation

    priya.click("#sessions nav a:has-text('Most waiting first')")
    expect(priya.locator("#sessions th[aria-sort='descending']")).to_contain_text("Waiting")
    if width == "desktop":
        accessible(priya, "overview-sorted-desktop")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_printable_register_prints_names_and_a_column_to_sign(trust, browser, width):
    priya = signed_in_page(browser, trust["base"], MANAGER, width)
    priya.goto(f"/days/{trust['day_id']}/overview")
    priya.locator("#sessions a:has-text('Print')").first.click()
    expect(priya.locator("h1")).to_contain_text("Register:")
    expect(priya.locator(".sign-sheet thead")).to_contain_text("Signature")
    accessible(priya, f"overview-register-print-{width}")
    priya.emulate_media(media="print")
    expect(priya.locator(".site-header")).to_be_hidden()
    expect(priya.locator(".sign-sheet")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_headteacher_sees_their_school_and_no_link_is_forbidden(trust, browser, width):
    head = signed_in_page(browser, trust["base"], trust["head"]["email"], width)
    head.goto(f"/days/{trust['day_id']}/overview")
    expect(head.locator("#school-title")).to_contain_text(trust["school"]["name"])
    expect(head.locator("#school-view tbody tr").first).to_be_visible()
    if width == "phone":
        no_wider_than_the_screen(head)
    accessible(head, f"overview-school-{width}")
    links = head.eval_on_selector_all(
        "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    for link in {link.split("#")[0] for link in links} - {""}:
        answer = head.request.get(link)
        assert answer.status != 403, f"{link} answers Forbidden to a headteacher"
