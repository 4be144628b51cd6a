"""A date poll's rules, given/when/then: opening it, votes, nudges and closing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from events import Event
from services.networks.domain import (
    CastVote,
    ClosePoll,
    Invitee,
    NudgeVoters,
    Option,
)
from tests.support.networks_domain import (
    AFTER,
    NOW,
    OPENED,
    POLL,
    SCHEDULE,
    closed,
    confirmed,
    meeting,
    polling,
    vote,
)


def cast(person: str, by: str | None = None, now: datetime = NOW, head: bool = False, **answers):
    return CastVote(person, answers, by or person, now, heads_their_school=head)


def test_a_poll_opens_with_its_options_invitees_and_deadline():
    meeting.when(POLL).then(OPENED)
    state = polling.state()
    assert state.status == "polling" and list(state.options) == ["a", "b"]
    assert state.missing() == ["amy", "ben", "cat"]
    polling.when(POLL).then_rejected("meeting_exists", 409)
    meeting.given(OPENED).when(SCHEDULE).then_rejected("meeting_exists", 409)


def test_a_poll_offers_real_dates_before_its_deadline_and_someone_required():
    backwards = Option("c", date(2026, 10, 20), "17:00", "16:00")
    meeting.when(replace(POLL, options=(backwards,))).then_rejected("ends_before_it_starts", 422)
    past = Option("c", date(2026, 9, 20), "16:00", "17:00")
    meeting.when(replace(POLL, options=(past,))).then_rejected("in_the_past", 422)
    twice = Option("c", POLL.options[0].date, "16:00", "17:00")
    meeting.when(replace(POLL, options=(*POLL.options, twice))).then_rejected("options_repeat")
    meeting.when(replace(POLL, options=())).then_rejected("no_options", 422)
    optional = (Invitee("amy", False),)
    meeting.when(replace(POLL, invitees=optional)).then_rejected("no_required_invitee", 422)
    late = replace(POLL, deadline=datetime(2026, 10, 14, 9))
    meeting.when(late).then_rejected("deadline_after_a_date", 422)
    meeting.when(replace(POLL, deadline=NOW)).then_rejected("deadline_passed", 422)


def test_a_vote_is_recorded_and_a_later_vote_replaces_it():
    polling.when(cast("amy", a="yes", b="no")).then(vote("amy", a="yes", b="no"))
    again = polling.given(vote("amy", a="yes", b="no"), vote("amy", a="no", b="if_need_be"))
    assert dict(again.state().votes["amy"].answers) == {"a": "no", "b": "if_need_be"}


def test_not_answered_is_never_counted_as_no():
    partly = polling.given(vote("amy", a="yes"))
    state = partly.state()
    assert "b" not in state.votes["amy"].answers  # not answered, not "no"
    assert not state.answered("amy") and "amy" in state.missing()
    # Everyone required answering some dates only does not close the poll.
    partly.when(cast("ben", a="yes")).then(vote("ben", a="yes"))


def test_the_vote_completing_every_required_answer_closes_the_poll_in_the_same_message():
    one_left = polling.given(vote("amy", a="yes", b="no"))
    one_left.when(cast("ben", a="if_need_be", b="yes")).then(
        vote("ben", a="if_need_be", b="yes"), closed("all_answered")
    )
    # An optional invitee's answer is welcome, and not waited for.
    one_left.when(cast("cat", a="yes", b="yes")).then(vote("cat", a="yes", b="yes"))


def test_a_vote_on_a_closed_poll_is_refused():
    shut = polling.given(closed("organiser"))
    shut.when(cast("amy", a="yes")).then_rejected("poll_closed", 409)
    polling.given(confirmed()).when(cast("amy", a="yes")).then_rejected("poll_closed", 409)
    cancelled = Event("MeetingCancelled", {"meeting_id": "m1", "reason": "No longer needed"})
    polling.given(cancelled).when(cast("amy", a="yes")).then_rejected("meeting_cancelled")


def test_after_the_deadline_a_command_sees_the_poll_closed_and_closes_it_first():
    polling.when(cast("amy", now=AFTER, a="yes")).then(closed("deadline"))
    polling.when(NudgeVoters("sil", AFTER)).then(closed("deadline"))
    polling.when(ClosePoll(AFTER)).then(closed("deadline"))
    before = datetime(2026, 10, 8, 16, 59)
    polling.when(cast("amy", now=before, a="yes")).then(vote("amy", a="yes"))


def test_only_an_invitee_or_a_headteacher_of_their_school_answers():
    polling.when(cast("dan", a="yes")).then_rejected("not_invited", 403)
    polling.when(cast("amy", "ben", a="yes")).then_rejected("not_theirs_to_answer", 403)
    polling.when(cast("amy", "head", head=True, a="yes")).then(vote("amy", "head", a="yes"))


def test_a_vote_answers_the_poll_s_own_dates():
    polling.when(cast("amy", z="yes")).then_rejected("unknown_option", 422)
    polling.when(cast("amy")).then_rejected("no_answers", 422)


def test_the_organiser_nudges_those_who_have_not_answered():
    some = polling.given(vote("amy", a="yes", b="yes"))
    expected = {"meeting_id": "m1", "person_ids": ["ben", "cat"], "by_id": "sil"}
    some.when(NudgeVoters("sil", NOW)).then(Event("VotersNudged", expected))
    only_ben = {**expected, "person_ids": ["ben"]}
    some.when(NudgeVoters("sil", NOW, ("ben", "amy"))).then(Event("VotersNudged", only_ben))
    some.when(NudgeVoters("sil", NOW, ("amy",))).then_rejected("nobody_to_nudge")


def test_the_organiser_closes_the_poll_once():
    polling.when(ClosePoll(NOW)).then(closed("organiser"))
    polling.given(closed("organiser")).when(ClosePoll(NOW)).then()
    polling.given(confirmed()).when(ClosePoll(NOW)).then_rejected("poll_closed")
