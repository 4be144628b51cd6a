"""Notifications in a real browser against `staffroom up --demo` (one demo for the module):

- a teacher gives up the only seat of a session, the colleague on its waitlist is promoted,
  and exactly one email reaches them (in the embedded mailbox, through real SMTP) with a
  calendar invitation that icalendar and vobject both read; the trust admin finds it on the
  operator's mail page;
- a network's facilitator books a meeting; a member's invitation arrives with a valid iTIP
  REQUEST; its Accept link, opened in a browser signed in as nobody (a phone's mail app),
  records the answer with one click; the organiser sees it on the meeting's page and gets
  exactly one "accepted" email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import expect

from events import mailbox
from tests.support.browser import (
    MANAGER,
    WIDTHS,
    accessible,
    api_client,
    demo_trust,
    settled,
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
        people = manager.get("/api/directory/people").json()
        manager.close()
        yield {
            "base": base,
            "day": day,
            "teachers": teachers,
            "people": people,
            "mail": folder / "var" / "mailbox",
        }


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
    accessible(admin, "operator", SCREENSHOTS)
    admin.click("a:has-text('the embedded mailbox')")
    admin.click(f"a:has-text('{promoted}')")
    expect(admin.locator("main")).to_contain_text("METHOD:REQUEST")
    accessible(admin, "operator-mail-message", SCREENSHOTS)


def with_post(people: list[dict], post: str) -> list[dict]:
    return [p for p in people if any(held["post"] == post for held in p.get("posts", []))]


def weekday_ahead(days: int) -> date:
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def one_mail(folder: Path, address: str, subject: str) -> mailbox.Kept:
    """The one message to `address` with `subject`, once it has come (and never a second)."""
    assert wait_until(lambda: any(m.subject == subject for m in to(folder, address)))
    found = [m for m in to(folder, address) if m.subject == subject]
    assert len(found) == 1, [m.subject for m in to(folder, address)]
    whole = mailbox.find(folder, found[0].key)
    assert whole is not None
    return whole


def test_an_invitation_accepted_from_an_email_link_without_signing_in(trust, browser):
    base, folder, people = trust["base"], trust["mail"], trust["people"]
    organiser = next(p for p in people if p["job_title"] == "Trust maths lead")
    invitee = with_post(people, "maths_lead")[0]
    title = "Maths network: calculation policy"
    owen = signed_in_page(browser, base, organiser["email"])
    owen.goto("/networks")
    owen.click("a:has-text('Maths network')")
    expect(owen.locator("h1")).to_have_text("Maths network")
    owen.goto(owen.url.removeprefix(base) + "/meetings/new")
    settled(owen)
    owen.fill("#book-title", title)
    owen.fill("#book-date", weekday_ahead(12).isoformat())
    owen.fill("#book-starts", "16:00")
    owen.fill("#book-ends", "17:00")
    owen.fill("#book-venue", "Trust office, Halifax")
    owen.click("button:has-text('Book the meeting')")
    owen.wait_for_url(lambda url: "/meetings/" in url and not url.endswith("/new"))
    meeting_page = owen.url.removeprefix(base)

    asked = one_mail(folder, invitee["email"], f"Invitation: {title}")
    sent = invitation(asked.message)  # read by icalendar and vobject, which agree
    assert (sent.method, sent.mime_method, sent.rsvp) == ("REQUEST", "REQUEST", "TRUE")
    assert sent.attendees == [f"mailto:{invitee['email']}"] and sent.summary == title
    ics = next(p for p in asked.message.walk() if p.get_filename() == "invite.ics")
    event = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART").date() == weekday_ahead(12)
    assert str(event["ORGANIZER"]) == f"mailto:{organiser['email']}"
    text = asked.message.get_body(("plain",)).get_content()
    accept = re.search(r"https?://\S+/invitations/\S+\?answer=accepted", text)
    assert accept is not None, text
    link = urlsplit(accept.group(0))

    phone = browser.new_context(base_url=base, viewport=WIDTHS["phone"], bypass_csp=True)
    page = phone.new_page()  # a phone's mail app: nobody signed in
    page.goto(f"{link.path}?{link.query}")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("16:00\u201317:00 (UK time)")
    expect(page.locator("main")).to_contain_text("Trust office, Halifax")
    expect(page.locator("#accept")).to_have_class(re.compile("primary"))
    accessible(page, "invitation-link-phone", SCREENSHOTS)
    page.fill("#f-note", "I may be ten minutes late.")
    page.click("#accept")
    expect(page.locator("#recorded")).to_contain_text("you have accepted this meeting")
    assert page.locator(".signed-in").count() == 0  # still nobody signed in
    phone.close()

    owen.goto(meeting_page)
    expect(owen.locator("#invitation-answers")).to_contain_text(f"{invitee['name']}: Accepted")
    expect(owen.locator("#invitation-answers")).to_contain_text("I may be ten minutes late.")
    told = one_mail(folder, organiser["email"], f"{invitee['name']} accepted: {title}")
    assert "I may be ten minutes late." in told.message.get_body(("plain",)).get_content()
