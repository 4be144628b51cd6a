"""The dates of a series: every N weeks on a weekday, in term time, skipping closed days.

Pure. The rhythm counts **term weeks** (a week whose chosen weekday falls inside one of
the trust's terms): a fortnightly group meets every other week the schools are open, so a
half term or a holiday pauses the count instead of leaving a four-week gap. A term-week
date is skipped, with its reason, when it is a bank holiday or a PD day, or when **any
invited school is shut** (its own half term, an INSET day, a closure): a trust-wide
group such as the headteachers' would otherwise meet without the head of that school.
The skipped date keeps its place in the rhythm (the next one is still N weeks on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.networks.calendar import Calendar
from services.networks.finder import Invitee, day_reasons


@dataclass(frozen=True)
class SeriesDates:
    occurrences: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]
    """Each term-week date left out, with its reasons joined ("Bank holiday: …; PD day")."""


def first_on(weekday: int, first: date) -> date:
    """The first `weekday` (0 Monday) on or after `first`."""
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def series_dates(
    first: date,
    last: date,
    every_weeks: int,
    weekday: int,
    invitees: Sequence[Invitee],
    calendar: Calendar,
) -> SeriesDates:
    """The occurrences from `first` to `last`, and the dates skipped and why."""
    if every_weeks < 1 or not 0 <= weekday <= 6:
        raise ValueError("every_weeks must be at least 1 and weekday 0 to 6")
    year = calendar.year
    occurrences: list[date] = []
    skipped: list[tuple[date, str]] = []
    count = 0
    day = first_on(weekday, first)
    while day <= last:
        if year is None or not year.terms or year.in_term(day):
            if count % every_weeks == 0:
                reasons = day_reasons(day, invitees, calendar)
                if reasons:
                    skipped.append((day, "; ".join(reasons)))
                else:
                    occurrences.append(day)
            count += 1
        day += timedelta(days=7)
    return SeriesDates(tuple(occurrences), tuple(skipped))
