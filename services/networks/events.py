"""The networks' facts: networks, their meetings (a date poll and the meeting it finds a date
for), series of meetings, and each school's improvement plan priorities.

A network's record goes to `networks.network.<id>`; a poll and its meeting are one aggregate,
`networks.meeting.<id>` (votes, closing and confirming are decided on one subject, so two
organisers confirming at once, or a vote arriving as the poll closes, are decided by the
log); a series to `networks.series.<id>`; a school's priorities to `networks.plan.<school>`.

Meeting times are wall-clock UK time (a date and "HH:MM", never UTC), so a clock change never
shifts them; feeds convert with Europe/London when they render. A poll's deadline is a naive
date-time on the same wall clock.

This module is the networks' contract, for everyone who reads their facts: the event types
and schemas, the subjects (built with `network_subject`, `meeting_subject`, `series_subject`,
`plan_subject` and read back with `parse_subject`), and each vocabulary with its labels.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from marshmallow import Schema, fields, validate

from events import registry
from events.school_dates import ACADEMIC_YEAR, TIME
from services.directory.events import POSTS

SERVICE = "networks"
KINDS = {
    "subject": "Subject",
    "leadership": "Leadership",
    "pastoral": "Pastoral",
    "executive": "Executive",
    "one_to_one": "One-to-one",
}
CADENCES = {
    "per_year": "a year",
    "per_term": "a term",
    "fortnightly": "every fortnight in term time",
}
ANSWERS = {"yes": "Yes", "if_need_be": "If need be", "no": "No"}
MARKS = {"present": "Present", "apologies": "Apologies", "absent": "Absent"}
ACTION_STATUSES = {"open": "Open", "done": "Done", "dropped": "Dropped"}
CLOSE_REASONS = {
    "all_answered": "Everyone required has answered",
    "deadline": "The deadline passed",
    "organiser": "Closed by the organiser",
}
MEETING_STATUSES = {
    "polling": "Poll open",
    "poll_closed": "Poll closed",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
}
"""What a meeting's facts make it (no event holds it): pages and read models show it."""
VOCABULARIES = {
    "kind": KINDS,
    "rule": CADENCES,
    "answer": ANSWERS,
    "mark": MARKS,
    "status": ACTION_STATUSES,
    "reason": CLOSE_REASONS,
    "meeting_status": MEETING_STATUSES,
}
"""Each vocabulary, by the field that holds it, as value -> the label pages show. A cadence
label reads after its count: "3 times a year", "once a term". "reason" is a closed poll's
(PollClosed); other events' reasons are human text."""
INVITATION_ANSWERS = {"accepted": "Accepted", "declined": "Declined"}
"""An invitee's answer to a dated meeting's invitation (InvitationAnswered.answer): not in
VOCABULARIES, whose "answer" is a poll's."""
INVITATION_NOTE_LENGTH = NOTE_LENGTH = 500
"""An invitation's answer's note, for the organiser: a sentence or two."""
EARNS_CPD = ("present",)
"""Register marks that earn the meeting's minutes as CPD."""


def network_subject(network_id: str) -> tuple[str, ...]:
    """The tokens of a network's subject; the store or a service's `Commands` puts the
    stream's prefix before them: `store.subject(*network_subject(id))`."""
    return (SERVICE, "network", network_id)


def meeting_subject(meeting_id: str) -> tuple[str, ...]:
    """The tokens of a meeting's subject: its poll, votes, confirmation and what follows."""
    return (SERVICE, "meeting", meeting_id)


def series_subject(series_id: str) -> tuple[str, ...]:
    """The tokens of a series' subject (its plan of occurrences)."""
    return (SERVICE, "series", series_id)


def plan_subject(school_id: str) -> tuple[str, ...]:
    """The tokens of a school's improvement plan subject (its priorities)."""
    return (SERVICE, "plan", school_id)


AGGREGATES = ("network", "meeting", "series", "plan")


class SubjectRef(NamedTuple):
    """What a networks subject names: which aggregate ("network", "meeting", "series" or
    "plan") and its id (a school's id for a plan)."""

    aggregate: str
    id: str


SUBJECT = re.compile(rf"(?:^|\.){SERVICE}\.({'|'.join(AGGREGATES)})\.([^.]+)$")


def parse_subject(subject: str) -> SubjectRef:
    """The aggregate a full subject (stream prefix included) names; ValueError for a
    subject that is not one of the networks' own."""
    found = SUBJECT.search(subject)
    if found is None:
        raise ValueError(f"{subject!r} is not a networks subject")
    return SubjectRef(found.group(1), found.group(2))


