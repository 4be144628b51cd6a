"""What the trust days' API takes and gives, and how its fields become the deciders'
records and their state an answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from events.school_dates import within_school_years
from services.trustdays.domain import DayRecord, Leader, Session, SlotState
from services.trustdays.events import (
    ACADEMIC_YEAR,
    AUDIENCES,
    COMMUNITIES,
    KEPT,
    MARKS,
    MODES,
    PHASES,
    SLOT_KINDS,
    TERMS,
    TEXT,
    TIME,
)

WALL_CLOCK = "HH:MM, the wall-clock time in Europe/London on the day (no seconds, no offset)"
HTTPS = validate.URL(schemes={"https"}, error="Give the link as https://...")


class SlotIn(Schema):
    """A slot of the timetable: a keynote (for everyone, nobody books it) or a breakout
    (its sessions are booked, one seat per person per slot). Slots must not overlap."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf(SLOT_KINDS),
        metadata={"description": "keynote or breakout"},
    )
    title = fields.String(
        required=True,
        validate=TEXT,
        metadata={"description": "a keynote's own title; a breakout's name (Breakout 1)"},
    )
    speaker = fields.String(
        load_default="",
        validate=KEPT,
        metadata={"description": "a keynote's speaker"},
    )
    starts = fields.String(
        required=True,
        validate=TIME,
        metadata={"example": "10:15", "description": f"starts at {WALL_CLOCK}"},
    )
    ends = fields.String(
        required=True,
        validate=TIME,
        metadata={"example": "11:30", "description": f"ends at {WALL_CLOCK}; after it starts"},
    )


class DayIn(Schema):
    date = fields.Date(validate=within_school_years, required=True)
    academic_year = fields.String(required=True, validate=ACADEMIC_YEAR)
    term = fields.Integer(required=True, strict=True, validate=validate.OneOf(TERMS))
    title = fields.String(required=True, validate=TEXT)
    theme = fields.String(required=True, validate=TEXT)
    venue = fields.String(required=True, validate=TEXT)
    opens = fields.AwareDateTime(
        validate=within_school_years, required=True, metadata={"description": "booking opens"}
    )
    closes = fields.AwareDateTime(
        validate=within_school_years, required=True, metadata={"description": "booking closes"}
    )


class NewDayIn(DayIn):
    slots = fields.List(
        fields.Nested(SlotIn),
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "The timetable, at least one slot: keynotes and breakouts, times "
            f"{WALL_CLOCK}, none overlapping. Sessions are added to a breakout afterwards."
        },
    )


class CopyIn(Schema):
    """The copy's own date, year, term and booking window; its title, if not the source's."""

    date = fields.Date(validate=within_school_years, required=True)
    academic_year = fields.String(required=True, validate=ACADEMIC_YEAR)
    term = fields.Integer(required=True, strict=True, validate=validate.OneOf(TERMS))
    opens = fields.AwareDateTime(
        validate=within_school_years, required=True, metadata={"description": "booking opens"}
    )
    closes = fields.AwareDateTime(
        validate=within_school_years, required=True, metadata={"description": "booking closes"}
    )
    title = fields.String(load_default=None, validate=TEXT)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=TEXT)


class RemovalIn(Schema):
    reason = fields.String(load_default="Taken off the timetable.", validate=TEXT)


class NudgeIn(Schema):
    person_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=5000, error="Name from 1 to 5000 people."),
        metadata={"description": "whom to remind: those not booked in every breakout slot"},
    )


class ExemptionIn(Schema):
    exempt = fields.Boolean(
        required=True, metadata={"description": "true: not expected to book this day"}
    )
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "part-time, not working that day..."},
    )


class LeaderIn(Schema):
    person_id = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "None: an external facilitator"},
    )
    name = fields.String(required=True, validate=TEXT)
    bio = fields.String(
        load_default="",
        validate=validate.Length(max=1000),
        metadata={"description": "an external facilitator's short bio"},
    )


