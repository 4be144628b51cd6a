"""Issue 15's done-when, in a browser against `staffroom up --demo`: a network lead finds
dates for their network, opens a poll that three members answer (one on a phone, one tap
per date), confirms the best date, and the meeting appears in each member's calendar feed
(fetched and parsed with icalendar). Every page is checked by axe-core at 390 px and
1280 px, with screenshots in docs/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from services.directory.demo import TRUST_DOMAIN
from services.directory.domain import person_id_for
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
LEAD = f"owen.price@{TRUST_DOMAIN}"
"""The demo trust's maths lead (a network lead), who facilitates the network here."""
TITLE = "Maths leads: spring meeting"


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo trust, and a maths network the CPD manager forms through the API: three
    teachers of the first school and Owen Price, who facilitates it."""
    with demo_trust(tmp_path_factory.mktemp("polls")) as base:
        manager = api_client(base, MANAGER)
        schools = manager.get("/api/directory/schools").json()
        staff = manager.get("/api/directory/people", params={"school": schools[0]["school_id"]})
        members = [p for p in staff.json() if p["category"] == "teaching"][:3]
        network = {
            "name": "Maths leads",
            "kind": "subject",
            "description": "The trust's maths leads: the calculation policy and its CPD.",
            "member_posts": [],
            "member_ids": [m["person_id"] for m in members],
            "facilitator_id": person_id_for(LEAD),
            "agenda_lead_id": None,
            "cadence": {"rule": "per_year", "count": 3},
            "private": False,
            "agenda_template": [{"title": "Welcome and actions", "minutes": 10}],
            "minutes": 60,
            "venue": "Trust office, Halifax",
        }
        formed = manager.post("/api/networks/networks", json=network)
        assert formed.status_code == 201, formed.text
        manager.close()
        yield {"base": base, "network_id": formed.json()["id"], "members": members}


def both_widths(page: Page, name: str) -> None:
    """axe-core finds nothing serious at a phone's width and a desktop's; a screenshot of
    each in docs/screenshots; the page never scrolls sideways on the phone."""
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        if width == "phone":
            no_wider_than_the_screen(page)
        accessible(page, f"{name}-{width}")
    page.set_viewport_size(WIDTHS["desktop"])


def answer_every_date(page: Page, answer: str) -> None:
    """One tap per date; each tap is saved and shown pressed before the next."""
    options = page.locator(".poll-option")
    for n in range(options.count()):
        button = options.nth(n).locator(f"button.answer-{answer}")
        button.click()
        expect(options.nth(n).locator(f"button.answer-{answer}")).to_have_attribute(
            "aria-pressed", "true"
        )
        settled(page)


def feed_of(browser: Browser, base: str, email: str) -> icalendar.Calendar:
    """The person's own calendar feed, from the address My CPD gives them."""
    page = signed_in_page(browser, base, email)
    page.goto("/my-cpd")
    page.click("#renew-feed")
    address = page.locator("#feed-url").input_value()
    page.context.close()
    return icalendar.Calendar.from_ical(httpx.get(address).content)


def test_a_lead_finds_dates_three_members_answer_and_the_meeting_is_in_their_feeds(trust, browser):
    base, network_id = trust["base"], trust["network_id"]
    owen = signed_in_page(browser, base, LEAD)
    owen.goto(f"/networks/{network_id}/find-dates")
    expect(owen.locator("h1")).to_contain_text("Find dates: Maths leads")
    offered = owen.locator("input[name=option]:checked")
    expect(offered.first).to_be_visible()
    assert offered.count() >= 2, "the finder proposes dates and the best are ticked"
    both_widths(owen, "poll-find-dates")
    owen.fill("#poll-title", TITLE)
    owen.click("#open-poll")
    owen.wait_for_load_state()
    settled(owen)
    assert owen.locator(".form-error").count() == 0, owen.locator("main").inner_text()
    owen.wait_for_url("**/poll", timeout=10_000)
    poll = owen.url.removeprefix(base)
    expect(owen.locator("#poll-state")).to_contain_text("Open: answer by")

    for n, member in enumerate(trust["members"]):
        on_phone = n == 0
        page = signed_in_page(browser, base, member["email"], "phone" if on_phone else "desktop")
        page.goto(poll)
        answer_every_date(page, "yes" if n < 2 else "if_need_be")
        if on_phone:
            page.fill("#vote-comment", "Any day but Friday, please.")
            page.click("#save-vote")
            expect(page.locator("#vote")).to_contain_text("Saved.")
            both_widths(page, "poll-vote")
        page.context.close()

    owen.goto(poll)
    expect(owen.locator("#organise")).to_contain_text("3 of 4 answered")
    expect(owen.locator("#organise")).to_contain_text("Any day but Friday, please.")
    both_widths(owen, "poll-organiser")
    owen.locator("a[id^=confirm-]").first.click()
    expect(owen.locator("h1")).to_contain_text("Confirm")
    both_widths(owen, "poll-confirm")
    owen.click("#confirm")
    owen.wait_for_url(lambda url: url.rstrip("/").split("/")[-2] == "meetings")
    expect(owen.locator("#when")).to_contain_text("Trust office, Halifax")
    both_widths(owen, "meeting")
    when = owen.locator("#when .when").first.inner_text()

    for member in trust["members"]:
        feed = feed_of(browser, base, member["email"])
        meetings = [e for e in feed.walk("VEVENT") if str(e["SUMMARY"]) == TITLE]
        assert len(meetings) == 1, (
            f"{member['email']}: {[str(e['SUMMARY']) for e in feed.walk('VEVENT')]}"
        )
        starts = meetings[0].decoded("DTSTART")
        assert isinstance(starts, date) and str(starts.day) in when
        assert str(meetings[0]["LOCATION"]).startswith("Trust office")
