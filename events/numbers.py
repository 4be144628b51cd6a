"""Whole numbers a person typed (a query string's value, a form's field), read one way by
the pages (frontend/numbers.py) and the services' schemas (`WholeNumber`).

Python's int() reads more than a person types and fails on some of what it is sent:
str.isdigit() says yes to "²", which int() then refuses; int() reads "٣" (an Arabic-Indic
three) as 3, and so does marshmallow's Integer of a string; and int() raises ValueError on a
string of more than 4,300 digits. Here a whole number is ASCII digits only, and no more of
them than a field can mean.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

MAX_DIGITS = 9
"""Enough for any count, capacity, length or page (a billion less one)."""


def whole_number(text: str | None, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The number `text` writes in ASCII digits (spaces around it allowed), or None."""
    given = (text or "").strip()
    if not 0 < len(given) <= max_digits or not (given.isascii() and given.isdigit()):
        return None
    return int(given)


class WholeNumber(fields.Integer):
    """An Integer for a query string or a form: a string must be `whole_number`'s (a JSON
    integer is taken as marshmallow takes it)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and whole_number(value) is None:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
