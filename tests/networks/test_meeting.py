"""A meeting's date, given/when/then: confirming a poll's option (once), scheduling without
a poll, moving, cancelling, and the reactor's clash alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from events import Event
from services.networks.domain import Cancel, Confirm, FlagClash, Move
from tests.support.networks_domain import (
    AFTER,
    CANCELLED,
    NOW,
    SCHEDULE,
    A,
    B,
    closed,
    confirmed,
    dated,
    meeting,
    polling,
    vote,
)


def test_confirming_an_option_closes_an_open_poll_in_the_same_message():
    polling.when(Confirm(NOW, "a")).then(closed("organiser"), confirmed(A))
    polling.given(closed("all_answered")).when(Confirm(NOW, "b")).then(confirmed(B))
    state = dated.state()
    assert state.status == "confirmed" and state.when is not None and state.when.date == A.date


def test_confirming_after_the_deadline_records_the_deadline_closing_it():
    polling.when(Confirm(AFTER, "a")).then(closed("deadline"), confirmed(A))


def test_confirming_twice_is_refused_with_the_date_already_chosen():
    refusal = dated.when(Confirm(NOW, "b")).then_rejected("already_confirmed", 409)
    assert "Tue 13 October" in refusal.message


def test_confirming_an_option_the_poll_does_not_offer_is_refused():
    polling.when(Confirm(NOW, "z")).then_rejected("unknown_option", 422)
    polling.when(Confirm(NOW)).then_rejected("no_date", 422)


def test_the_organiser_may_confirm_another_date_with_its_warnings_and_place():
    other = Confirm(
        NOW, None, date(2026, 10, 20), "15:30", "17:00", "", "https://meet.example/x", ("PD day",)
    )
    (_, event) = polling.when(other).then("PollClosed", "MeetingConfirmed")
    assert event.data["option_id"] is None and event.data["warnings"] == ["PD day"]
    assert event.data["venue"] == "" and event.data["join_link"] == "https://meet.example/x"
    past = replace(other, date=date(2026, 9, 1))
    polling.when(past).then_rejected("in_the_past", 422)


def test_votes_stay_on_the_meeting_after_it_is_confirmed():
    state = polling.given(vote("amy", a="yes"), closed("organiser"), confirmed()).state()
    assert dict(state.votes["amy"].answers) == {"a": "yes"}


def test_a_meeting_is_scheduled_without_a_poll():
    (event,) = meeting.when(SCHEDULE).then("MeetingScheduled")
    assert event.data["series_id"] is None and event.data["invitees"][0] == {
        "person_id": "amy",
        "required": True,
    }
    state = meeting.given(event).state()
    assert state.status == "confirmed" and state.minutes == 90
    assert state.place == ("Trust office", "")
    meeting.given(event).when(Confirm(NOW, "a")).then_rejected("already_confirmed")
    meeting.when(replace(SCHEDULE, ends="15:00")).then_rejected("ends_before_it_starts", 422)
    meeting.when(replace(SCHEDULE, date=date(2026, 9, 30))).then_rejected("in_the_past", 422)


def moved(**changes):
    move = Move(date(2026, 10, 14), "16:00", "17:30", "Clash with parents' evening", NOW)
    return replace(move, **changes)


def test_a_dated_meeting_moves_with_a_reason_and_warnings():
    (event,) = dated.when(moved(warnings=("INSET at Oak Primary",))).then("MeetingMoved")
    assert event.data["warnings"] == ["INSET at Oak Primary"] and event.data["date"] == date(
        2026, 10, 14
    )
    same = moved(date=A.date, venue="Oak Primary")
    dated.when(same).then()
    polling.when(moved()).then_rejected("not_dated")
    dated.when(moved(ends="15:00")).then_rejected("ends_before_it_starts", 422)


def test_a_held_meeting_is_neither_moved_nor_cancelled():
    later = datetime(2026, 10, 13, 16, 0)
    dated.when(moved(now=later)).then_rejected("already_held")
    dated.when(Cancel("Too late", later)).then_rejected("already_held")


def test_a_cancelled_meeting_is_not_moved_cancelled_or_confirmed_again():
    dated.when(Cancel("Snow", NOW)).then(CANCELLED)
    polling.when(Cancel("Snow", NOW)).then(CANCELLED)
    gone = dated.given(CANCELLED)
    gone.when(moved()).then_rejected("meeting_cancelled", 409)
    gone.when(Cancel("Again", NOW)).then_rejected("meeting_cancelled", 409)
    polling.given(CANCELLED).when(Confirm(NOW, "a")).then_rejected("meeting_cancelled")


def test_an_unknown_meeting_is_not_found():
    meeting.when(Cancel("x", NOW)).then_rejected("no_such_meeting", 404)


def test_a_clash_is_flagged_once_until_the_meeting_is_dated_again():
    clash = Event("ClashFound", {"meeting_id": "m1", "reason": "INSET day at Oak Primary"})
    dated.when(FlagClash("INSET day at Oak Primary")).then(clash)
    dated.given(clash).when(FlagClash("INSET day at Oak Primary")).then()
    (move,) = dated.when(moved()).decided()
    assert dated.given(clash, move).state().clashes == ()
