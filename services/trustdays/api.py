"""The trust days' HTTP API: PD days, sessions, places, registers; enforces access.py's rules."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import Response
from werkzeug.exceptions import NotFound

from events.decider import Outcome
from events.envelope import utcnow
from events.made_ids import made_id
from events.openapi import Blueprint
from events.service import Accepted, accepted, idempotency_key, identity, require
from services.trustdays import domain
from services.trustdays.access import ORGANISERS, places_anyone, plans_days, takes_register
from services.trustdays.copies import copy_of, id_maker
from services.trustdays.domain import Slot, SlotState
from services.trustdays.lookups import (
    LONDON,
    attendee_subject,
    attendees,
    booked_everywhere,
    day_subject,
    days,
    may_organise,
    session_leader,
    slot_subject,
    slots,
    staffed_breakouts,
    the_day,
    the_slot,
    whose,
    window,
)
from services.trustdays.people import in_the_trust
from services.trustdays.schemas import (
    AttendanceIn,
    Booked,
    CopyIn,
    DayIn,
    DayOut,
    ExemptionIn,
    MarkIn,
    MoveIn,
    NewDayIn,
    NudgeIn,
    Placed,
    PlaceIn,
    PlacementIn,
    ReasonIn,
    RegisterLine,
    RemovalIn,
    SessionIn,
    SlotIn,
    day_record,
    my_place,
    session_of,
    session_out,
)

blp = Blueprint("trustdays", __name__, description="PD days: programme, places, registers.")
WINDOW_MAX_AGE = 1.0
"""A place judged on a day's status and window up to a second old: in the rush that saves
a read of the log per booking, and a cancelled day's slots are closed by a reaction, which
releases any seat a stale read gave meanwhile (a closed slot refuses it)."""


# The day
@blp.post("/days")
@blp.arguments(NewDayIn)
@blp.response(201, Accepted)
def plan_day(fields: dict) -> Response:
    """Plan a PD day, in draft, with its timetable (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager plans PD days.")
    day_id = made_id("day")
    timetable = [Slot(slot_id=made_id(f"slot:{n}"), **s) for n, s in enumerate(fields.pop("slots"))]
    command = domain.PlanDay(day_record(day_id, fields), timetable)
    return accepted(days.execute(day_subject(day_id), command), 201, id=day_id)


@blp.get("/days/<day_id>")
@blp.response(200, DayOut)
def get_day(day_id: str) -> dict:
    """The day, its timetable and sessions with seats left, and my place in each slot."""
    day = the_day(day_id)
    assert day.record is not None
    me = identity().person_id
    timetable = []
    for slot in sorted(day.slots.values(), key=lambda s: s.starts):
        state = slots.state(slot_subject(day_id, slot.slot_id))
        sessions = [session_out(state, s) for s in state.sessions.values()]
        timetable.append({**asdict(slot), "sessions": sessions, "my_place": my_place(state, me)})
    return {**asdict(day.record), "status": day.status, "slots": timetable}


@blp.put("/days/<day_id>")
@blp.arguments(DayIn)
@blp.response(200, Accepted)
def update_day(fields: dict, day_id: str) -> Response:
    """Change the day's details or booking window (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager changes PD days.")
    the_day(day_id)
    command = domain.UpdateDay(day_record(day_id, fields))
    return accepted(days.execute(day_subject(day_id), command), id=day_id)


@blp.post("/days/<day_id>/slots")
@blp.arguments(SlotIn)
@blp.response(201, Accepted)
def add_slot(slot: dict, day_id: str) -> Response:
    """Add a slot to the timetable (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager changes the timetable.")
    slot_id = made_id("slot")
    command = domain.AddSlot(Slot(slot_id=slot_id, **slot))
    return accepted(days.execute(day_subject(day_id), command), 201, id=slot_id)


@blp.put("/days/<day_id>/slots/<slot_id>")
@blp.arguments(SlotIn)
@blp.response(200, Accepted)
def change_slot(slot: dict, day_id: str, slot_id: str) -> Response:
    """Retime or rename a slot, or change its speaker (CPD manager): the calendars of
    everyone with a seat in it follow."""
    require(plans_days(identity()), "Only the CPD manager changes the timetable.")
    the_slot(the_day(day_id), slot_id)
    command = domain.ChangeSlot(Slot(slot_id=slot_id, **slot))
    return accepted(days.execute(day_subject(day_id), command), id=slot_id)


@blp.delete("/days/<day_id>/slots/<slot_id>")
@blp.arguments(RemovalIn)
@blp.response(200, Accepted)
def remove_slot(body: dict, day_id: str, slot_id: str) -> Response:
    """Take a slot off the timetable, before the day (CPD manager): its sessions are
    cancelled, and its seats and waitlist places released by a reaction moments later."""
    require(plans_days(identity()), "Only the CPD manager changes the timetable.")
    the_slot(the_day(day_id), slot_id)
    today = datetime.now(LONDON).date()
    command = domain.RemoveSlot(slot_id, body["reason"], today)
    return accepted(days.execute(day_subject(day_id), command), id=slot_id)


@blp.post("/days/<day_id>/publish")
@blp.response(200, Accepted)
def publish_day(day_id: str) -> Response:
    """Publish the day: staff see it and book once the window opens (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager publishes PD days.")
    command = domain.PublishDay(staffed_breakouts(the_day(day_id)))
    return accepted(days.execute(day_subject(day_id), command), id=day_id)


@blp.post("/days/<day_id>/cancel")
@blp.arguments(ReasonIn)
@blp.response(200, Accepted)
def cancel_day(body: dict, day_id: str) -> Response:
    """Cancel the day (CPD manager). Its slots are closed, releasing every seat and
    waitlist place, by a reaction to DayCancelled moments later (services/trustdays/
    reactions.py): once done, even if this request or the reactor stops halfway."""
    require(plans_days(identity()), "Only the CPD manager cancels PD days.")
    the_day(day_id)
    return accepted(days.execute(day_subject(day_id), domain.CancelDay(body["reason"])), id=day_id)


@blp.post("/days/<day_id>/nudges")
@blp.arguments(NudgeIn)
@blp.response(200, Accepted)
def nudge(body: dict, day_id: str) -> Response:
    """Remind the staff the overview shows as not booked in every breakout slot (CPD
    manager): each is checked to be staff, and who has booked since is left out. Not twice
    within an hour (409 nudged_recently)."""
    me = identity()
    require(plans_days(me), "Only the CPD manager reminds staff to book.")
    day = the_day(day_id)
    chosen = tuple(
        in_the_trust(person_id, "person_ids", str(n))
        for n, person_id in enumerate(body["person_ids"])
    )
    command = domain.NudgeToBook(me.person_id, chosen, booked_everywhere(day, chosen), utcnow())
    return accepted(days.execute(day_subject(day_id), command), id=day_id)


@blp.post("/days/<day_id>/copies")
@blp.arguments(CopyIn)
@blp.response(201, Accepted)
def copy_day(fields: dict, day_id: str) -> Response:
    """Copy a whole day (CPD manager): a new draft day with this one's theme, venue,
    timetable and every session not cancelled, with no places. Send an Idempotency-Key:
    a retry with it copies once."""
    require(plans_days(identity()), "Only the CPD manager plans PD days.")
    source = the_day(day_id)
    make_id = id_maker(day_subject(day_id), identity().person_id, idempotency_key())
    states = [(s, slots.state(slot_subject(day_id, s))) for s in source.slots]
    copy = copy_of(source, states, fields, make_id)
    outcomes = [days.execute(day_subject(copy.day_id), copy.plan)]
    for slot_id, command in copy.sessions:
        outcomes.append(slots.execute(slot_subject(copy.day_id, slot_id), command))
    done = Outcome(max(o.seq for o in outcomes), [e for o in outcomes for e in o.events])
    return accepted(done, 201, id=copy.day_id)


# Sessions
@blp.post("/days/<day_id>/slots/<slot_id>/sessions")
@blp.arguments(SessionIn)
@blp.response(201, Accepted)
def add_session(fields: dict, day_id: str, slot_id: str) -> Response:
    """Add a session to a slot (CPD manager; a network lead, a session they lead)."""
    require(identity().holds(*ORGANISERS), "Only the CPD manager and network leads add sessions.")
    the_slot(the_day(day_id), slot_id)
    may_organise(fields)
    session_id = made_id("session")
    command = domain.AddSession(session_of(session_id, session_leader(fields)))
    return accepted(slots.execute(slot_subject(day_id, slot_id), command), 201, id=session_id)


@blp.put("/days/<day_id>/slots/<slot_id>/sessions/<session_id>")
@blp.arguments(SessionIn)
@blp.response(200, Accepted)
def update_session(fields: dict, day_id: str, slot_id: str, session_id: str) -> Response:
    """Change a session, its capacity included (CPD manager; a network lead, one they lead)."""
    require(identity().holds(*ORGANISERS), "Only the CPD manager and network leads do this.")
    the_slot(the_day(day_id), slot_id)
    state = slots.state(slot_subject(day_id, slot_id))
    if session_id not in state.sessions:
        raise NotFound("There is no such session in this slot.")
    may_organise(fields, state.sessions[session_id])
    command = domain.UpdateSession(session_of(session_id, session_leader(fields)))
    return accepted(slots.execute(slot_subject(day_id, slot_id), command), id=session_id)


@blp.post("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/cancel")
@blp.arguments(ReasonIn)
@blp.response(200, Accepted)
def cancel_session(body: dict, day_id: str, slot_id: str, session_id: str) -> Response:
    """Cancel a session, releasing its seats and waitlist (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager cancels sessions.")
    the_slot(the_day(day_id), slot_id)
    command = domain.CancelSession(session_id, body["reason"])
    return accepted(slots.execute(slot_subject(day_id, slot_id), command), id=session_id)


# Places
def placed(outcome, subject: str, person_id: str, **more: Any) -> Response:
    kinds = {event.type for event in outcome.events}
    if kinds & {"SessionBooked", "PromotedFromWaitlist"}:
        place = "seat"
    elif "WaitlistJoined" in kinds:
        place = "waitlist"
    else:  # a retried command: say where they are now
        found = my_place(slots.state(subject), person_id)
        place = found["place"] if found else "none"
    return accepted(outcome, 201 if outcome.events else 200, place=place, **more)


@blp.post("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/places")
@blp.arguments(PlaceIn)
@blp.response(201, Booked)
def book(body: dict, day_id: str, slot_id: str, session_id: str) -> Response:
    """Book a seat, or join the waitlist if the session is full."""
    person_id = in_the_trust(whose(body), "person_id")
    subject = slot_subject(day_id, slot_id)
    command = domain.Book(person_id, session_id, window(the_day(day_id, WINDOW_MAX_AGE), slot_id))
    return placed(slots.execute(subject, command), subject, person_id)


@blp.delete("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/places/<person_id>")
@blp.response(200, Booked)
def cancel_place(day_id: str, slot_id: str, session_id: str, person_id: str) -> Response:
    """Give up a seat (the first person waiting gets it) or leave the waitlist."""
    whose({"person_id": person_id})
    subject = slot_subject(day_id, slot_id)
    command = domain.CancelPlace(
        person_id, session_id, window(the_day(day_id, WINDOW_MAX_AGE), slot_id)
    )
    outcome = slots.execute(subject, command)
    return accepted(outcome, place="none")


@blp.post("/days/<day_id>/slots/<slot_id>/moves")
@blp.arguments(MoveIn)
@blp.response(200, Booked)
def move(body: dict, day_id: str, slot_id: str) -> Response:
    """Move a seat in this slot to another session with a free seat."""
    person_id = whose(body)
    subject = slot_subject(day_id, slot_id)
    command = domain.Move(
        person_id, body["session_id"], window(the_day(day_id, WINDOW_MAX_AGE), slot_id)
    )
    return accepted(slots.execute(subject, command), place="seat")


@blp.post("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/placements")
@blp.arguments(PlacementIn)
@blp.response(201, Placed)
def place_person(body: dict, day_id: str, slot_id: str, session_id: str) -> Response:
    """Place someone here (CPD manager): book them (its waitlist, if full), or move them
    here if they hold a seat in another session of this slot; window open or closed."""
    require(places_anyone(identity()), "Only the CPD manager places someone else.")
    person_id = in_the_trust(body["person_id"], "person_id")
    subject = slot_subject(day_id, slot_id)
    command = domain.PlacePerson(
        person_id, session_id, window(the_day(day_id, WINDOW_MAX_AGE), slot_id)
    )
    outcome = slots.execute(subject, command)
    moved = any(event.data.get("reason") == "moved" for event in outcome.events)
    return placed(outcome, subject, person_id, moved=moved)


# Registers
def may_take_register(state: SlotState, session_id: str) -> bool:
    session = state.sessions.get(session_id)
    if session is None:
        raise NotFound("There is no such session in this slot.")
    return takes_register(identity(), session.leader.person_id)


@blp.get("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/register")
@blp.response(200, RegisterLine(many=True))
def register(day_id: str, slot_id: str, session_id: str) -> list[dict]:
    """The register: everyone with a seat, and walk-ins, with their marks."""
    the_slot(the_day(day_id), slot_id)
    state = slots.state(slot_subject(day_id, slot_id))
    require(may_take_register(state, session_id), "Only the leader or CPD manager sees this.")
    seated = state.seats.get(session_id, ())
    walk_ins = [p for (p, s) in state.marks if s == session_id and p not in seated]
    return [
        {"person_id": p, "mark": state.marks.get((p, session_id)), "walk_in": p in walk_ins}
        for p in (*seated, *walk_ins)
    ]


@blp.put("/days/<day_id>/slots/<slot_id>/sessions/<session_id>/register/<person_id>")
@blp.arguments(MarkIn)
@blp.response(200, Accepted)
def mark(body: dict, day_id: str, slot_id: str, session_id: str, person_id: str) -> Response:
    """Mark someone present, late, absent or excused (the session's leader or CPD manager)."""
    day = the_day(day_id)
    assert day.record is not None
    minutes = the_slot(day, slot_id).minutes
    subject = slot_subject(day_id, slot_id)
    require(may_take_register(slots.state(subject), session_id), "Only the leader marks this.")
    if body["walk_in"]:
        in_the_trust(person_id, "person_id")
    command = domain.MarkAttendance(
        person_id,
        session_id,
        body["mark"],
        minutes,
        day.record.date,
        datetime.now(LONDON).date(),
        body["walk_in"],
    )
    return accepted(slots.execute(subject, command), id=person_id)


# Attending the day
@blp.put("/days/<day_id>/attendance")
@blp.arguments(AttendanceIn)
@blp.response(200, Accepted)
def confirm_attendance(body: dict, day_id: str) -> Response:
    """Say whether I attend the day, and my dietary needs (for lunch numbers)."""
    me = identity()
    day = the_day(day_id)
    first_slot = min(day.slots.values(), key=lambda s: s.starts)
    command = domain.ConfirmAttendance(
        day_id, me.person_id, me.school_id, body["attending"], body["dietary"],
        window(day, first_slot.slot_id),
    )  # fmt: skip
    subject = attendee_subject(day_id, me.person_id)
    return accepted(attendees.execute(subject, command), id=me.person_id)


@blp.put("/days/<day_id>/exemptions/<person_id>")
@blp.arguments(ExemptionIn)
@blp.response(200, Accepted)
def change_exemption(body: dict, day_id: str, person_id: str) -> Response:
    """Mark someone as not expected to book the day (part-time, not working that day...),
    or expected again (CPD manager)."""
    require(plans_days(identity()), "Only the CPD manager excuses someone.")
    day = the_day(day_id)
    if body["exempt"]:
        in_the_trust(person_id, "person_id")
    command = domain.ChangeExemption(day_id, person_id, body["exempt"], body["reason"], day.status)
    subject = attendee_subject(day_id, person_id)
    return accepted(attendees.execute(subject, command), id=person_id)
