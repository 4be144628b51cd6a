"""An email's signed links through the real stack (the networks service, the projector, the
frontend reached as the gateway passes it on: with nobody signed in, or someone else).

A meeting invitation's link: its page records nothing on the GET (mail scanners open
links), one click records the answer (with a note, if given) in the networks service as the
person the link names; the organiser sees it on the meeting's page; an invitee answers
there too; a stranger's link and a cancelled meeting are refused. A poll's personal link:
the person's own answers, each date tapped without signing in, nobody else's shown; a
closed poll says so. Each kind of token opens its own page alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from readmodels.networks import polls_view as view
from readmodels.networks.invitations import answer_and_note, answer_of
from services.notifications import invitations, unsubscribe
from tests.support.databases import DATABASES
from tests.support.identity import SECRET_KEY
from tests.support.network_pages import Trust, a_trust
from tests.support.networks_service import poll_fields, weekday_ahead
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


def test_a_link_answers_with_nobody_signed_in_takes_a_note_and_may_be_changed(trust, meeting):
    """A busy head taps Accept in their phone's mail app, where they are not signed in."""
    engine, phone = trust.stack.engine, trust.stack.app.test_client()
    opened = phone.get(link(trust, "bob", meeting) + "?answer=accepted")
    assert opened.status_code == 200
    page = text(opened.get_data(as_text=True))
    when = weekday_ahead(20)
    assert f"{when:%A} {when.day} {when:%B %Y}, 16:00\u201317:00 (UK time)" in page
    assert "Trust office" in page and "Sam Improvement" in page
    assert "not yours" not in page and answer_of(engine, meeting, trust.ids["bob"]) is None
    note = {"answer": "declined", "note": "Parents evening at school", "key": "bob-1"}
    declined = phone.post(link(trust, "bob", meeting), data=note)
    assert declined.status_code == 200
    page = text(declined.get_data(as_text=True))
    assert "you have declined this meeting, with the note “Parents evening at school”" in page
    given = answer_and_note(engine, meeting, trust.ids["bob"])
    assert (given.answer, given.note) == ("declined", "Parents evening at school")
    organisers = text(trust.client("sil").get(f"/meetings/{meeting}").get_data(as_text=True))
    assert "Bob Beech: Declined Parents evening at school" in organisers  # in a <q>
    again = text(phone.get(link(trust, "bob", meeting)).get_data(as_text=True))
    assert "You have declined this meeting" in again and "change the answer" in again
    same_form = {"answer": "accepted", "key": "bob-1"}  # the back button: the first form again
    changed = phone.post(link(trust, "bob", meeting), data=same_form)
    assert "you have accepted this meeting." in text(changed.get_data(as_text=True))
    assert answer_and_note(engine, meeting, trust.ids["bob"]).note == ""


def test_someone_else_signed_in_answers_for_the_person_the_link_names(trust, meeting):
    engine, head = trust.stack.engine, trust.client("head")  # Amy's head, reading her email
    opened = text(head.get(link(trust, "amy", meeting)).get_data(as_text=True))
    assert "This invitation is Amy Ash\u2019s, not yours: the answer is recorded" in opened
    done = head.post(link(trust, "amy", meeting), data={"answer": "declined"})
    assert done.status_code == 200
    assert "Thank you: Amy Ash has declined this meeting." in text(done.get_data(as_text=True))
    assert answer_of(engine, meeting, trust.ids["amy"]) == "declined"
    assert answer_of(engine, meeting, trust.ids["head"]) is None


def test_a_link_checks_its_form_at_the_fields_and_records_nothing(trust, meeting):
    phone, engine = trust.stack.app.test_client(), trust.stack.engine
    wrong = phone.post(link(trust, "amy", meeting), data={"answer": "maybe"})
    assert wrong.status_code == 422
    assert 'id="f-answer-error"' in wrong.get_data(as_text=True)
    assert "Choose Accept or Decline." in text(wrong.get_data(as_text=True))
    long = phone.post(link(trust, "amy", meeting), data={"answer": "accepted", "note": "x" * 501})
    assert long.status_code == 422
    assert 'id="f-note-error"' in long.get_data(as_text=True)
    assert "Keep the note to 500 characters." in text(long.get_data(as_text=True))
    assert answer_of(engine, meeting, trust.ids["amy"]) is None


