"""A meeting invitation's signed links through the real stack: the link's page records
nothing on the GET (mail scanners open links), one click records the answer in the networks
service as the person the link names; the organiser sees it on the meeting's page; an
invitee answers there too; a stranger's link and a cancelled meeting are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from readmodels.networks.invitations import answer_of
from services.notifications import invitations
from tests.support.databases import DATABASES
from tests.support.identity import SECRET_KEY
from tests.support.network_pages import Trust, a_trust
from tests.support.networks_service import weekday_ahead
from tests.support.pages import text
from tests.support.waiting import wait_until


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    folder = tmp_path_factory.mktemp("invitations")
    with a_trust(nats, nats_server.url, request.param, folder) as made:
        yield made


@pytest.fixture
def meeting(trust: Trust) -> str:
    body = {"title": "Maths leads", "date": weekday_ahead(20).isoformat()}
    body |= {"starts": "16:00", "ends": "17:00", "venue": "Trust office"}
    with trust.api("sil") as api:
        booked = api.post(f"/networks/{trust.network_id}/meetings", json=body)
    assert booked.status_code == 201, booked.text
    meeting_id = str(booked.json()["id"])
    assert wait_until(lambda: trust.client("sil").get(f"/meetings/{meeting_id}").status_code == 200)
    return meeting_id


def link(trust: Trust, who: str, meeting_id: str) -> str:
    return f"/invitations/{invitations.token(SECRET_KEY, trust.ids[who], meeting_id)}"


def test_a_link_records_the_answer_with_one_click_never_on_opening(trust, meeting):
    engine, amy = trust.stack.engine, trust.client("amy")
    opened = amy.get(link(trust, "amy", meeting) + "?answer=accepted")
    assert opened.status_code == 200
    page = text(opened.get_data(as_text=True))
    assert "Maths leads" in page and "Accept" in page and "Decline" in page
    assert answer_of(engine, meeting, trust.ids["amy"]) is None  # opening records nothing
    done = amy.post(link(trust, "amy", meeting), data={"answer": "accepted"})
    assert done.status_code == 200
    assert "you have accepted this meeting" in text(done.get_data(as_text=True))
    assert answer_of(engine, meeting, trust.ids["amy"]) == "accepted"
    organisers = text(trust.client("sil").get(f"/meetings/{meeting}").get_data(as_text=True))
    assert "Answers to the invitation" in organisers and "Amy Ash: Accepted" in organisers
    mine = text(amy.get(f"/meetings/{meeting}").get_data(as_text=True))
    assert "You have accepted." in mine and "Answers to the invitation" not in mine


def test_an_invitee_answers_on_the_meetings_page(trust, meeting):
    bob = trust.client("bob")
    sent = bob.post(f"/meetings/{meeting}/invitation", data={"answer": "declined", "key": "k1"})
    assert sent.status_code == 303
    assert answer_of(trust.stack.engine, meeting, trust.ids["bob"]) == "declined"
    wrong = bob.post(f"/meetings/{meeting}/invitation", data={"answer": "maybe"})
    assert wrong.status_code == 422


def test_a_link_for_someone_not_invited_or_a_cancelled_meeting_is_refused(trust, meeting):
    tess = trust.client("tess").post(link(trust, "tess", meeting), data={"answer": "accepted"})
    assert tess.status_code == 403
    assert "You were not invited to that meeting." in text(tess.get_data(as_text=True))
    assert trust.client("amy").get(link(trust, "amy", meeting) + "x").status_code == 404
    with trust.api("sil") as api:
        assert api.post(f"/meetings/{meeting}/cancel", json={"reason": "Snow"}).status_code == 200
    late = trust.client("amy").post(link(trust, "amy", meeting), data={"answer": "declined"})
    assert late.status_code == 409
    assert "has been cancelled" in text(late.get_data(as_text=True))
