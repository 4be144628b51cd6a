"""Answering a meeting's invitation, given/when/then: only an invitee, once the meeting is
dated and before it starts; a cancelled meeting refuses; the same answer twice is one fact;
a move asks everyone again."""

from __future__ import annotations

from datetime import date, datetime

from events import Event
from events.testing import scenario
from services.networks.domain import AnswerInvitation, MeetingDecider
from tests.support.networks_domain import CANCELLED, NOW, OPENED, closed, confirmed

meeting = scenario(MeetingDecider())
dated = meeting.given(OPENED, closed("organiser"), confirmed())


def answered(person: str, answer: str) -> Event:
    return Event("InvitationAnswered", {"meeting_id": "m1", "person_id": person, "answer": answer})


MOVED = Event(
    "MeetingMoved",
    {
        "meeting_id": "m1",
        "date": date(2026, 10, 20),
        "starts": "16:00",
        "ends": "17:30",
        "venue": "Oak Primary",
        "join_link": "",
        "reason": "Clash with parents' evening",
        "warnings": [],
    },
)


def test_an_invitee_accepts_or_declines_a_dated_meeting():
    dated.when(AnswerInvitation("amy", "accepted", NOW)).then(answered("amy", "accepted"))
    dated.when(AnswerInvitation("cat", "declined", NOW)).then(answered("cat", "declined"))


def test_a_later_answer_replaces_the_earlier_and_the_same_answer_again_is_nothing():
    given = dated.given(answered("amy", "accepted"))
    given.when(AnswerInvitation("amy", "accepted", NOW)).then()
    given.when(AnswerInvitation("amy", "declined", NOW)).then(answered("amy", "declined"))
    assert given.state().invitation_answers == {"amy": "accepted"}


def test_only_an_invitee_answers():
    dated.when(AnswerInvitation("sil", "accepted", NOW)).then_rejected("not_invited", 403)
    dated.when(AnswerInvitation("zed", "declined", NOW)).then_rejected("not_invited", 403)


def test_a_cancelled_meeting_refuses_an_answer():
    cancelled = dated.given(CANCELLED)
    cancelled.when(AnswerInvitation("amy", "accepted", NOW)).then_rejected("meeting_cancelled", 409)


def test_a_meeting_without_a_date_or_already_started_refuses_an_answer():
    meeting.given(OPENED).when(AnswerInvitation("amy", "accepted", NOW)).then_rejected(
        "not_dated", 409
    )
    started = datetime(2026, 10, 13, 16, 0)
    dated.when(AnswerInvitation("amy", "accepted", started)).then_rejected("already_held", 409)
    meeting.when(AnswerInvitation("amy", "accepted", NOW)).then_rejected("no_such_meeting", 404)


def test_an_answer_is_accepted_or_declined_only():
    dated.when(AnswerInvitation("amy", "maybe", NOW)).then_rejected("unknown_answer", 422)


def test_a_move_asks_everyone_again():
    moved = dated.given(answered("amy", "accepted"), MOVED)
    assert moved.state().invitation_answers == {}
    moved.when(AnswerInvitation("amy", "accepted", NOW)).then(answered("amy", "accepted"))


def test_an_answer_may_carry_a_note_for_the_organiser_and_a_new_note_is_a_new_fact():
    late = {"meeting_id": "m1", "person_id": "amy", "answer": "accepted", "note": "10 min late"}
    dated.when(AnswerInvitation("amy", "accepted", NOW, "10 min late")).then(
        Event("InvitationAnswered", late)
    )
    given = dated.given(Event("InvitationAnswered", late))
    given.when(AnswerInvitation("amy", "accepted", NOW, "10 min late")).then()
    given.when(AnswerInvitation("amy", "accepted", NOW)).then(answered("amy", "accepted"))
    assert given.state().invitation_notes == {"amy": "10 min late"}
