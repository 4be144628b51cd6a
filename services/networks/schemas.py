"""What the networks' API takes and gives. Times are UK wall clock: a date and "HH:MM"; a
poll's deadline a date and time with no offset."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from events.answers import Accepted
from events.numbers import WholeNumber
from events.school_dates import within_school_years
from services.networks import events
from services.networks.events import ACTION_STATUSES, ANSWERS, MARKS, TIME

TEXT = events.TITLE
REASON = validate.Length(min=1, max=500)
WALL_CLOCK = "HH:MM, UK wall-clock time on the day (never UTC: a clock change never moves it)"
HTTPS = validate.URL(schemes={"https"}, error="Give the link as https://...")
MAX_OPTIONS = 40
MAX_PEOPLE = 500


def https_or_empty(link: str) -> None:
    if link:
        HTTPS(link)


def _time(description: str, required: bool = True) -> fields.String:
    if required:
        return fields.String(required=True, validate=TIME, metadata={"description": description})
    return fields.String(load_default=None, validate=TIME, metadata={"description": description})


class Placed(Schema):
    venue = fields.String(load_default="", validate=events.VENUE)
    join_link = fields.String(
        load_default="",
        validate=[events.JOIN_LINK, https_or_empty],
        metadata={"description": "an online meeting's https:// link; '' in person"},
    )


class NetworkIn(events.NetworkRecord):
    """A network's whole record (its id comes from the path, or is made when it is formed)."""

    class Meta:
        exclude = ("network_id",)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=REASON)


class OptionIn(Schema):
    date = fields.Date(validate=within_school_years, required=True)
    starts = _time(f"starts at {WALL_CLOCK}")
    ends = _time(f"ends at {WALL_CLOCK}")


class InviteeIn(events.Invitee):
    pass


class PollIn(Placed):
    """A date poll: the dates offered, who is invited (required or optional), the deadline."""

    title = fields.String(required=True, validate=TEXT)
    minutes = fields.Integer(required=True, strict=True, validate=events.MINUTES)
    options = fields.List(
        fields.Nested(OptionIn), required=True, validate=validate.Length(min=1, max=MAX_OPTIONS)
    )
    invitees = fields.List(
        fields.Nested(InviteeIn),
        load_default=None,
        validate=validate.Length(min=1, max=MAX_PEOPLE),
        metadata={"description": "omitted: the network's members, all required"},
    )
    deadline = fields.NaiveDateTime(
        required=True,
        validate=within_school_years,
        metadata={"description": "UK wall clock, no offset: 2026-10-08T17:00"},
    )


class MeetingIn(Placed):
    """A meeting booked without a poll."""

    title = fields.String(required=True, validate=TEXT)
    date = fields.Date(validate=within_school_years, required=True)
    starts = _time(f"starts at {WALL_CLOCK}")
    ends = _time(f"ends at {WALL_CLOCK}")
    invitees = fields.List(
        fields.Nested(InviteeIn),
        load_default=None,
        validate=validate.Length(min=1, max=MAX_PEOPLE),
        metadata={"description": "omitted: the network's members, all required"},
    )


class SeriesDatesIn(Schema):
    """The dates a series would meet on, and those it would skip (a preview)."""

    every_weeks = WholeNumber(load_default=2, validate=validate.Range(1, 52))
    weekday = WholeNumber(
        required=True, validate=validate.Range(0, 6), metadata={"description": "0 Monday"}
    )
    first = fields.Date(validate=within_school_years, required=True)
    last = fields.Date(validate=within_school_years, required=True)

    @validates_schema
    def a_year_at_most(self, data: dict, **_: Any) -> None:
        if data["last"] < data["first"]:
            raise ValidationError("The last day is on or after the first.", "last")
        if (data["last"] - data["first"]).days > 400:
            raise ValidationError("A series spans a year at most.", "last")


class SeriesIn(Placed):
    title = fields.String(required=True, validate=TEXT)
    every_weeks = fields.Integer(load_default=2, strict=True, validate=validate.Range(1, 52))
    weekday = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(0, 6),
        metadata={"description": "0 Monday ... 6 Sunday"},
    )
    starts = _time(f"starts at {WALL_CLOCK}")
    ends = _time(f"ends at {WALL_CLOCK}")
    first = fields.Date(validate=within_school_years, required=True)
    last = fields.Date(validate=within_school_years, required=True)

    a_year_at_most = SeriesDatesIn.a_year_at_most


