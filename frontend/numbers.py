"""Whole numbers a person typed (a form's field, a query string's value), read one way.

Python's int() reads more than a person types and fails on some of what it is sent:
str.isdigit() says yes to "²", which int() then refuses; int() reads "٣" (an Arabic-Indic
three) as 3; and it raises ValueError on a string of more than 4,300 digits. Each such
failure was a 500. Here a whole number is ASCII digits only, and no more of them than a
field can mean; anything else is None, for the page to say what it wants.
"""

from __future__ import annotations

MAX_DIGITS = 9
"""Enough for any count, capacity, length or page (a billion less one)."""


def whole_number(text: str | None, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The number `text` writes in ASCII digits (spaces around it allowed), or None."""
    given = (text or "").strip()
    if not 0 < len(given) <= max_digits or not (given.isascii() and given.isdigit()):
        return None
    return int(given)


def number_in(text: str | None, low: int, high: int) -> int | None:
    """`whole_number(text)` if it is from `low` to `high`, else None."""
    number = whole_number(text)
    return number if number is not None and low <= number <= high else None
