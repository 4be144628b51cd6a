"""The trust days' facts: PD days and their timetable, sessions, seats, waitlists, registers.

A day's own facts go to `trustdays.day.<day>`; each slot's sessions, seats and waitlists to
`trustdays.day.<day>.slot.<slot>`, so that "one seat per slot" and "no more seats than the
room holds" are each decided on one aggregate; a person's attendance of the day to
`trustdays.day.<day>.attendee.<person>`.

This module is the trust days' contract, for everyone who reads their facts: the event
types and schemas, the subjects (built with `day_subject`, `slot_subject`,
`attendee_subject` and read back with `parse_subject`), and each vocabulary with the
labels pages show.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from marshmallow import Schema, fields, validate

from events import registry
from events.school_dates import ACADEMIC_YEAR, TIME

SERVICE = "trustdays"
STATUSES = {"draft": "Draft", "published": "Published", "cancelled": "Cancelled"}
SLOT_KINDS = {"keynote": "Keynote", "breakout": "Breakout"}
AUDIENCES = {"all": "All staff", "teaching": "Teaching staff", "support": "Support staff"}
PHASES = {"all": "All phases", "primary": "Primary", "secondary": "Secondary", "special": "Special"}
MODES = {"in_person": "In person", "online": "Online"}
MARKS = {"present": "Present", "late": "Late", "absent": "Absent", "excused": "Excused"}
EARNS_HOURS = ("present", "late")
TERMS = (1, 2, 3, 4, 5, 6)
COMMUNITIES = {
    "whole_staff": "Whole staff",
    "leadership": "Leadership",
    "primary_english": "Primary English",
    "primary_maths": "Primary maths",
    "eyfs": "EYFS",
    "secondary_english": "Secondary English",
    "secondary_maths": "Secondary maths",
    "secondary_science": "Secondary science",
    "secondary_humanities": "Secondary humanities",
    "secondary_languages": "Secondary languages",
    "secondary_arts": "Secondary arts",
    "pe": "PE",
    "send": "SEND",
    "pastoral": "Pastoral support",
    "teaching_assistants": "Teaching assistants",
    "finance_hr": "Finance and HR",
    "it_site": "IT and site teams",
    "early_career": "Early career teachers",
    "safeguarding": "Safeguarding",
}
VOCABULARIES = {
    "status": STATUSES,
    "kind": SLOT_KINDS,
    "audience": AUDIENCES,
    "phase": PHASES,
    "mode": MODES,
    "mark": MARKS,
    "community": COMMUNITIES,
}
"""Each vocabulary, by the field that holds it, as value -> the label pages show."""


def day_subject(day_id: str) -> tuple[str, ...]:
    """The tokens of a day's subject (its record and timetable); the store or a service's
    `Commands` puts the stream's prefix before them: `store.subject(*day_subject(day))`."""
    return (SERVICE, "day", day_id)


def slot_subject(day_id: str, slot_id: str) -> tuple[str, ...]:
    """The tokens of a slot's subject: its sessions, seats, waitlists and registers."""
    return (*day_subject(day_id), "slot", slot_id)


def attendee_subject(day_id: str, person_id: str) -> tuple[str, ...]:
    """The tokens of a person's attendance of a day (coming or not, dietary needs)."""
    return (*day_subject(day_id), "attendee", person_id)


class SubjectRef(NamedTuple):
    """What a trust days subject names: a day, and one of its slots or attendees."""

    day_id: str
    slot_id: str | None = None
    person_id: str | None = None


SUBJECT = re.compile(rf"(?:^|\.){SERVICE}\.day\.([^.]+)(?:\.(slot|attendee)\.([^.]+))?$")


def parse_subject(subject: str) -> SubjectRef:
    """The day, slot or attendee a full subject (stream prefix included) names; ValueError
    for a subject that is not one of the trust days' own."""
    found = SUBJECT.search(subject)
    if found is None:
        raise ValueError(f"{subject!r} is not a trust days subject")
    day_id, kind, inner = found.groups()
    if kind == "slot":
        return SubjectRef(day_id, slot_id=inner)
    if kind == "attendee":
        return SubjectRef(day_id, person_id=inner)
    return SubjectRef(day_id)


TEXT = validate.Length(min=1, max=200)
"""A day's title, theme and venue, a slot's or session's title, a room, a leader's name, as a
command takes them; a fact carries them with KEPT (the read models keep 200 characters)."""
KEPT = validate.Length(max=200)
"""At most what a read model keeps of a TEXT (and of a keynote's speaker, who may be none)."""


class SlotRecord(Schema):
    """Times are HH:MM, the wall-clock time in Europe/London on the day."""

    slot_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SLOT_KINDS))
    title = fields.String(required=True, validate=KEPT)
    """A keynote's own title (a breakout's: "Breakout 1"...)."""
    speaker = fields.String(load_default="", validate=KEPT)
    """A keynote's speaker; "" for a breakout (and in events written before speakers)."""
    starts = fields.String(required=True, validate=TIME)
    ends = fields.String(required=True, validate=TIME)