class VoteIn(Schema):
    person_id = fields.String(
        load_default=None,
        metadata={"description": "whose answers: omitted for mine; a colleague's (a head)"},
    )
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=100)),
        values=fields.String(validate=validate.OneOf(ANSWERS)),
        required=True,
        metadata={"description": "option_id -> yes, if_need_be or no; leave out not answered"},
    )
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class NudgeIn(Schema):
    person_ids = fields.List(
        fields.String(),
        load_default=list,
        validate=validate.Length(max=MAX_PEOPLE),
        metadata={"description": "omitted or []: everyone who has not answered"},
    )


class ConfirmIn(Schema):
    """One of the poll's options, or a date and times of the organiser's own."""

    option_id = fields.String(load_default=None)
    date = fields.Date(validate=within_school_years, load_default=None)
    starts = _time(f"starts at {WALL_CLOCK}", required=False)
    ends = _time(f"ends at {WALL_CLOCK}", required=False)
    venue = fields.String(load_default=None, validate=events.VENUE)
    join_link = fields.String(load_default=None, validate=[events.JOIN_LINK, https_or_empty])

    @validates_schema
    def an_option_or_a_date(self, data: dict, **_: Any) -> None:
        own = [data.get(key) for key in ("date", "starts", "ends")]
        if data.get("option_id") is None and None in own:
            missing = [k for k, v in zip(("date", "starts", "ends"), own, strict=True) if v is None]
            message = "Choose a date of the poll, or give a date and times."
            raise ValidationError({field: [message] for field in missing})
        if data.get("option_id") is not None and any(v is not None for v in own):
            raise ValidationError("Either a date of the poll or your own, not both.", "option_id")


class MoveIn(Placed):
    date = fields.Date(validate=within_school_years, required=True)
    starts = _time(f"starts at {WALL_CLOCK}")
    ends = _time(f"ends at {WALL_CLOCK}")
    reason = fields.String(required=True, validate=REASON)


class AgendaItemIn(Schema):
    item_id = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    title = fields.String(required=True, validate=TEXT)
    owner_id = fields.String(load_default=None, allow_none=True)
    minutes = fields.Integer(required=True, strict=True, validate=events.MINUTES)
    action_id = fields.String(load_default=None, allow_none=True)


class AgendaIn(Schema):
    items = fields.List(
        fields.Nested(AgendaItemIn), required=True, validate=validate.Length(max=60)
    )


class MinutesIn(Schema):
    text = fields.String(required=True, validate=validate.Length(max=100_000))


class ActionIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    owner_id = fields.String(required=True)
    school_ids = fields.List(fields.String(), load_default=list, validate=validate.Length(max=50))
    due = fields.Date(validate=within_school_years, required=True)
    priority_id = fields.String(load_default=None, allow_none=True)


class ActionStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class MarkIn(Schema):
    person_id = fields.String(required=True)
    school_id = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "omitted: the person's school"},
    )
    mark = fields.String(required=True, validate=validate.OneOf(MARKS))


class RegisterIn(Schema):
    marks = fields.List(
        fields.Nested(MarkIn), required=True, validate=validate.Length(max=MAX_PEOPLE)
    )


class PriorityIn(Schema):
    priority_id = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))


class PrioritiesIn(Schema):
    priorities = fields.List(
        fields.Nested(PriorityIn), required=True, validate=validate.Length(max=40)
    )


class SkippedOut(Schema):
    date = fields.Date()
    reason = fields.String()


class SeriesDatesOut(Schema):
    occurrences = fields.List(fields.Date())
    skipped = fields.List(fields.Nested(SkippedOut))


class OptionOut(Schema):
    option_id = fields.String()
    date = fields.Date()
    starts = fields.String()
    ends = fields.String()


class InviteeOut(Schema):
    person_id = fields.String()
    required = fields.Boolean()
    answered = fields.Boolean(metadata={"description": "has answered every date"})


class PollOut(Schema):
    meeting_id = fields.String()
    network_id = fields.String()
    status = fields.String(metadata={"description": "polling, poll_closed, confirmed, cancelled"})
    deadline = fields.NaiveDateTime(allow_none=True)
    options = fields.List(fields.Nested(OptionOut))
    invitees = fields.List(fields.Nested(InviteeOut))
    missing = fields.List(fields.String(), metadata={"description": "not answered yet"})


class Dated(Accepted):
    warnings = fields.List(fields.String(), metadata={"description": "what clashes with it"})
