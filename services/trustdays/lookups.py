"""What the trust days' routes ask first: the aggregates they act on (the day, a slot and
its booking window), whom a place is for, and whether the person may organise a session.
A day or slot the person may not see is 404, an act they may not do 403, a person who is
not one of the trust's staff 422."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from werkzeug.exceptions import NotFound

from events.envelope import utcnow
from events.service import Commands, identity, require
from services.trustdays import events as trustdays
from services.trustdays.access import may_see_day, organising_refusal, places_anyone
from services.trustdays.domain import (
    AttendeeDecider,
    Day,
    DayDecider,
    Session,
    Slot,
    SlotDecider,
    Window,
)
from services.trustdays.people import in_the_trust

days = Commands(DayDecider())
slots = Commands(SlotDecider())
attendees = Commands(AttendeeDecider())
LONDON = ZoneInfo("Europe/London")


def day_subject(day_id: str) -> str:
    return days.subject(*trustdays.day_subject(day_id))


def slot_subject(day_id: str, slot_id: str) -> str:
    return slots.subject(*trustdays.slot_subject(day_id, slot_id))


def attendee_subject(day_id: str, person_id: str) -> str:
    return attendees.subject(*trustdays.attendee_subject(day_id, person_id))


def the_day(day_id: str, max_age: float = 0.0) -> Day:
    """The day, for every route about it: a draft is the CPD manager's alone, and to
    everyone else it does not exist (404, as its page answers)."""
    day = days.state(day_subject(day_id), max_age)
    if day.record is None or not may_see_day(identity(), day.status):
        raise NotFound("There is no such PD day.")
    return day


def the_slot(day: Day, slot_id: str) -> Slot:
    if slot_id not in day.slots:
        raise NotFound("There is no such slot on this PD day.")
    return day.slots[slot_id]


def staffed_breakouts(day: Day) -> frozenset[str]:
    """The day's breakout slots with at least one open session, read from each slot."""
    assert day.record is not None
    breakouts = [slot.slot_id for slot in day.slots.values() if slot.kind == "breakout"]
    return frozenset(
        slot_id
        for slot_id in breakouts
        if slots.state(slot_subject(day.record.day_id, slot_id)).open_sessions()
    )


def booked_everywhere(day: Day, person_ids: tuple[str, ...]) -> frozenset[str]:
    """Of these people, who is taken in every breakout slot with an open session now (a
    seat, or leading one of its sessions), read from each slot."""
    assert day.record is not None
    breakouts = [slot.slot_id for slot in day.slots.values() if slot.kind == "breakout"]
    booked = frozenset(person_ids)
    for slot_id in breakouts:
        state = slots.state(slot_subject(day.record.day_id, slot_id))
        if state.open_sessions():
            booked &= frozenset(state.holder) | frozenset(state.leaders())
    return booked


def window(day: Day, slot_id: str) -> Window:
    assert day.record is not None
    return Window(
        status=day.status,
        kind=the_slot(day, slot_id).kind,
        opens=day.record.opens,
        closes=day.record.closes,
        now=utcnow(),
        as_manager=places_anyone(identity()),
    )


def whose(place: dict) -> str:
    """The person a place is for: me, or anyone if I place anyone's (the CPD manager)."""
    me = identity()
    person_id = place.get("person_id") or me.person_id
    require(person_id == me.person_id or places_anyone(me), "You book for yourself only.")
    return person_id


def may_organise(fields: dict, current: Session | None = None) -> None:
    """Refused (403) unless I may add, or change `current`, with this leader (access.py)."""
    current_leader = current.leader.person_id if current else None
    why = organising_refusal(identity(), fields["leader"]["person_id"], current_leader, not current)
    require(why is None, why or "")


def session_leader(fields: dict) -> dict:
    """The session's fields, once its leader (unless external) is one of the trust's staff."""
    if fields["leader"]["person_id"] is not None:
        in_the_trust(fields["leader"]["person_id"], "leader", "person_id")
    return fields
