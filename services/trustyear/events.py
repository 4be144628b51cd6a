"""The trust year's facts: the academic year's terms, each school's own terms and closures
(holidays, INSET days, other closures); England's bank holidays are computed, never stored.

A year's terms go to `trustyear.year.<year>`; each school's own terms and closures for a
year to `trustyear.school.<school>.<year>`, so a school's office and the trust's admin never
decide on the same aggregate.

This module is the trust year's contract, for everyone who reads its facts (the networks'
finder, reminders, the pages): the event types and schemas, the subjects (built with
`year_subject` and `school_subject`, read back with `parse_subject`), the vocabularies with
their labels, and `england_bank_holidays`. It is pure: no I/O.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

import holidays
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from events import registry
from events.school_dates import (
    ACADEMIC_YEAR,
    ACADEMIC_YEAR_FORMAT,
    FIRST_YEAR,
    LAST_YEAR,
    within_school_years,
)

SERVICE = "trustyear"
CLOSURE_KINDS = {"holiday": "Holiday", "inset": "INSET day", "closure": "Closure"}
SOURCES = {
    "page": "Set on the page",
    "ics": "Imported from a calendar (ICS)",
    "csv": "Imported from CSV",
}
TERM_COUNTS = (3, 6)
"""A trust sets three terms or six (half terms)."""
VOCABULARIES = {"kind": CLOSURE_KINDS, "source": SOURCES}
"""Each vocabulary, by the field that holds it, as value -> the label pages show."""


def year_subject(year_id: str) -> tuple[str, ...]:
    """The tokens of a year's subject (the trust's terms); the store or a service's
    `Commands` puts the stream's prefix before them."""
    return (SERVICE, "year", year_id)


def school_subject(school_id: str, year_id: str) -> tuple[str, ...]:
    """The tokens of a school's year: its own terms and its closures."""
    return (SERVICE, "school", school_id, year_id)


class SubjectRef(NamedTuple):
    """What a trust year subject names: a year, and perhaps one school's part of it."""

    year_id: str
    school_id: str | None = None


SUBJECT = re.compile(rf"(?:^|\.){SERVICE}\.(?:year\.([^.]+)|school\.([^.]+)\.([^.]+))$")


def parse_subject(subject: str) -> SubjectRef:
    """The year (and school) a full subject names; ValueError for any other subject."""
    found = SUBJECT.search(subject)
    if found is None:
        raise ValueError(f"{subject!r} is not a trust year subject")
    year_id, school_id, school_year = found.groups()
    if year_id is not None:
        return SubjectRef(year_id)
    return SubjectRef(school_year, school_id)


def year_of(day: date) -> str:
    """The academic year a day falls in (September to August): 2027-03-01 -> "2026-27"."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def year_span(year_id: str) -> tuple[date, date] | None:
    """The widest a year can be, 1 August of its first year to 31 August of the next; None
    for a string that is not a year like "2026-27"."""
    found = ACADEMIC_YEAR_FORMAT.match(year_id)
    if found is None or (int(found[1]) + 1) % 100 != int(found[2]):
        return None
    if not FIRST_YEAR <= int(found[1]) < LAST_YEAR:  # "9999-00" would end in the year 10000
        return None
    first = int(found[1])
    return date(first, 8, 1), date(first + 1, 8, 31)


def england_bank_holidays(first: date, last: date) -> dict[date, str]:
    """England's bank holidays from first to last (both included), by date -> name, from
    the maintained `holidays` package (substitute days included)."""
    if last < first:
        return {}
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    return {day: str(name) for day, name in sorted(found.items()) if first <= day <= last}


class TermRecord(Schema):
    term = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=6))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    starts = fields.Date(required=True, validate=within_school_years)
    ends = fields.Date(required=True, validate=within_school_years)

    @validates_schema
    def ends_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["ends"] < data["starts"]:
            raise ValidationError("A term ends on or after the day it starts.", "ends")


@registry.event("YearSet")
class YearSet(Schema):
    """The year's whole record as it now is: its first and last day and its 3 or 6 terms,
    in order, inside the year, not overlapping."""

    year_id = fields.String(required=True, validate=ACADEMIC_YEAR)
    starts = fields.Date(required=True)
    ends = fields.Date(required=True)
    terms = fields.List(fields.Nested(TermRecord), required=True)


@registry.event("SchoolTermsSet")
class SchoolTermsSet(Schema):
    """A school's own terms for the year, whole; [] again follows the trust's terms."""

    school_id = fields.String(required=True)
    year_id = fields.String(required=True, validate=ACADEMIC_YEAR)
    terms = fields.List(fields.Nested(TermRecord), required=True)


@registry.event("ClosureAdded")
class ClosureAdded(Schema):
    """A school is closed to pupils from starts to ends (both included): a holiday, an
    INSET day (staff in, pupils not: no meeting for its staff either) or another closure."""

    school_id = fields.String(required=True)
    year_id = fields.String(required=True, validate=ACADEMIC_YEAR)
    closure_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CLOSURE_KINDS))
    starts = fields.Date(required=True)
    ends = fields.Date(required=True)
    label = fields.String(required=True, validate=validate.Length(max=200))
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))


@registry.event("ClosureRemoved")
class ClosureRemoved(Schema):
    school_id = fields.String(required=True)
    year_id = fields.String(required=True, validate=ACADEMIC_YEAR)
    closure_id = fields.String(required=True)
