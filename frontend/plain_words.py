"""A service's field errors in plain words for a teacher: marshmallow's stock messages
("Not a valid integer.", "Length must be between 1 and 120.") become sentences a person
acts on ("Give a whole number.", "Write between 1 and 120 characters.").

The one place they are reworded: `frontend.commands.send` rewords a refusal's fields as it
reads them, so every page that shows a service's errors (at its fields, or as sentences)
shows these. A message written for people by a service (`error="Give a time as HH:MM."`)
is left as it is. A length is of characters, or of items where the page sent a list."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Reword = Callable[[re.Match[str], bool], str]
"""A rewording: the stock message's match, and whether the field holds a list."""


def _length(match: re.Match[str], many: bool) -> str:
    low, high = match["low"], match["high"]
    if many:
        return f"Choose between {low} and {high}."
    if low == "0":
        return f"Write no more than {high} characters."
    return f"Write between {low} and {high} characters."


def _at_least(match: re.Match[str], many: bool) -> str:
    least = match["low"]
    if many:
        return f"Choose at least {least}."
    return "Fill this in." if least == "1" else f"Write at least {least} characters."


def _at_most(match: re.Match[str], many: bool) -> str:
    most = match["high"]
    return f"Choose no more than {most}." if many else f"Write no more than {most} characters."


def _exactly(match: re.Match[str], many: bool) -> str:
    count = match["count"]
    return f"Choose exactly {count}." if many else f"Write exactly {count} characters."


def _said(sentence: str) -> Reword:
    return lambda match, many: sentence


def _number(template: str) -> Reword:
    return lambda match, many: template.format(**match.groupdict())


_NUMBER = r"(?P<{}>-?\d+(?:\.\d+)?)"
_LOW, _HIGH = _NUMBER.format("low"), _NUMBER.format("high")

REWORDINGS: tuple[tuple[str, Reword], ...] = (
    (r"Missing data for required field\.", _said("This is needed.")),
    (r"Field may not be null\.", _said("Fill this in.")),
    (r"Not a valid integer\.", _said("Give a whole number.")),
    (r"Not a valid number\.", _said("Give a number.")),
    (r"Number too large\.", _said("Give a smaller number.")),
    (r"Special numeric values .*", _said("Give a number.")),
    (r"Not a valid (?:utf-8 )?string\.", _said("Write this as text.")),
    (r"Not a valid boolean\.", _said("Choose yes or no.")),
    (r"Not a valid date\.", _said("Give a date that is on the calendar.")),
    (r"Not a valid (?:naive |aware )?datetime\.", _said("Give a date and a time.")),
    (r"Not a valid time\.", _said("Give a time, like 09:30.")),
    (r"Not a valid email address\.", _said("Give an email address, like name@school.org.uk.")),
    (r"Not a valid URL\.", _said("Give a web address that starts https://.")),
    (r"Not a valid UUID\.", _said("Choose one from the list.")),
    (r"Must be one of: .*", _said("Choose one of the options given.")),
    (r"One or more of the choices you made was not in: .*", _said("Choose only from the list.")),
    (r"String does not match expected pattern\.", _said("Check how this is written.")),
    (rf"Length must be between {_LOW} and {_HIGH}\.", _length),
    (rf"Shorter than minimum length {_LOW}\.", _at_least),
    (rf"Longer than maximum length {_HIGH}\.", _at_most),
    (r"Length must be (?P<count>\d+)\.", _exactly),
    (
        rf"Must be greater than or equal to {_LOW} and less than or equal to {_HIGH}\.",
        _number("Give a number from {low} to {high}."),
    ),
    (rf"Must be greater than or equal to {_LOW}\.", _number("Give {low} or more.")),
    (rf"Must be less than or equal to {_HIGH}\.", _number("Give {high} or less.")),
    (rf"Must be greater than {_LOW}\.", _number("Give more than {low}.")),
    (rf"Must be less than {_HIGH}\.", _number("Give less than {high}.")),
    (
        rf"Must be greater than {_LOW} and less than {_HIGH}\.",
        _number("Give more than {low} and less than {high}."),
    ),
    (
        r"Not a valid (?:list|tuple|mapping type)\.|Invalid (?:input )?type\.",
        _said("This is not in the shape the form sends: reload the page and try again."),
    ),
    (r"Unknown field\.", _said("The form sent something it should not: reload the page.")),
    (r"Invalid (?:value|input)\.", _said("Check this: it is not one we can take.")),
)
_COMPILED = tuple((re.compile(pattern), reword) for pattern, reword in REWORDINGS)


def plain(message: str, many: bool = False) -> str:
    """`message` in plain words; `many` when the field holds a list (a length of items)."""
    for pattern, reword in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return reword(match, many)
    return message


def plain_fields(fields: Any, sent: Any = None) -> Any:
    """A service's field errors (`{"title": ["…"], "items": {"0": {"minutes": ["…"]}}}`)
    with every message in plain words; `sent` is the body the page sent (for which fields
    hold lists), walked beside them."""
    if isinstance(fields, dict):
        return {name: plain_fields(inner, _inside(sent, name)) for name, inner in fields.items()}
    if isinstance(fields, list):
        many = isinstance(sent, list)
        return [plain(said, many) if isinstance(said, str) else said for said in fields]
    return fields


def _inside(sent: Any, name: str) -> Any:
    if isinstance(sent, dict):
        return sent.get(name)
    if isinstance(sent, list) and str(name).isdigit() and int(name) < len(sent):
        return sent[int(name)]
    return None