def test_each_kind_of_token_opens_its_own_page_alone(trust, meeting):
    """The salts keep the kinds apart: an unsubscribe token answers no invitation, an
    invitation's token unsubscribes nobody and opens no poll, a poll's answers no invitation."""
    phone, amy = trust.stack.app.test_client(), trust.ids["amy"]
    invited = invitations.token(SECRET_KEY, amy, meeting)
    polled = invitations.poll_token(SECRET_KEY, amy, meeting)
    unsubscribing = unsubscribe.token(SECRET_KEY, amy, "meeting_reminder")
    for path in (
        f"/invitations/{unsubscribing}",
        f"/invitations/{polled}",
        f"/polls/{invited}",
        f"/polls/{unsubscribing}",
        f"/notifications/unsubscribe/{invited}",
        f"/notifications/unsubscribe/{polled}",
    ):
        assert phone.get(path).status_code == 404, path
        assert phone.post(path, data={"answer": "accepted"}).status_code == 404, path
    assert answer_of(trust.stack.engine, meeting, amy) is None
    forged = invitations.token("another trust's key", amy, meeting)
    assert phone.post(f"/invitations/{forged}", data={"answer": "accepted"}).status_code == 404


@pytest.fixture
def poll(trust: Trust) -> str:
    with trust.api("sil") as api:
        opened = api.post(
            f"/networks/{trust.network_id}/polls", json=poll_fields(title="Maths leads: autumn")
        )
    assert opened.status_code == 201, opened.text
    meeting_id = str(opened.json()["id"])
    poll_page = f"/meetings/{meeting_id}/poll"
    assert wait_until(lambda: trust.client("sil").get(poll_page).status_code == 200)
    return meeting_id


def poll_link(trust: Trust, who: str, meeting_id: str) -> str:
    return f"/polls/{invitations.poll_token(SECRET_KEY, trust.ids[who], meeting_id)}"


def test_a_poll_link_answers_each_date_without_signing_in_and_shows_only_ones_own(trust, poll):
    engine, phone, amy = trust.stack.engine, trust.stack.app.test_client(), trust.ids["amy"]
    first, second = (o.option_id for o in view.poll_options(engine, poll))
    with trust.api("bob") as api:
        bobs = {"answers": {first: "no", second: "no"}, "comment": "Bob's own comment"}
        assert api.post(f"/meetings/{poll}/votes", json=bobs).status_code == 200
    opened = phone.get(poll_link(trust, "amy", poll))
    assert opened.status_code == 200
    page = text(opened.get_data(as_text=True))
    assert "Your answers" in page and "Your own link to the poll" in page
    assert page.count("Not answered yet") == 2
    assert "Bob" not in page and "Answers so far" not in page  # nobody else's answers
    tapped = phone.post(
        poll_link(trust, "amy", poll),
        headers={"HX-Request": "true"},
        data={"tap": f"{first}:yes", "key": "amy-1"},
    )
    assert tapped.status_code == 200
    assert f'id="tap-{first}-yes" class="answer answer-yes" aria-pressed="true"' in (
        tapped.get_data(as_text=True)
    )
    plain = phone.post(
        poll_link(trust, "amy", poll),
        data={f"answer-{first}": "yes", "tap": f"{second}:if_need_be", "key": "amy-2"},
    )
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(poll_link(trust, "amy", poll) + "#vote")
    [mine] = [p for p in view.invited(engine, poll) if p.person_id == amy]
    assert (mine.answers, mine.recorded_by) == ({first: "yes", second: "if_need_be"}, amy)
    long = phone.post(poll_link(trust, "amy", poll), data={"tap": "", "comment": "x" * 2001})
    assert long.status_code == 422
    assert "Keep the comment to 2000 characters." in text(long.get_data(as_text=True))


def test_a_poll_link_opened_by_someone_else_says_whose_it_is(trust, poll):
    page = text(trust.client("head").get(poll_link(trust, "amy", poll)).get_data(as_text=True))
    assert "This is Amy Ash\u2019s own link to the poll, not yours" in page


def test_a_closed_poll_link_says_so_and_takes_no_answer(trust, poll):
    phone = trust.stack.app.test_client()
    with trust.api("sil") as api:
        assert api.post(f"/meetings/{poll}/close", json={}).status_code == 200
    assert wait_until(
        lambda: (
            "The poll is closed"
            in text(phone.get(poll_link(trust, "bob", poll)).get_data(as_text=True))
        )
    )
    page = phone.get(poll_link(trust, "bob", poll)).get_data(as_text=True)
    assert "tap-" not in page  # no buttons to answer with
    first = view.poll_options(trust.stack.engine, poll)[0].option_id
    late = phone.post(
        poll_link(trust, "bob", poll),
        headers={"HX-Request": "true"},
        data={"tap": f"{first}:yes", "key": "bob-late"},
    )
    assert late.status_code == 409
    assert "closed" in text(late.get_data(as_text=True))
    with trust.api("sil") as api:
        assert api.get(f"/meetings/{poll}/poll").status_code == 200
