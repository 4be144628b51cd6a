"""Whole numbers a person typed into a page (a form's field, a query string's value): ASCII
digits only, no more of them than a field can mean (events/numbers.py says why); anything
else is None, for the page to say what it wants."""

from __future__ import annotations

from events.numbers import MAX_DIGITS, whole_number

__all__ = ["MAX_DIGITS", "number_in", "whole_number"]


def number_in(text: str | None, low: int, high: int) -> int | None:
    """`whole_number(text)` if it is from `low` to `high`, else None."""
    number = whole_number(text)
    return number if number is not None and low <= number <= high else None
