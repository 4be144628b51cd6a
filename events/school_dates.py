"""The dates Staffroom takes: a school trust's, in the years FIRST_YEAR to LAST_YEAR.

A date Python can hold but no school has is refused at the edge like any other mistake: a
reminder two days before 1 January of the year 1, an all-day event's end the day after
31 December 9999, or the year "9999-00" that ends in 10000, are past what a date can
hold, and a reactor, a feed or a page would fail on them for good."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

FIRST_YEAR = 2000
LAST_YEAR = 2099


def within_school_years(value: date) -> None:
    """A marshmallow validator for a date or a datetime, aware or not."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Give a date from {FIRST_YEAR} to {LAST_YEAR}.")