MINUTES = validate.Range(min=1, max=24 * 60)
TEXT = validate.Length(max=20_000)
TITLE = validate.Length(min=1, max=200)
"""A meeting's, a series' or an agenda item's title (the read models keep 200 characters)."""
VENUE = validate.Length(max=200)
JOIN_LINK = validate.Length(max=1000)


class Cadence(Schema):
    """How often a network must meet: `count` times a year or a term; fortnightly is 1."""

    rule = fields.String(required=True, validate=validate.OneOf(CADENCES))
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=60))


class TemplateItem(Schema):
    """An item every meeting's agenda starts from."""

    title = fields.String(required=True, validate=TITLE)
    minutes = fields.Integer(required=True, strict=True, validate=MINUTES)


class Option(Schema):
    """A date and time a poll offers (UK wall clock)."""

    option_id = fields.String(required=True)
    date = fields.Date(required=True)
    starts = fields.String(required=True, validate=TIME)
    ends = fields.String(required=True, validate=TIME)


class Invitee(Schema):
    person_id = fields.String(required=True)
    required = fields.Boolean(required=True)
    """A poll closes when every required invitee has answered; optional ones may."""


class AgendaItem(Schema):
    item_id = fields.String(required=True)
    title = fields.String(required=True, validate=TITLE)
    owner_id = fields.String(load_default=None, allow_none=True)
    minutes = fields.Integer(required=True, strict=True, validate=MINUTES)
    action_id = fields.String(load_default=None, allow_none=True)
    """The open action of an earlier meeting this item reviews; None for a plain item."""


class Mark(Schema):
    person_id = fields.String(required=True)
    school_id = fields.String(load_default=None, allow_none=True)
    """The school the person came for (None for the central team)."""
    mark = fields.String(required=True, validate=validate.OneOf(MARKS))


class Occurrence(Schema):
    meeting_id = fields.String(required=True)
    date = fields.Date(required=True)


class Skipped(Schema):
    date = fields.Date(required=True)
    reason = fields.String(required=True)
    """Human text: "Half term", "INSET at Oak Primary", "PD day"."""


class Priority(Schema):
    priority_id = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))


class NetworkRecord(Schema):
    """A network's whole record. Members are everyone holding one of `member_posts` (at any
    school; the directory's posts), and `member_ids`, and the facilitator."""

    network_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(load_default="", validate=TEXT)
    member_posts = fields.List(fields.String(validate=validate.OneOf(POSTS)), load_default=list)
    """The directory's posts (services.directory.events.POSTS)."""
    member_ids = fields.List(fields.String(), load_default=list)
    facilitator_id = fields.String(required=True)
    agenda_lead_id = fields.String(load_default=None, allow_none=True)
    cadence = fields.Nested(Cadence, required=True)
    private = fields.Boolean(load_default=False)
    """Minutes, actions and agenda only its members (and facilitator) read."""
    agenda_template = fields.List(fields.Nested(TemplateItem), load_default=list)
    minutes = fields.Integer(required=True, strict=True, validate=MINUTES)
    """The usual length of its meetings."""
    venue = fields.String(load_default="", validate=VENUE)


@registry.event("NetworkFormed")
class NetworkFormed(NetworkRecord):
    pass


@registry.event("NetworkUpdated")
class NetworkUpdated(NetworkRecord):
    """The network's whole record as it now is."""


@registry.event("NetworkClosed")
class NetworkClosed(Schema):
    network_id = fields.String(required=True)
    reason = fields.String(required=True)


class Placed(Schema):
    """Where a meeting is: a venue, an online link, or both."""

    venue = fields.String(load_default="", validate=VENUE)
    join_link = fields.String(load_default="", validate=JOIN_LINK)


@registry.event("PollOpened")
class PollOpened(Placed):
    meeting_id = fields.String(required=True)
    network_id = fields.String(required=True)
    title = fields.String(required=True, validate=TITLE)
    organiser_id = fields.String(required=True)
    minutes = fields.Integer(required=True, strict=True, validate=MINUTES)
    options = fields.List(fields.Nested(Option), required=True, validate=validate.Length(min=1))
    invitees = fields.List(fields.Nested(Invitee), required=True, validate=validate.Length(min=1))
    deadline = fields.NaiveDateTime(required=True)
    """UK wall clock, like the meeting's times."""


@registry.event("VoteCast")
class VoteCast(Schema):
    """A person's answers, replacing any earlier vote of theirs. `recorded_by` is who cast
    it: the person, or a headteacher of their school answering for an absent colleague."""

    meeting_id = fields.String(required=True)
    person_id = fields.String(required=True)
    answers = fields.Dict(
        keys=fields.String(), values=fields.String(validate=validate.OneOf(ANSWERS)), required=True
    )
    """option_id -> answer; an option left out is "not answered", never "no"."""
    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    recorded_by = fields.String(required=True)


