"""The overview in a real browser (Debian's chromium through Playwright, against `staffroom up
--demo`): the CPD manager's overview of the demo's open day at phone and desktop width, its
figures changing on the open page without a reload, sorting, the printable register without
the menu on paper; a headteacher's view of their school with no link that answers
"Forbidden". axe-core finds nothing serious; screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from events.embedded import free_port
from services.trustdays import demo
from tests.support.launch import ROOT, Output, csrf_token_in, start_up
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
MANAGER = "priya.shah@pennine-trust.org.uk"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/sign-in").text
    client.post("/sign-in/as", data={"csrf_token": csrf_token_in(form), "email": email})
    client.headers["X-CSRF-Token"] = csrf_token_in(client.get("/").text)
    return client


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("overview")
    port = free_port()
    launcher = start_up(tmp, port, free_port(), "--demo", STAFFROOM_DEV="1")
    base = f"http://127.0.0.1:{port}"
    try:
        Output(launcher).wait_for(lambda line: line.startswith("Staffroom is up"), timeout=120)
        assert wait_until(lambda: "Priya Shah" in httpx.get(f"{base}/sign-in").text, every=0.5)
        manager = signed_in(base, MANAGER)
        school = manager.get("/api/directory/schools").json()[0]
        staff = manager.get("/api/directory/people", params={"school": school["school_id"]})
        manager.close()
        people = staff.json()
        head = next(p for p in people if p["job_title"] == "Headteacher")
        teacher = next(p for p in people if p["category"] == "teaching" and p is not head)
        day_id = demo.days(date.today())["open"].day_id
        yield {"base": base, "day_id": day_id, "school": school, "head": head, "teacher": teacher}
    finally:
        launcher.terminate()
        launcher.wait(timeout=60)


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


def person(browser: Browser, trust: dict, email: str, width: str) -> Page:
    context = browser.new_context(base_url=trust["base"], viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.fill("#dev-email", email)
    page.click("form.inline-form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core finding; a screenshot of the whole page for the note."""
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


def no_wider_than_the_screen(page: Page) -> None:
    """At 390px the page itself never scrolls sideways (wide tables scroll in their box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cpd_managers_overview_keeps_itself_up_to_date(trust, browser, width):
    priya = person(browser, trust, MANAGER, width)
    overview = f"/days/{trust['day_id']}/overview"
    priya.goto(overview)
    expect(priya.locator("h1")).to_contain_text("overview")
    expect(priya.locator("#figures")).to_contain_text("Booked")
    if width == "phone":
        no_wider_than_the_screen(priya)
    accessible(priya, f"overview-manager-{width}")

    # Someone says they come to lunch: the open page shows it without a reload.
    dietary = f"Browser {width}: no nuts"
    teacher = signed_in(trust["base"], trust["teacher"]["email"])
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
    priya = person(browser, trust, MANAGER, width)
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
    head = person(browser, trust, trust["head"]["email"], width)
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
