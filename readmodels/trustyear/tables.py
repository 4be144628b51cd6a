"""The trust year's tables: the years and their terms, schools' own terms, closures."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table, Text

from events.db import UtcDateTime
from readmodels import metadata

trust_years = Table(
    "trust_years",
    metadata,
    Column("year_id", String(7), primary_key=True),  # "2026-27"
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("version", BigInteger, nullable=False),  # the last change to the year's terms
    Column("changed_at", UtcDateTime(), nullable=False),
)

year_terms = Table(
    "year_terms",
    metadata,
    Column("year_id", String(7), primary_key=True),
    Column("term", Integer, primary_key=True),  # 1..6
    Column("name", String(100), nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
)

# A school's own terms, where they differ from the trust's (none: it follows the trust's).
school_terms = Table(
    "school_terms",
    metadata,
    Column("school_id", String(36), primary_key=True),
    Column("year_id", String(7), primary_key=True),
    Column("term", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
)

school_closures = Table(
    "school_closures",
    metadata,
    Column("closure_id", String(36), primary_key=True),
    Column("school_id", String(36), nullable=False, index=True),
    Column("year_id", String(7), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # holiday, inset, closure
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("label", Text, nullable=False),
    Column("source", String(10), nullable=False),  # page, ics, csv
    Column("changed_at", UtcDateTime(), nullable=False),
)
