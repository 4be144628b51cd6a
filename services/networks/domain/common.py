"""What the networks' deciders share: how a rule refuses, and the checks of a meeting's
times (UK wall clock, "HH:MM")."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime

from events import CommandRejected


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
