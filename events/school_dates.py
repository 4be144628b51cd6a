"""The dates Staffroom takes: a school trust's, in the years FIRST_YEAR to LAST_YEAR; and
the two ways its contracts write a school's calendar, an academic year ("2026-27") and a
time of day ("16:00").

A date Python can hold but no school has is refused at the edge like any other mistake: a
reminder two days before 1 January of the year 1, an all-day event's end the day after
31 December 9999, or the year "9999-00" that ends in 10000, are past what a date can
hold, and a reactor, a feed or a page would fail on them for good. The services' schemas
check with `within_school_years`; the pages read their forms' dates with `school_date` and
`school_moment`."""

from __future__ import annotations

import re
from datetime import date, datetime

from marshmallow import ValidationError, validate

FIRST_YEAR = 2000
LAST_YEAR = 2099
ACADEMIC_YEAR_FORMAT = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
"""An academic year, "2026-27": its first year and the next's last two digits. Seven
characters, as the read models keep it (`\\Z`: `$` lets a trailing line break through)."""
ACADEMIC_YEAR = validate.Regexp(ACADEMIC_YEAR_FORMAT, error="Give a year like 2026-27.")
TIME = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z", error="Give a time as HH:MM.")
"""A time of day on the school's wall clock: five characters, as the read models keep it."""


def within_school_years(value: date) -> None:
    """A marshmallow validator for a date or a datetime, aware or not."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Give a date from {FIRST_YEAR} to {LAST_YEAR}.")


def school_date(text: str) -> date | None:
    """`text` as an ISO date a school has; None for anything else (a page's own check)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def school_moment(text: str) -> datetime | None:
    """`text` as an ISO date and time a school has (with its offset if it gives one)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None
