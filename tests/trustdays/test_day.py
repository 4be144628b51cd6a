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
    ChangeExemption,
    ChangeSlot,
    ConfirmAttendance,
    DayDecider,
    DayRecord,
    PlanDay,
    PublishDay,
    RemoveSlot,
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


STAFFED = PublishDay(frozenset({MORNING.slot_id}))


def test_publishing_once_is_enough_and_a_cancelled_day_stays_cancelled():
    day.given(*planned()).when(STAFFED).then("DayPublished")
    day.given(*planned(), PUBLISHED).when(STAFFED).then()
    day.given(*planned(), PUBLISHED).when(CancelDay("Snow")).then("DayCancelled")
    day.given(*planned(), CANCELLED).when(STAFFED).then_rejected("day_cancelled")
    day.given(*planned(), CANCELLED).when(UpdateDay(RECORD)).then_rejected("day_cancelled")
    day.when(STAFFED).then_rejected("unknown_day")


def test_a_day_is_published_only_when_every_breakout_has_a_session():
    day.given(*planned()).when(PublishDay(frozenset())).then_rejected("breakout_without_sessions")
    keynote_only = planned(KEYNOTE)
    day.given(*keynote_only).when(PublishDay(frozenset())).then_rejected("no_breakout")


def test_an_unchanged_record_is_no_update():
    day.given(*planned()).when(UpdateDay(RECORD)).then()
    day.given(*planned()).when(UpdateDay(replace(RECORD, venue="Dale Park"))).then("DayUpdated")


def test_a_slot_is_retimed_renamed_or_given_a_speaker_and_the_timetable_stays_sound():
    timetable = day.given(*planned())
    keynote = replace(KEYNOTE, title="Belonging", speaker="Dr Ade Okafor", ends="09:45")
    changed = timetable.when(ChangeSlot(keynote)).then(
        Event("SlotChanged", {"day_id": "day-1", **vars(keynote)})
    )
    assert timetable.given(*changed).state().slots["keynote"] == keynote
    timetable.when(ChangeSlot(KEYNOTE)).then()
    later = replace(MORNING, starts="10:30", ends="11:45")
    timetable.when(ChangeSlot(later)).then("SlotChanged")
    into_the_keynote = replace(MORNING, starts="09:30")
    timetable.when(ChangeSlot(into_the_keynote)).then_rejected("slots_overlap", 422)
    backwards = replace(MORNING, ends="10:00")
    timetable.when(ChangeSlot(backwards)).then_rejected("slot_ends_before_it_starts", 422)
    nowhere = replace(MORNING, slot_id="s9")
    timetable.when(ChangeSlot(nowhere)).then_rejected("unknown_slot", 404)
    day.given(*planned(), CANCELLED).when(ChangeSlot(later)).then_rejected("day_cancelled")


BEFORE_THE_DAY = date(2026, 11, 1)


def test_a_slot_is_removed_before_the_day_but_never_the_last_one():
    timetable = day.given(*planned())
    removed = timetable.when(RemoveSlot("s1", "Too long a day", BEFORE_THE_DAY)).then(
        Event("SlotRemoved", {"day_id": "day-1", "slot_id": "s1", "reason": "Too long a day"})
    )
    left = timetable.given(*removed)
    assert list(left.state().slots) == ["keynote"]
    left.when(RemoveSlot("keynote", "x", BEFORE_THE_DAY)).then_rejected("last_slot")
    left.when(RemoveSlot("s1", "x", BEFORE_THE_DAY)).then_rejected("unknown_slot", 404)
    left.when(AddSlot(MORNING)).then("SlotAdded")
    timetable.when(RemoveSlot("s1", "x", RECORD.date)).then_rejected("day_has_come")
    day.given(*planned(), CANCELLED).when(RemoveSlot("s1", "x", BEFORE_THE_DAY)).then_rejected(
        "day_cancelled"
    )


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


def exemption(exempt: bool = True, reason: str = "Part-time", status: str = "published"):
    return ChangeExemption("day-1", "amy", exempt, reason, status)


def test_the_cpd_manager_excuses_someone_from_booking_a_day_once_per_change():
    attendee = scenario(AttendeeDecider())
    excused = attendee.when(exemption()).then(
        Event(
            "ExemptionChanged",
            {"day_id": "day-1", "person_id": "amy", "reason": "Part-time", "exempt": True},
        )
    )
    attendee.given(*excused).when(exemption()).then()
    attendee.given(*excused).when(exemption(reason="Not working Fridays")).then("ExemptionChanged")
    expected_again = (
        attendee.given(*excused)
        .when(exemption(False, "ignored"))
        .then_matching(Event("ExemptionChanged", {"exempt": False, "reason": ""}))
    )
    attendee.given(*excused, *expected_again).when(exemption(False)).then()
    attendee.when(exemption(False)).then()
    attendee.when(exemption(status="draft")).then("ExemptionChanged")
    attendee.when(exemption(status="cancelled")).then_rejected("day_cancelled")


def test_an_exemption_and_an_answer_about_coming_keep_each_other():
    attendee = scenario(AttendeeDecider())
    excused = attendee.when(exemption()).decided()
    answered = attendee.given(*excused).when(confirm(dietary="Vegan")).decided()
    state = attendee.given(*excused, *answered).state()
    assert (state.exempt, state.exempt_because, state.dietary) == (True, "Part-time", "Vegan")
