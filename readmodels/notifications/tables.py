"""The notifications' tables: one row a message, bounced addresses, preferences."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from events.db import UtcDateTime
from readmodels import metadata

notification_messages = Table(
    "notification_messages",
    metadata,
    Column("message_id", String(36), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("service", String(30), nullable=False),
    Column("day_id", String(36), nullable=True, index=True),
    Column("slot_id", String(36), nullable=True),
    Column("session_id", String(36), nullable=True),
    Column("meeting_id", String(36), nullable=True, index=True),
    Column("reason", Text, nullable=False),  # the cause's own reason (moved, day_cancelled...)
    Column("cause_id", String(80), nullable=False),
    Column("status", String(10), nullable=False),  # STATUSES
    Column("due", UtcDateTime(), nullable=False),  # when it is (next) to be tried
    Column("digest", Boolean, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("claimed_at", UtcDateTime(), nullable=True),
    Column("error", Text, nullable=False),  # the last failure, "" if none
    Column("skip_reason", String(30), nullable=False),  # SKIP_REASONS, "" unless skipped
    Column("to_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("smtp_id", String(255), nullable=False),
    Column("queued_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("version", BigInteger, nullable=False),
    Index("ix_notification_messages_status_due", "status", "due"),
)

notification_bounces = Table(
    "notification_bounces",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("address", String(320), primary_key=True),  # lowercased
    Column("reason", Text, nullable=False),
    Column("bounced_at", UtcDateTime(), nullable=False),
)

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("choice", String(10), nullable=False),  # now, digest or off
)
