"""A PD day's rules and a person's day, given/when/then."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from events import Event
from events.testing import scenario
from services.trustdays.domain import (
    AddSlot,
    AttendeeDecider,
    CancelDay,
    ConfirmAttendance,
    DayDecider,
    DayRecord,
    PlanDay,
    PublishDay,
    Slot,
    UpdateDay,
    Window,
)

decider = DayDecider()
day = scenario(decider)
RECORD = DayRecord(
    day_id="day-1",
    date=date(2026, 11, 27),
    academic_year="2026-27",
    term=2,
    title="Autumn PD day",
    theme="Attendance",
    venue="Calder Valley Academy",
    opens=datetime(2026, 10, 1, 8, tzinfo=UTC),
    closes=datetime(2026, 11, 20, 17, tzinfo=UTC),
)
KEYNOTE = Slot("keynote", "keynote", "Keynote", "09:00", "10:00")
MORNING = Slot("s1", "breakout", "Breakout 1", "10:15", "11:30")


def planned(*slots: Slot) -> list[Event]:
    return day.when(PlanDay(RECORD, slots or (KEYNOTE, MORNING))).decided()


PUBLISHED = Event("DayPublished", {"day_id": "day-1"})
CANCELLED = Event("DayCancelled", {"day_id": "day-1", "reason": "Snow"})


def test_a_day_is_planned_in_draft_with_its_timetable():
    planned_day = day.given(*planned()).state()
    assert planned_day.status == "draft" and list(planned_day.slots) == ["keynote", "s1"]
    assert planned_day.slots["s1"].minutes == 75
    day.given(*planned()).when(PlanDay(RECORD, [KEYNOTE])).then_rejected("day_exists")


def test_the_timetable_has_no_overlaps_or_backward_slots():
    clash = Slot("s2", "breakout", "Clash", "09:30", "10:30")
    day.when(PlanDay(RECORD, [KEYNOTE, clash])).then_rejected("slots_overlap")
    backwards = Slot("s2", "breakout", "Backwards", "12:00", "11:00")
    day.when(PlanDay(RECORD, [backwards])).then_rejected("slot_ends_before_it_starts")
    day.given(*planned()).when(AddSlot(clash)).then_rejected("slots_overlap")
    after = Slot("s2", "breakout", "Breakout 2", "11:45", "13:00")
    day.given(*planned()).when(AddSlot(after)).then("SlotAdded")
    day.given(*planned()).when(AddSlot(MORNING)).then_rejected("slot_exists")


def test_the_booking_window_closes_after_it_opens_and_by_the_day():
    backwards = replace(RECORD, closes=datetime(2026, 9, 1, 8, tzinfo=UTC))
    day.when(PlanDay(backwards, [KEYNOTE])).then_rejected("window_ends_before_it_opens")
    late = replace(RECORD, closes=datetime(2026, 11, 28, 8, tzinfo=UTC))
    day.given(*planned()).when(UpdateDay(late)).then_rejected("window_after_the_day")


def test_publishing_once_is_enough_and_a_cancelled_day_stays_cancelled():
    day.given(*planned()).when(PublishDay()).then("DayPublished")
    day.given(*planned(), PUBLISHED).when(PublishDay()).then()
    day.given(*planned(), PUBLISHED).when(CancelDay("Snow")).then("DayCancelled")
    day.given(*planned(), CANCELLED).when(PublishDay()).then_rejected("day_cancelled")
    day.given(*planned(), CANCELLED).when(UpdateDay(RECORD)).then_rejected("day_cancelled")
    day.when(PublishDay()).then_rejected("unknown_day")


def test_an_unchanged_record_is_no_update():
    day.given(*planned()).when(UpdateDay(RECORD)).then()
    day.given(*planned()).when(UpdateDay(replace(RECORD, venue="Dale Park"))).then("DayUpdated")


NOW = datetime(2026, 11, 1, tzinfo=UTC)
OPEN = Window("published", "keynote", NOW, NOW, NOW)


def confirm(attending: bool = True, dietary: str = "", window: Window = OPEN):
    return ConfirmAttendance("day-1", "amy", "school-a", attending, dietary, window)


def test_a_person_says_they_come_and_what_they_eat_once_per_change():
    attendee = scenario(AttendeeDecider())
    first = attendee.when(confirm(dietary="Vegetarian")).then_matching(
        Event("DayAttendanceConfirmed", {"dietary": "Vegetarian"})
    )
    confirmed = attendee.given(*first)
    confirmed.when(confirm(dietary="Vegetarian")).then()
    confirmed.when(confirm(attending=False)).then_matching(
        Event("DayAttendanceConfirmed", {"attending": False})
    )
    draft = replace(OPEN, status="draft")
    attendee.when(confirm(window=draft)).then_rejected("day_not_published")
