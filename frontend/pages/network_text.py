"""How the network pages say things: a cadence as people say it ("at least 3 times a year"),
a date as a UK diary does ("Tue 3 March"), a meeting's when
("Tue 3 March, 16:00 to 17:30", with an en dash).
Registered as template filters by the networks blueprint, for every page that shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.networks.events import CADENCES

TIMES = {1: "once", 2: "twice"}


def times(count: int) -> str:
    return TIMES.get(count, f"{count} times")


def cadence(rule: str, count: int) -> str:
    """ "At least 3 times a year", "At least once a term", "Every fortnight in term time"."""
    if rule == "fortnightly":
        return "Every fortnight in term time"
    return f"At least {times(count)} {CADENCES.get(rule, rule)}"


def short_date(day: date | None, year: bool = False) -> str:
    """ "Tue 3 March" (with the year when asked: "Tue 3 March 2027")."""
    if day is None:
        return "No date yet"
    shown = f"{day:%a} {day.day} {day:%B}"
    return f"{shown} {day.year}" if year else shown


def when(meeting: Any) -> str:
    """A meeting's date and times, or that it has none yet."""
    if meeting.date is None:
        return "No date yet"
    return f"{short_date(meeting.date)}, {meeting.starts}\u2013{meeting.ends}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def labelled(values: Any, vocabulary: dict[str, str]) -> str:
    """Values as their labels, joined: "SENCO, Maths lead"."""
    return ", ".join(vocabulary.get(value, value) for value in values)
