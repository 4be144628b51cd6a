"""Notifications in a real browser against `staffroom up --demo`: a teacher gives up the
only seat of a session, the colleague on its waitlist is promoted, and exactly one email
reaches them (in the embedded mailbox, through real SMTP) with a calendar invitation that
icalendar and vobject both read; the trust admin finds it on the operator's mail page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from events import mailbox
from tests.support.browser import (
    MANAGER,
    accessible,
    api_client,
    demo_trust,
    signed_in_page,
)
from tests.support.launch import ROOT
from tests.support.mailbox import invitation
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TRUST_ADMIN = "tom.reid@pennine-trust.org.uk"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("notifications")
    with demo_trust(folder) as base:
        from tests.browser.test_journey import a_day_today

        manager = api_client(base, MANAGER)
        schools = manager.get("/api/directory/schools").json()
        staff = manager.get("/api/directory/people", params={"school": schools[1]["school_id"]})
        teachers = [p for p in staff.json() if p["category"] == "teaching"][:3]
        day = a_day_today(manager, teachers[2])
        manager.close()
        yield {"base": base, "day": day, "teachers": teachers, "mail": folder / "var" / "mailbox"}


def to(folder: Path, address: str) -> list[mailbox.Kept]:
    return [m for m in mailbox.kept(folder, limit=100_000) if address in m.to]


def test_a_waitlist_promotion_sends_exactly_one_email_with_a_valid_invitation(trust, browser):
    day, (amy, ben, _) = trust["day"], trust["teachers"]
    programme, card = f"/days/{day['day_id']}", f"#session-{day['session_id']}"
    first = signed_in_page(browser, trust["base"], amy["email"])
    first.goto(programme)
    first.click(f"{card} button:has-text('Book')")
    expect(first.locator("#messages")).to_contain_text(f"You are booked on {day['title']}.")
    second = signed_in_page(browser, trust["base"], ben["email"], "phone")
    second.goto(programme)
    second.click(f"{card} button:has-text('Join the waitlist')")
    expect(second.locator(card)).to_contain_text("you are number 1")

    first.click(f"{card} summary:has-text('Cancel my place')")
    first.click(f"{card} button:has-text('Yes, give up my seat')")
    expect(second.locator(card)).to_contain_text("Your choice: you are booked.", timeout=5000)

    promoted = f"You have a place: {day['title']}"
    assert wait_until(lambda: any(m.subject == promoted for m in to(trust["mail"], ben["email"])))
    mails = [m for m in to(trust["mail"], ben["email"]) if m.subject == promoted]
    assert len(mails) == 1
    whole = mailbox.find(trust["mail"], mails[0].key)
    assert whole is not None
    sent = invitation(whole.message)
    assert (sent.method, sent.mime_method, sent.status) == ("REQUEST", "REQUEST", "CONFIRMED")
    assert sent.uid == f"{day['session_id']}.{ben['person_id']}@staffroom"
    assert sent.attendees == [f"mailto:{ben['email']}"]

    second.goto("/me/messages")
    expect(second.locator("table.messages")).to_contain_text(promoted)
    accessible(second, "my-messages-phone", SCREENSHOTS)

    admin = signed_in_page(browser, trust["base"], TRUST_ADMIN)
    admin.goto("/operator")
    admin.click("a:has-text('the embedded mailbox')")
    admin.click(f"a:has-text('{promoted}')")
    expect(admin.locator("main")).to_contain_text("METHOD:REQUEST")
    accessible(admin, "operator-mail-message", SCREENSHOTS)