class SessionIn(Schema):
    title = fields.String(required=True, validate=TEXT)
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    community = fields.String(required=True, validate=validate.OneOf(COMMUNITIES))
    leader = fields.Nested(LeaderIn, required=True)
    room = fields.String(required=True, validate=TEXT)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2000))
    audience = fields.String(load_default="all", validate=validate.OneOf(AUDIENCES))
    phase = fields.String(load_default="all", validate=validate.OneOf(PHASES))
    mode = fields.String(load_default="in_person", validate=validate.OneOf(MODES))
    join_link = fields.String(
        load_default="",
        validate=validate.Length(max=1000),
        metadata={"description": "online: the https:// link to join (required); in person: none"},
    )
    network_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "the network whose meeting this session is (counts as one)"},
    )

    @validates_schema
    def online_sessions_have_a_link(self, data: dict, **_: Any) -> None:
        link = data.get("join_link", "")
        if data.get("mode") != "online":
            if link:
                raise ValidationError("Only an online session has a join link.", "join_link")
            return
        if not link:
            raise ValidationError("An online session needs its https:// link.", "join_link")
        try:
            HTTPS(link)
        except ValidationError as error:
            raise ValidationError(error.messages, "join_link") from None


class PlaceIn(Schema):
    person_id = fields.String(
        load_default=None, metadata={"description": "someone else (CPD manager); default: me"}
    )


class MoveIn(PlaceIn):
    session_id = fields.String(required=True, metadata={"description": "the session to move to"})


class PlacementIn(Schema):
    person_id = fields.String(required=True, metadata={"description": "the person placed"})


class MarkIn(Schema):
    mark = fields.String(required=True, validate=validate.OneOf(MARKS))
    walk_in = fields.Boolean(load_default=False)


class AttendanceIn(Schema):
    attending = fields.Boolean(required=True)
    dietary = fields.String(load_default="", validate=validate.Length(max=500))


class Booked(Schema):
    seq = fields.Integer()
    events = fields.List(fields.String())
    place = fields.String(metadata={"description": "seat, waitlist or none"})


class SessionOut(SessionIn):
    session_id = fields.String()
    booked = fields.Integer()
    waiting = fields.Integer()
    seats_left = fields.Integer()
    cancelled = fields.Boolean()


class SlotOut(SlotIn):
    slot_id = fields.String()
    sessions = fields.List(fields.Nested(SessionOut))
    my_place = fields.Dict(allow_none=True)


class DayOut(DayIn):
    day_id = fields.String()
    status = fields.String()
    slots = fields.List(fields.Nested(SlotOut))


class RegisterLine(Schema):
    person_id = fields.String()
    mark = fields.String(allow_none=True)
    walk_in = fields.Boolean()


class Placed(Booked):
    moved = fields.Boolean(metadata={"description": "moved here from another session"})


# From fields to records, and from state to answers
def day_record(day_id: str, loaded: dict) -> DayRecord:
    return DayRecord(
        day_id=day_id,
        date=loaded["date"],
        academic_year=loaded["academic_year"],
        term=loaded["term"],
        title=loaded["title"],
        theme=loaded["theme"],
        venue=loaded["venue"],
        opens=loaded["opens"],
        closes=loaded["closes"],
    )


def session_of(session_id: str, loaded: dict) -> Session:
    return Session(session_id=session_id, **{**loaded, "leader": Leader(**loaded["leader"])})


def session_out(state: SlotState, session: Session) -> dict[str, Any]:
    booked = len(state.seats.get(session.session_id, ()))
    return {
        **asdict(session),
        "booked": booked,
        "waiting": len(state.waiting(session.session_id)),
        "seats_left": max(session.capacity - booked, 0),
        "cancelled": session.session_id in state.cancelled,
    }


def my_place(state: SlotState, person_id: str) -> dict | None:
    if person_id in state.holder:
        return {"session_id": state.holder[person_id], "place": "seat"}
    waiting = [s for s, people in state.waitlists.items() if person_id in people]
    return {"session_id": waiting[0], "place": "waitlist"} if waiting else None
