"""The frontend's read models: SQL tables that projections fill from the log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table, Text

metadata = MetaData()

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