class DayRecord(Schema):
    day_id = fields.String(required=True)
    date = fields.Date(required=True)
    academic_year = fields.String(required=True, validate=ACADEMIC_YEAR)
    term = fields.Integer(required=True, strict=True, validate=validate.OneOf(TERMS))
    title = fields.String(required=True, validate=KEPT)
    theme = fields.String(required=True, validate=KEPT)
    venue = fields.String(required=True, validate=KEPT)
    opens = fields.AwareDateTime(required=True)
    closes = fields.AwareDateTime(required=True)


@registry.event("DayPlanned")
class DayPlanned(DayRecord):
    """A new PD day, in draft, with its timetable."""

    slots = fields.List(fields.Nested(SlotRecord), required=True)


@registry.event("DayUpdated")
class DayUpdated(DayRecord):
    """The day's whole record as it now is."""


@registry.event("SlotAdded")
class SlotAdded(SlotRecord):
    day_id = fields.String(required=True)


@registry.event("SlotChanged")
class SlotChanged(SlotRecord):
    """A slot's record as it now is: retimed, renamed, or its speaker changed. Calendars
    follow it (the day's and the slot's sessions' SEQUENCE rise)."""

    day_id = fields.String(required=True)


@registry.event("SlotRemoved")
class SlotRemoved(Schema):
    """A slot taken off the timetable. A reaction closes the slot's own aggregate, which
    releases its seats and waitlist places (services/trustdays/reactions.py)."""

    day_id = fields.String(required=True)
    slot_id = fields.String(required=True)
    reason = fields.String(required=True)


@registry.event("DayPublished")
class DayPublished(Schema):
    day_id = fields.String(required=True)


@registry.event("DayCancelled")
class DayCancelled(Schema):
    day_id = fields.String(required=True)
    reason = fields.String(required=True)


class Leader(Schema):
    person_id = fields.String(required=True, allow_none=True)
    """None for an external facilitator."""
    name = fields.String(required=True, validate=KEPT)
    bio = fields.String(load_default="")
    """An external facilitator's short bio; "" for the trust's own staff."""


class SessionRecord(Schema):
    session_id = fields.String(required=True)
    title = fields.String(required=True, validate=KEPT)
    description = fields.String(required=True)
    community = fields.String(required=True, validate=validate.OneOf(COMMUNITIES))
    leader = fields.Nested(Leader, required=True)
    room = fields.String(required=True, validate=KEPT)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    join_link = fields.String(load_default="")
    """An online session's https:// link to join; "" in person (and in older events)."""
    network_id = fields.String(load_default=None, allow_none=True)
    """The network whose meeting this session is (it counts as one of that network's
    meetings); None for any other session (and in older events)."""


@registry.event("SessionAdded")
class SessionAdded(SessionRecord):
    pass


@registry.event("SessionUpdated")
class SessionUpdated(SessionRecord):
    """The session's whole record as it now is (capacity included)."""


@registry.event("SessionCancelled")
class SessionCancelled(Schema):
    session_id = fields.String(required=True)
    reason = fields.String(required=True)


@registry.event("SlotClosed")
class SlotClosed(Schema):
    """The day was cancelled, or the slot removed: nothing more happens in this slot."""

    reason = fields.String(required=True)


class Place(Schema):
    person_id = fields.String(required=True)
    session_id = fields.String(required=True)


@registry.event("SessionBooked")
class SessionBooked(Place):
    pass


@registry.event("BookingCancelled")
class BookingCancelled(Place):
    reason = fields.String(required=True)
    """cancelled, moved, session_cancelled, day_cancelled or slot_removed."""


@registry.event("WaitlistJoined")
class WaitlistJoined(Place):
    pass


@registry.event("WaitlistLeft")
class WaitlistLeft(Place):
    reason = fields.String(required=True)


@registry.event("PromotedFromWaitlist")
class PromotedFromWaitlist(Place):
    """A seat came free and the first eligible person waiting got it."""


@registry.event("AttendanceMarked")
class AttendanceMarked(Place):
    mark = fields.String(required=True, validate=validate.OneOf(MARKS))
    cpd_minutes = fields.Integer(required=True, strict=True)
    walk_in = fields.Boolean(required=True)


@registry.event("DayAttendanceConfirmed")
class DayAttendanceConfirmed(Schema):
    day_id = fields.String(required=True)
    person_id = fields.String(required=True)
    school_id = fields.String(required=True, allow_none=True)
    attending = fields.Boolean(required=True)
    dietary = fields.String(required=True)


@registry.event("ExemptionChanged")
class ExemptionChanged(Schema):
    """The CPD manager marks someone as not expected to book the day (part-time, not
    working that day...), or expected again (`exempt` false)."""

    day_id = fields.String(required=True)
    person_id = fields.String(required=True)
    exempt = fields.Boolean(required=True)
    reason = fields.String(required=True)


@registry.event("NudgedToBook")
class NudgedToBook(Schema):
    """The CPD manager reminded the staff who had not booked every breakout slot of an open
    day (the notifications email each, unless they have booked by then)."""

    day_id = fields.String(required=True)
    person_ids = fields.List(fields.String(), required=True)
    by_id = fields.String(required=True)
    at = fields.AwareDateTime(required=True)
