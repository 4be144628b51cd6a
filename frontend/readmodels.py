"""The frontend's read models: SQL tables that projections fill from the log."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


def engine() -> Engine:
    """The database of the app serving this request."""
    return current_app.extensions["engine"]


log_event_counts = Table(
    "log_event_counts",
    metadata,
    Column("type", String(200), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
)

# The directory: schools, people and their roles (the gateway reads these to sign people in).
schools = Table(
    "schools",
    metadata,
    Column("school_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("urn", String(6), nullable=False),
    Column("town", String(100), nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),  # lowercased: unique in any case
    Column("school_id", String(36), nullable=True, index=True),  # None: the central team
    Column("category", String(20), nullable=False),
    Column("job_title", String(200), nullable=False),
    Column("subjects", Text, nullable=False),  # '; '-joined subjects, or the phase taught
    Column("status", String(10), nullable=False),  # active, or left (their CPD record stays)
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("role", String(30), primary_key=True),
    Column("school_id", String(36), primary_key=True),  # '' trust-wide (a key cannot be NULL)
)

# The trust days: PD days, their slots and sessions, everyone's places and marks.
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
    Column("opens", DateTime(timezone=True), nullable=False),
    Column("closes", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),  # draft, published, cancelled
    Column("version", BigInteger, nullable=False),  # the last change to the day or its slots
    Column("sequence", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
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
    Column("room", String(200), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("audience", String(10), nullable=False),
    Column("phase", String(10), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("booked", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # open, cancelled
    Column("version", BigInteger, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
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
    Column("changed_at", DateTime(timezone=True), nullable=False),
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
    Column("marked_at", DateTime(timezone=True), nullable=False),
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
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# Calendar feeds: each person's current secret (the log holds it: see README).
feed_tokens = Table(
    "feed_tokens",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)

# The gateway's own table: no projection fills it and a rebuild leaves it alone.
# A sign-in (server-side session): the cookie names it; sign-out or a leaver revokes it.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# Who signs in with OpenID Connect (the directory's IdentityLinked facts): the provider's
# issuer and subject, linked to a person on their first sign-in and matched on afterwards
# (an email changed later moves nothing).
identity_links = Table(
    "identity_links",
    metadata,
    Column("issuer", String(300), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)
