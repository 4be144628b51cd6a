"""A series of meetings and a school's priorities, given/when/then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from events import Event
from events.testing import scenario
from services.networks.domain import (
    EndSeries,
    Occurrence,
    PlanDecider,
    PlanSeries,
    Priority,
    SeriesDecider,
    SetPriorities,
    Skipped,
)

series = scenario(SeriesDecider())
PLAN = PlanSeries(
    series_id="s1",
    network_id="elg",
    title="Executive leadership group",
    organiser_id="ceo",
    every_weeks=2,
    weekday=1,
    starts="09:00",
    ends="11:00",
    first=date(2026, 9, 8),
    last=date(2026, 10, 20),
    occurrences=(Occurrence("m1", date(2026, 9, 8)), Occurrence("m2", date(2026, 10, 6))),
    skipped=(Skipped(date(2026, 9, 22), "INSET at Oak Primary"),),
    venue="Trust office",
)


def test_a_series_is_planned_once_with_its_dates_and_what_it_skips():
    (event,) = series.when(PLAN).then("SeriesPlanned")
    assert event.data["occurrences"][1] == {"meeting_id": "m2", "date": date(2026, 10, 6)}
    assert event.data["skipped"] == [{"date": date(2026, 9, 22), "reason": "INSET at Oak Primary"}]
    assert series.given(event).state().plan == PLAN
    series.given(event).when(PLAN).then_rejected("series_exists", 409)


def test_a_series_meets_on_its_weekday_between_its_first_and_last_days():
    monday = (Occurrence("m1", date(2026, 9, 14)),)
    series.when(replace(PLAN, occurrences=monday)).then_rejected("wrong_weekday", 422)
    later = (Occurrence("m1", date(2026, 10, 27)),)
    series.when(replace(PLAN, occurrences=later)).then_rejected("outside_the_series", 422)
    series.when(replace(PLAN, occurrences=())).then_rejected("no_dates", 422)
    twice = (PLAN.occurrences[0], replace(PLAN.occurrences[1], meeting_id="m1"))
    series.when(replace(PLAN, occurrences=twice)).then_rejected("occurrences_repeat", 422)
    series.when(replace(PLAN, last=date(2026, 9, 1))).then_rejected("ends_before_it_starts")
    series.when(replace(PLAN, ends="08:00")).then_rejected("ends_before_it_starts", 422)


def test_a_series_ends_once():
    (planned,) = series.when(PLAN).decided()
    ended = Event("SeriesEnded", {"series_id": "s1", "reason": "New year"})
    series.given(planned).when(EndSeries("New year")).then(ended)
    series.given(planned, ended).when(EndSeries("Again")).then_rejected("series_ended")
    series.when(EndSeries("x")).then_rejected("no_such_series", 404)


plan = scenario(PlanDecider())
PRIORITIES = (Priority("p1", "Reading for pleasure"), Priority("p2", "Attendance"))


def test_a_school_sets_its_priorities_for_a_year_whole():
    set_them = SetPriorities("oak", "2026-27", PRIORITIES)
    (event,) = plan.when(set_them).then("PrioritiesSet")
    assert event.data["priorities"][0] == {"priority_id": "p1", "title": "Reading for pleasure"}
    plan.given(event).when(set_them).then()
    next_year = SetPriorities("oak", "2027-28", PRIORITIES)
    plan.given(event).when(next_year).then("PrioritiesSet")
    same_title = (PRIORITIES[0], Priority("p3", "reading for pleasure "))
    plan.when(SetPriorities("oak", "2026-27", same_title)).then_rejected("priorities_repeat")
    untitled = (Priority("p3", "  "),)
    plan.when(SetPriorities("oak", "2026-27", untitled)).then_rejected("untitled_priority")
