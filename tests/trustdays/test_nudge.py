"""The CPD manager's nudge to book, given/when/then: on a published day open for booking,
those not booked every slot are named; not twice within an hour; refused before the
window opens, after it closes, on a draft or cancelled day, or with nobody left."""

from __future__ import annotations

from datetime import timedelta

from events import Event
from events.testing import scenario
from services.trustdays.domain import DayDecider, NudgeToBook, PlanDay
from tests.trustdays.test_day import KEYNOTE, MORNING, PUBLISHED, RECORD

day = scenario(DayDecider())
PLANNED = day.when(PlanDay(RECORD, (KEYNOTE, MORNING))).decided()
OPEN = RECORD.opens + timedelta(days=3)
CANCELLED = Event("DayCancelled", {"day_id": "day-1", "reason": "Snow"})


def nudge(*people: str, booked: frozenset[str] = frozenset(), at=OPEN) -> NudgeToBook:  # type: ignore[no-untyped-def]
    return NudgeToBook("cpd", people, booked, at)


def nudged(*people: str, at=OPEN) -> Event:  # type: ignore[no-untyped-def]
    return Event(
        "NudgedToBook", {"day_id": "day-1", "person_ids": list(people), "by_id": "cpd", "at": at}
    )


def test_the_people_not_booked_are_nudged_those_booked_since_left_out() -> None:
    day.given(*PLANNED, PUBLISHED).when(nudge("amy", "bob", "amy")).then(nudged("amy", "bob"))
    booked = frozenset({"bob"})
    day.given(*PLANNED, PUBLISHED).when(nudge("amy", "bob", booked=booked)).then(nudged("amy"))


def test_nobody_left_to_nudge_is_refused() -> None:
    everyone = frozenset({"amy"})
    day.given(*PLANNED, PUBLISHED).when(nudge("amy", booked=everyone)).then_rejected(
        "nobody_to_nudge", 409
    )


def test_not_twice_within_an_hour_then_again() -> None:
    given = day.given(*PLANNED, PUBLISHED, nudged("amy"))
    soon = OPEN + timedelta(minutes=59)
    given.when(nudge("amy", at=soon)).then_rejected("nudged_recently", 409)
    later = OPEN + timedelta(hours=1)
    given.when(nudge("amy", at=later)).then(nudged("amy", at=later))


def test_only_a_published_day_open_for_booking_is_nudged() -> None:
    day.given(*PLANNED).when(nudge("amy")).then_rejected("not_published", 409)
    day.given(*PLANNED, PUBLISHED, CANCELLED).when(nudge("amy")).then_rejected("day_cancelled")
    early = RECORD.opens - timedelta(minutes=1)
    day.given(*PLANNED, PUBLISHED).when(nudge("amy", at=early)).then_rejected("booking_not_open")
    late = RECORD.closes
    day.given(*PLANNED, PUBLISHED).when(nudge("amy", at=late)).then_rejected("booking_closed")


def test_the_last_nudge_is_remembered() -> None:
    assert day.given(*PLANNED, PUBLISHED, nudged("amy")).state().last_nudged == OPEN
