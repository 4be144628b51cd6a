"""The trust days' tables: PD days, their slots and sessions, everyone's places and marks."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, String, Table, Text

from events.db import UtcDateTime
from readmodels import metadata

# `version` is the stream sequence of the last event that changed a row (live pages poll
# for it); `sequence` counts changes a calendar must notice (RFC 5545 SEQUENCE).
pd_days = Table(
    "pd_days",
    metadata,
    Column("day_id", String(36), primary_key=True),
    Column("date", Date, nullable=False),
    Column("academic_year", String(7), nullable=False),
    Column("term", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("theme", String(200), nullable=False),
    Column("venue", String(200), nullable=False),
    Column("opens", UtcDateTime(), nullable=False),
    Column("closes", UtcDateTime(), nullable=False),
    Column("status", String(10), nullable=False),  # draft, published, cancelled
    Column("version", BigInteger, nullable=False),  # the last change to the day or its slots
    Column("sequence", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

pd_slots = Table(
    "pd_slots",
    metadata,
    Column("slot_id", String(36), primary_key=True),
    Column("day_id", String(36), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # keynote, breakout
    Column("title", String(200), nullable=False),
    Column("starts", String(5), nullable=False),  # HH:MM, school time
    Column("ends", String(5), nullable=False),
    Column("speaker", Text, nullable=False, server_default=""),  # a keynote's
)

pd_sessions = Table(
    "pd_sessions",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("day_id", String(36), nullable=False, index=True),
    Column("slot_id", String(36), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("community", String(30), nullable=False),
    Column("leader_id", String(36), nullable=True, index=True),  # None: external facilitator
    Column("leader_name", String(200), nullable=False),
    Column("leader_bio", Text, nullable=False, server_default=""),  # an external's
    Column("room", String(200), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("audience", String(10), nullable=False),
    Column("phase", String(10), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("join_link", Text, nullable=False, server_default=""),  # online: https://...
    Column("network_id", String(36), nullable=True, index=True),  # a network's meeting
    Column("booked", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # open, cancelled
    Column("version", BigInteger, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

pd_places = Table(
    "pd_places",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
    Column("day_id", String(36), nullable=False, index=True),
    Column("slot_id", String(36), nullable=False),
    Column("place", String(10), nullable=False),  # seat, waitlist, cancelled, left
    Column("reason", String(30), nullable=False),  # why a place ended: cancelled, moved...
    Column("queued_seq", BigInteger, nullable=False),  # waitlist order: when they joined
    Column("sequence", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

pd_marks = Table(
    "pd_marks",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
    Column("day_id", String(36), nullable=False, index=True),
    Column("mark", String(10), nullable=False),  # present, late, absent, excused
    Column("cpd_minutes", Integer, nullable=False),
    Column("walk_in", Boolean, nullable=False),
    Column("marked_at", UtcDateTime(), nullable=False),
)

pd_attendees = Table(
    "pd_attendees",
    metadata,
    Column("day_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("school_id", String(36), nullable=True),
    Column("attending", Boolean, nullable=False),
    Column("dietary", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

pd_exemptions = Table(
    "pd_exemptions",
    metadata,
    Column("day_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True, index=True),
    Column("reason", Text, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)
"""A row: the person is not expected to book that day (the CPD manager said so)."""
