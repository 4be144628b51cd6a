"""The networks' tables: networks and who belongs to them, meetings (a date poll and the
meeting it finds a date for are one row), their options, invitees, votes and nudges, the
meeting's agenda, minutes, actions and register, series, clash alerts, and each school's
improvement plan priorities.

Meeting times are wall-clock UK time (a date and "HH:MM"), never UTC: a clock change never
shifts them; feeds convert with Europe/London when they render.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from events.db import UtcDateTime
from readmodels import metadata

DOCUMENT = JSON().with_variant(JSONB(), "postgresql")
"""A JSON value; JSONB on PostgreSQL, which (unlike json) can be compared and ordered, so a
whole table can be read in order of every column."""

# `version` is the stream sequence of the last event that changed a row (live pages poll
# for it); `sequence` counts the changes a calendar must notice (RFC 5545 SEQUENCE).
networks = Table(
    "networks",
    metadata,
    Column("network_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # KINDS
    Column("description", Text, nullable=False),
    Column("facilitator_id", String(36), nullable=False, index=True),
    Column("agenda_lead_id", String(36), nullable=True),
    Column("cadence_rule", String(20), nullable=False),  # CADENCES
    Column("cadence_count", Integer, nullable=False),
    Column("private", Boolean, nullable=False),
    Column("agenda_template", DOCUMENT, nullable=False),  # [{title, minutes}]
    Column("minutes", Integer, nullable=False),  # a meeting's usual length
    Column("venue", Text, nullable=False),
    Column("status", String(10), nullable=False),  # open, closed
    Column("closed_reason", Text, nullable=False),
    Column("formed_at", UtcDateTime(), nullable=False),  # terms over by then are not owed
    Column("version", BigInteger, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

# Members by rule: everyone holding one of the posts (directory_posts, at any school), the
# people named, and the facilitator.
network_posts = Table(
    "network_posts",
    metadata,
    Column("network_id", String(36), primary_key=True),
    Column("post", String(40), primary_key=True, index=True),
)

network_people = Table(
    "network_people",
    metadata,
    Column("network_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
)

network_meetings = Table(
    "network_meetings",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("network_id", String(36), nullable=False, index=True),
    Column("series_id", String(36), nullable=True, index=True),
    Column("title", String(200), nullable=False),
    Column("organiser_id", String(36), nullable=False),
    # MEETING_STATUSES: polling (people vote), poll_closed (no date yet), confirmed (a
    # date: from a poll, a series or a direct booking), cancelled
    Column("status", String(12), nullable=False),
    Column("polled", Boolean, nullable=False),  # found its date by a poll
    Column("close_reason", String(20), nullable=False),  # all_answered, deadline, organiser
    Column("deadline", DateTime(timezone=False), nullable=True),  # a poll's, UK wall clock
    Column("minutes", Integer, nullable=False),  # the length asked for; else ends - starts
    Column("option_id", String(36), nullable=True),  # the option confirmed
    Column("date", Date, nullable=True, index=True),  # None until confirmed
    Column("starts", String(5), nullable=True),  # HH:MM, UK wall clock
    Column("ends", String(5), nullable=True),
    Column("venue", Text, nullable=False),
    Column("join_link", Text, nullable=False),
    Column("warnings", DOCUMENT, nullable=False),  # [str]: the finder's, when confirmed or moved
    Column("reason", Text, nullable=False),  # why it was last moved or cancelled
    Column("timed_seq", BigInteger, nullable=False),  # the event that last set its date
    Column("dated", Boolean, nullable=False),  # it has had a date (a feed keeps it)
    Column("version", BigInteger, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

network_options = Table(
    "network_options",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("option_id", String(36), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("date", Date, nullable=False),
    Column("starts", String(5), nullable=False),
    Column("ends", String(5), nullable=False),
)

network_invitees = Table(
    "network_invitees",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
    Column("required", Boolean, nullable=False),
)

# A vote: the person's comment and who recorded it (a headteacher for an absent
# colleague); its answers, one per option, in network_answers. A later vote replaces both.
network_votes = Table(
    "network_votes",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("comment", Text, nullable=False),
    Column("recorded_by", String(36), nullable=False),
    Column("voted_at", UtcDateTime(), nullable=False),
)

network_answers = Table(
    "network_answers",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("option_id", String(36), primary_key=True),
    Column("answer", String(12), nullable=False),  # ANSWERS: yes, if_need_be, no
)

network_nudges = Table(
    "network_nudges",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("times", Integer, nullable=False),
    Column("by_id", String(36), nullable=False),  # the last nudge's
    Column("nudged_at", UtcDateTime(), nullable=False),
)

network_agenda = Table(
    "network_agenda",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("item_id", String(36), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("owner_id", String(36), nullable=True),
    Column("minutes", Integer, nullable=False),
    Column("action_id", String(36), nullable=True),  # an open action brought forward
)

network_minutes = Table(
    "network_minutes",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("text", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

network_actions = Table(
    "network_actions",
    metadata,
    Column("action_id", String(36), primary_key=True),
    Column("meeting_id", String(36), nullable=False, index=True),
    Column("network_id", String(36), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("owner_id", String(36), nullable=False, index=True),
    Column("due", Date, nullable=False),
    Column("status", String(10), nullable=False),  # ACTION_STATUSES: open, done, dropped
    Column("note", Text, nullable=False),  # the last update's
    Column("priority_id", String(36), nullable=True),
    Column("raised_at", UtcDateTime(), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

network_action_schools = Table(
    "network_action_schools",
    metadata,
    Column("action_id", String(36), primary_key=True),
    Column("school_id", String(36), primary_key=True, index=True),
)

network_marks = Table(
    "network_marks",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
    Column("school_id", String(36), nullable=True),
    Column("mark", String(10), nullable=False),  # MARKS: present, apologies, absent
    Column("marked_at", UtcDateTime(), nullable=False),
)

network_series = Table(
    "network_series",
    metadata,
    Column("series_id", String(36), primary_key=True),
    Column("network_id", String(36), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("organiser_id", String(36), nullable=False),
    Column("every_weeks", Integer, nullable=False),
    Column("weekday", Integer, nullable=False),  # 0 Monday .. 6 Sunday
    Column("starts", String(5), nullable=False),
    Column("ends", String(5), nullable=False),
    Column("first", Date, nullable=False),
    Column("last", Date, nullable=False),
    Column("venue", Text, nullable=False),
    Column("join_link", Text, nullable=False),
    Column("occurrences", DOCUMENT, nullable=False),  # [{meeting_id, date}] as planned
    Column("skipped", DOCUMENT, nullable=False),  # [{date, reason}]
    Column("status", String(10), nullable=False),  # active, ended
    Column("end_reason", Text, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

network_clashes = Table(
    "network_clashes",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),  # the ClashFound's stream sequence
    Column("position", Integer, primary_key=True),  # its place in that message
    Column("reason", Text, nullable=False),
    Column("found_at", UtcDateTime(), nullable=False),
)
"""An alert is current while the meeting's date is the one it was found for: `seq` above
the meeting's `timed_seq` (a move answers it)."""

school_priorities = Table(
    "school_priorities",
    metadata,
    Column("school_id", String(36), primary_key=True),
    Column("year_id", String(7), primary_key=True),
    Column("priority_id", String(36), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
)
