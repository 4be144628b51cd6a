"""The whole loop of a meeting invitation on the running stack: the organiser books a
meeting through the networks service; the invitee's email (a real SMTP server) carries the
feed's UID and SEQUENCE and a signed accept link; following it in the frontend records the
answer in the networks service; the organiser is told by email and sees it on the meeting's
page; a move asks again with a higher SEQUENCE."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

import pytest

from readmodels.networks import letters as reads
from readmodels.networks.invitations import answer_of
from services.notifications.reactions import REACTIONS
from tests.support.databases import DATABASES
from tests.support.identity import someone
from tests.support.mailbox import TestMailbox, invitation, smtp_server
from tests.support.network_pages import (
    Trust,
    maths_network,
    people_and_posts,
    trust_year,
)
from tests.support.networks_service import weekday_ahead
from tests.support.notifications import Clock, running_sender
from tests.support.pages import text
from tests.support.reactor import running_reactor
from tests.support.shared import fresh_database, fresh_store
from tests.support.stack import networks_stack
from tests.support.waiting import wait_until

LINK = re.compile(r"https://staffroom\.test(/invitations/[^\s?]+\?answer=(accepted|declined))")


@dataclass
class Loop:
    trust: Trust
    mailbox: TestMailbox


@pytest.fixture(scope="module", params=DATABASES)
def loop(request, nats, nats_server, tmp_path_factory) -> Iterator[Loop]:
    folder = tmp_path_factory.mktemp("loop")
    with (
        smtp_server() as mailbox,
        fresh_store(nats) as store,
        fresh_database(request.param, folder) as (url, engine),
        networks_stack(nats, nats_server.url, store, url, engine) as stack,
        running_reactor(nats, store, REACTIONS),
        running_sender(nats, store, engine, mailbox, Clock()),
    ):
        terms = trust_year(nats, store, date.today())
        ids = people_and_posts(stack, nats, store)
        sil = someone("network_lead", person_id=ids["sil"], school_id=None)
        yield Loop(Trust(stack, ids, maths_network(stack, ids, sil), terms), mailbox)


def mail_to(mailbox: TestMailbox, who: str, starts: str) -> EmailMessage:
    def found() -> list[EmailMessage]:
        arrived = [a.message for a in mailbox.to(f"{who}@example.sch.uk")]
        return [m for m in arrived if str(m["Subject"]).startswith(starts)]

    assert wait_until(lambda: len(found()) == 1, timeout=45), mailbox.arrived
    return found()[0]


def test_an_invitation_answered_by_its_link_reaches_the_organiser(loop: Loop) -> None:
    trust, engine = loop.trust, loop.trust.stack.engine
    body = {"title": "Maths leads", "date": weekday_ahead(25).isoformat()}
    body |= {"starts": "16:00", "ends": "17:00", "venue": "Trust office"}
    with trust.api("sil") as api:
        booked = api.post(f"/networks/{trust.network_id}/meetings", json=body)
    assert booked.status_code == 201, booked.text
    meeting_id = booked.json()["id"]

    invited = mail_to(loop.mailbox, "amy", "Invitation: Maths leads")
    sent = invitation(invited)
    row = reads.meeting(engine, meeting_id)
    assert row is not None
    assert sent.uid == f"meeting.{meeting_id}@staffroom" and sent.sequence == row.sequence
    assert (sent.method, sent.mime_method, sent.rsvp) == ("REQUEST", "REQUEST", "TRUE")
    links = dict((answer, path) for path, answer in LINK.findall(text_of(invited)))
    assert set(links) == {"accepted", "declined"}

    amy = trust.client("amy")
    assert amy.get(links["accepted"]).status_code == 200
    assert answer_of(engine, meeting_id, trust.ids["amy"]) is None  # opening records nothing
    path = links["accepted"].split("?")[0]
    assert amy.post(path, data={"answer": "accepted"}).status_code == 200
    told = mail_to(loop.mailbox, "sil", "Amy Ash accepted: Maths leads")
    assert "Amy Ash has accepted Maths leads." in text_of(told)
    page = text(trust.client("sil").get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Amy Ash: Accepted" in page

    move = {"date": weekday_ahead(32).isoformat(), "starts": "16:00", "ends": "17:00"}
    with trust.api("sil") as api:
        moved = api.post(f"/meetings/{meeting_id}/move", json={**move, "reason": "Mocks"})
    assert moved.status_code == 200, moved.text
    changed = invitation(mail_to(loop.mailbox, "amy", "Changed: Maths leads"))
    assert changed.uid == sent.uid and changed.sequence == sent.sequence + 1
    assert answer_of(engine, meeting_id, trust.ids["amy"]) is None  # asked again


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())
