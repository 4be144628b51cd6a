"""A PD day's rules and a person's day, given/when/then."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from events import CommandRejected, Event
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
    return list(
        decider.decide(PlanDay(RECORD, slots or (KEYNOTE, MORNING)), decider.initial_state())
    )


def given(*events: Event):
    return decider.fold(events)


def when(command: object, *history: Event) -> list[str]:
    return [event.type for event in decider.decide(command, given(*history))]


def refused(command: object, *history: Event) -> str:
    with pytest.raises(CommandRejected) as rejection:
        decider.decide(command, given(*history))
    return rejection.value.rule


PUBLISHED = Event("DayPublished", {"day_id": "day-1"})
CANCELLED = Event("DayCancelled", {"day_id": "day-1", "reason": "Snow"})


def test_a_day_is_planned_in_draft_with_its_timetable():
    day = given(*planned())
    assert day.status == "draft" and list(day.slots) == ["keynote", "s1"]
    assert day.slots["s1"].minutes == 75
    assert refused(PlanDay(RECORD, [KEYNOTE]), *planned()) == "day_exists"


def test_the_timetable_has_no_overlaps_or_backward_slots():
    clash = Slot("s2", "breakout", "Clash", "09:30", "10:30")
    assert refused(PlanDay(RECORD, [KEYNOTE, clash])) == "slots_overlap"
    backwards = Slot("s2", "breakout", "Backwards", "12:00", "11:00")
    assert refused(PlanDay(RECORD, [backwards])) == "slot_ends_before_it_starts"
    assert refused(AddSlot(clash), *planned()) == "slots_overlap"
    after = Slot("s2", "breakout", "Breakout 2", "11:45", "13:00")
    assert when(AddSlot(after), *planned()) == ["SlotAdded"]
    assert refused(AddSlot(MORNING), *planned()) == "slot_exists"


def test_the_booking_window_closes_after_it_opens_and_by_the_day():
    backwards = replace(RECORD, closes=datetime(2026, 9, 1, 8, tzinfo=UTC))
    assert refused(PlanDay(backwards, [KEYNOTE])) == "window_ends_before_it_opens"
    late = replace(RECORD, closes=datetime(2026, 11, 28, 8, tzinfo=UTC))
    assert refused(UpdateDay(late), *planned()) == "window_after_the_day"


def test_publishing_once_is_enough_and_a_cancelled_day_stays_cancelled():
    assert when(PublishDay(), *planned()) == ["DayPublished"]
    assert when(PublishDay(), *planned(), PUBLISHED) == []
    assert when(CancelDay("Snow"), *planned(), PUBLISHED) == ["DayCancelled"]
    assert refused(PublishDay(), *planned(), CANCELLED) == "day_cancelled"
    assert refused(UpdateDay(RECORD), *planned(), CANCELLED) == "day_cancelled"
    assert refused(PublishDay()) == "unknown_day"


def test_an_unchanged_record_is_no_update():
    assert when(UpdateDay(RECORD), *planned()) == []
    assert when(UpdateDay(replace(RECORD, venue="Dale Park")), *planned()) == ["DayUpdated"]


NOW = datetime(2026, 11, 1, tzinfo=UTC)
OPEN = Window("published", "keynote", NOW, NOW, NOW)


def confirm(attending: bool = True, dietary: str = "", window: Window = OPEN):
    return ConfirmAttendance("day-1", "amy", "school-a", attending, dietary, window)


def test_a_person_says_they_come_and_what_they_eat_once_per_change():
    attendee = AttendeeDecider()
    first = attendee.decide(confirm(dietary="Vegetarian"), attendee.initial_state())
    assert [(e.type, e.data["dietary"]) for e in first] == [
        ("DayAttendanceConfirmed", "Vegetarian")
    ]
    state = attendee.fold(first)
    assert attendee.decide(confirm(dietary="Vegetarian"), state) == []
    assert attendee.decide(confirm(attending=False), state)[0].data["attending"] is False
    draft = replace(OPEN, status="draft")
    with pytest.raises(CommandRejected, match="day_not_published"):
        attendee.decide(confirm(window=draft), attendee.initial_state())