@registry.event("VotersNudged")
class VotersNudged(Schema):
    meeting_id = fields.String(required=True)
    person_ids = fields.List(fields.String(), required=True)
    by_id = fields.String(required=True)


@registry.event("PollClosed")
class PollClosed(Schema):
    """Appended with the vote that completes the required answers ("all_answered"); a
    command after the deadline closes the poll first ("deadline")."""

    meeting_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(CLOSE_REASONS))


class Timed(Placed):
    meeting_id = fields.String(required=True)
    date = fields.Date(required=True)
    starts = fields.String(required=True, validate=TIME)
    ends = fields.String(required=True, validate=TIME)
    warnings = fields.List(fields.String(), load_default=list)
    """What the finder's re-check found against the date (human text), confirmed anyway."""


@registry.event("MeetingConfirmed")
class MeetingConfirmed(Timed):
    option_id = fields.String(required=True, allow_none=True)
    """The poll's option chosen; None for a date the organiser gave instead."""


@registry.event("MeetingScheduled")
class MeetingScheduled(Timed):
    """A meeting booked without a poll: a series occurrence or a direct booking."""

    network_id = fields.String(required=True)
    title = fields.String(required=True, validate=TITLE)
    organiser_id = fields.String(required=True)
    invitees = fields.List(fields.Nested(Invitee), required=True)
    series_id = fields.String(load_default=None, allow_none=True)


@registry.event("MeetingMoved")
class MeetingMoved(Timed):
    reason = fields.String(required=True)


@registry.event("MeetingCancelled")
class MeetingCancelled(Schema):
    meeting_id = fields.String(required=True)
    reason = fields.String(required=True)


@registry.event("InvitationAnswered")
class InvitationAnswered(Schema):
    """An invitee accepted or declined a dated meeting (its email's signed link, or the
    page); a later answer replaces an earlier one, and a move asks everyone again. `note`
    (optional, for the organiser: "I will be 10 minutes late") came later: an older event
    reads as without one."""

    meeting_id = fields.String(required=True)
    person_id = fields.String(required=True)
    answer = fields.String(required=True, validate=validate.OneOf(INVITATION_ANSWERS))
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_LENGTH))


@registry.event("ClashFound")
class ClashFound(Schema):
    """The reactor's alert to the organiser; `reason` is human text."""

    meeting_id = fields.String(required=True)
    reason = fields.String(required=True)


@registry.event("AgendaSet")
class AgendaSet(Schema):
    """The whole agenda as it now is."""

    meeting_id = fields.String(required=True)
    items = fields.List(fields.Nested(AgendaItem), required=True)


@registry.event("MinutesRecorded")
class MinutesRecorded(Schema):
    """The whole text of the minutes as it now is."""

    meeting_id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(max=100_000))


@registry.event("ActionRaised")
class ActionRaised(Schema):
    meeting_id = fields.String(required=True)
    action_id = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    owner_id = fields.String(required=True)
    school_ids = fields.List(fields.String(), load_default=list)
    due = fields.Date(required=True)
    priority_id = fields.String(load_default=None, allow_none=True)
    """The school improvement plan priority it serves (PrioritiesSet), if any."""


@registry.event("ActionUpdated")
class ActionUpdated(Schema):
    meeting_id = fields.String(required=True)
    action_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


@registry.event("RegisterTaken")
class RegisterTaken(Schema):
    """The whole register as it now is; "present" earns the meeting's minutes as CPD."""

    meeting_id = fields.String(required=True)
    marks = fields.List(fields.Nested(Mark), required=True)


@registry.event("SeriesPlanned")
class SeriesPlanned(Placed):
    """A series of meetings without a poll; a reaction schedules each occurrence."""

    series_id = fields.String(required=True)
    network_id = fields.String(required=True)
    title = fields.String(required=True, validate=TITLE)
    organiser_id = fields.String(required=True)
    every_weeks = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=52))
    weekday = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=6))
    """0 Monday … 6 Sunday."""
    starts = fields.String(required=True, validate=TIME)
    ends = fields.String(required=True, validate=TIME)
    first = fields.Date(required=True)
    last = fields.Date(required=True)
    occurrences = fields.List(fields.Nested(Occurrence), required=True)
    skipped = fields.List(fields.Nested(Skipped), load_default=list)


@registry.event("SeriesEnded")
class SeriesEnded(Schema):
    series_id = fields.String(required=True)
    reason = fields.String(required=True)


@registry.event("PrioritiesSet")
class PrioritiesSet(Schema):
    """A school's improvement plan priorities for a year, the whole list as it now is."""

    school_id = fields.String(required=True)
    year_id = fields.String(required=True, validate=ACADEMIC_YEAR)
    """The academic year, like "2026-27" (from the request's path)."""
    priorities = fields.List(fields.Nested(Priority), required=True)
