"""What the networks' deciders share: how a rule refuses, the checks of a meeting's times
(UK wall clock, "HH:MM"), and the UK wall clock itself (what `now` and dates are written in)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events import CommandRejected

LONDON = ZoneInfo("Europe/London")


def wall_clock_at(moment: datetime) -> datetime:
    """An aware moment on the UK wall clock, naive: a command's `now`."""
    return moment.astimezone(LONDON).replace(tzinfo=None)


def day_named(day: date) -> str:
    """ "Tue 9 March": a date in what people are told."""
    return f"{day:%a} {day.day} {day:%B}"


def rejected(rule: str, message: str, status: int = 409) -> CommandRejected:
    return CommandRejected(rule, message, status)


def minutes_of(time: str) -> int:
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


def check_times(starts: str, ends: str) -> None:
    """A meeting ends after it starts (on the same day)."""
    if minutes_of(ends) <= minutes_of(starts):
        raise rejected("ends_before_it_starts", "A meeting ends after it starts.", 422)


def starts_at(day: date, starts: str) -> datetime:
    """The naive UK wall-clock moment a meeting starts."""
    return datetime.combine(day, datetime.strptime(starts, "%H:%M").time())


def check_not_past(day: date, starts: str, now: datetime) -> None:
    """A meeting is dated from now on (`now` is the UK wall clock, naive)."""
    if starts_at(day, starts) < now:
        raise rejected("in_the_past", "That date and time has already passed.", 422)


def unique(ids: Sequence[Hashable], rule: str, message: str) -> None:
    if len(set(ids)) != len(ids):
        raise rejected(rule, message, 422)
