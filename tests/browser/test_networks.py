"""The network pages in a real browser (Debian's chromium through Playwright, against
`staffroom up --demo`), at phone and desktop width: a maths lead's networks and actions (one
marked done in place), the maths network's page, forming a network, a series' dates checked
before planning, the ELG's series, booking a meeting, the compliance board for the CEO (cards
on a phone, a table on a desktop), a headteacher's overdue actions. axe-core finds nothing
serious; screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    MANAGER,
    WIDTHS,
    accessible,
    api_client,
    demo_trust,
    no_wider_than_the_screen,
    settled,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def with_post(people: list[dict], post: str) -> list[dict]:
    return [p for p in people if any(held["post"] == post for held in p.get("posts", []))]


def owner_of_overdue(base: str, leads: list[dict]) -> dict:
    """A maths lead with an overdue action (the demo's maths network met a while ago)."""
    for lead in leads:
        client = api_client(base, lead["email"])
        page = client.get("/my-actions").text
        client.close()
        if "Overdue (" in page:
            return lead
    raise AssertionError("no maths lead has an overdue action in the demo")


def head_with_most_overdue(base: str, heads: list[dict]) -> dict:
    """The headteacher whose school has the most overdue actions (the demo leaves some)."""
    counted = []
    for head in heads:
        client = api_client(base, head["email"])
        counted.append((client.get("/actions/overdue").text.count(" late</span>"), head["email"]))
        client.close()
    most, email = max(counted)
    assert most > 0, "no school has an overdue action in the demo"
    return next(head for head in heads if head["email"] == email)


def network_path(base: str, email: str, name: str) -> str:
    client = api_client(base, email)
    page = client.get("/networks").text
    client.close()
    found = page.split(f"<strong>{name}</strong>")[0].rsplit('href="', 1)[1].split('"')[0]
    assert found.startswith("/networks/"), found
    return found


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with demo_trust(tmp_path_factory.mktemp("networks")) as base:
        manager = api_client(base, MANAGER)
        people = manager.get("/api/directory/people").json()
        manager.close()
        ceo = with_post(people, "ceo")[0]
        maths_facilitator = next(p for p in people if p["job_title"] == "Trust maths lead")
        head = head_with_most_overdue(base, with_post(people, "headteacher"))
        lead = owner_of_overdue(base, with_post(people, "maths_lead"))
        yield {
            "base": base,
            "ceo": ceo,
            "facilitator": maths_facilitator,
            "head": head,
            "lead": lead,
            "maths": network_path(base, maths_facilitator["email"], "Maths network"),
            "elg": network_path(base, ceo["email"], "Executive leadership group (ELG)"),
        }


@pytest.mark.parametrize("width", ["desktop", "phone"])  # the phone marks the action done
def test_a_maths_lead_sees_their_network_and_marks_an_action_done(trust, browser, width):
    page = signed_in_page(browser, trust["base"], trust["lead"]["email"], width)
    page.goto("/networks")
    expect(page.locator("h1")).to_have_text("Networks")
    expect(page.locator("#mine-heading + ul")).to_contain_text("Maths network")
    if width == "phone":
        no_wider_than_the_screen(page)
    accessible(page, f"networks-{width}")

    page.goto("/my-actions")
    expect(page.locator("#overdue-heading")).to_contain_text("Overdue")
    accessible(page, f"my-actions-{width}")
    if width == "desktop":
        return
    settled(page)
    line = page.locator(".action-line.is-overdue").first
    line_id = line.get_attribute("id")
    line.get_by_role("button", name="Mark done").click()
    expect(page.locator(f"#{line_id}")).to_contain_text("Done")
    expect(page.locator(f"#{line_id} button")).to_have_count(0)  # swapped in place
    assert page.url.endswith("/my-actions")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitators_network_page_and_forms(trust, browser, width):
    page = signed_in_page(browser, trust["base"], trust["facilitator"]["email"], width)
    page.goto(trust["maths"])
    expect(page.locator("h1")).to_have_text("Maths network")
    expect(page.locator(".facts")).to_contain_text("At least 3 times a year")
    expect(page.locator("#members-heading")).to_contain_text("Members")
    if width == "phone":
        no_wider_than_the_screen(page)
    accessible(page, f"network-{width}")

    page.goto(trust["maths"] + "/meetings/new")
    expect(page.locator("h1")).to_have_text("Book a meeting")
    accessible(page, f"network-book-meeting-{width}")

    page.goto("/networks/new")
    expect(page.locator("h1")).to_have_text("Form a network")
    settled(page)
    page.fill("#network-name", "Reading leads")
    page.fill("#network-member_emails", "nobody@example.org")
    page.click("button[type=submit].primary")  # no post and a stranger: each field says why
    expect(page.locator("#network-member_emails-error")).to_contain_text("nobody@example.org")
    expect(page.locator("#network-posts-error")).to_be_visible()
    accessible(page, f"network-form-errors-{width}")

    page.goto(trust["maths"] + "/series/new")
    settled(page)
    page.get_by_role("button", name="Check the dates").click()
    expect(page.locator("#series-dates")).to_contain_text("meetings")
    if width == "phone":
        no_wider_than_the_screen(page)
    accessible(page, f"series-plan-{width}")
    if width == "phone":
        return
    settled(page)
    page.get_by_role("button", name="Plan the series").click()
    page.wait_for_url("**/series/*")
    expect(page.locator("h1")).to_have_text("Maths network meeting")
    # Its meetings are scheduled by a reaction moments later: move one of the ELG's instead.
    page.goto(trust["elg"])
    page.locator("#series-heading + ul a").first.click()
    settled(page)
    line = page.locator(".occurrence").first
    line.locator("summary", has_text="Move").click()
    when = line.get_by_label("New date")
    moved = date.fromisoformat(when.input_value()) + timedelta(days=1)
    when.fill((moved + timedelta(days=2 if moved.weekday() == 5 else 0)).isoformat())
    line.get_by_label("Why", exact=True).fill("Mock exams")
    line.get_by_role("button", name="Move it").click()
    expect(page.locator(".occurrence").first).to_contain_text("Moved: Mock exams")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_ceo_sees_the_compliance_board_and_the_elg_series(trust, browser, width):
    page = signed_in_page(browser, trust["base"], trust["ceo"]["email"], width)
    page.goto("/compliance")
    expect(page.locator("h1")).to_have_text("Compliance board")
    expect(page.locator("#board")).to_contain_text("Maths network")
    if width == "phone":
        no_wider_than_the_screen(page)
        display = page.eval_on_selector(".compliance-board tr", "r => getComputedStyle(r).display")
        assert display == "block"  # a card per network
    accessible(page, f"compliance-{width}")
    settled(page)
    page.select_option("#kind", "executive")
    expect(page.locator("#board")).not_to_contain_text("Maths network")
    expect(page.locator("#board")).to_contain_text("Executive leadership group")

    page.goto(trust["elg"])
    series = page.locator("#series-heading + ul a").first
    expect(series).to_be_visible()
    series.click()
    expect(page.locator("#meetings-heading")).to_contain_text("Meetings")
    if width == "phone":
        no_wider_than_the_screen(page)
    accessible(page, f"series-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_headteacher_sees_their_schools_overdue_actions(trust, browser, width):
    page = signed_in_page(browser, trust["base"], trust["head"]["email"], width)
    page.goto("/actions/overdue")
    expect(page.locator("h1")).to_have_text("Overdue actions")
    expect(page.locator("#overdue-schools")).to_contain_text("late")
    if width == "phone":
        no_wider_than_the_screen(page)
    accessible(page, f"overdue-actions-{width}")
