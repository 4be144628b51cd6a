"""The days of the trust year as the slot finder sees them: pure, no I/O.

A school is closed on a day when the day is outside its terms (its own, else the trust's),
inside one of its closures (a holiday, an INSET day, a closure), or a weekend or a bank
holiday. Weekends, bank holidays and PD days are the same for every school and the finder
names them itself; `closed_days` gives each school's own reasons, in the words the finder
shows ("Half term", "INSET day", "Christmas holidays").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.easter import easter


@dataclass(frozen=True)
class Term:
    term: int
    name: str
    starts: date
    ends: date


@dataclass(frozen=True)
class Year:
    """The trust's academic year and its terms, in order."""

    year_id: str
    starts: date
    ends: date
    terms: tuple[Term, ...]

    def in_term(self, day: date, terms: Sequence[Term] | None = None) -> bool:
        return any(t.starts <= day <= t.ends for t in (terms or self.terms))


@dataclass(frozen=True)
class Closure:
    """A span a school is shut, with the words to show ("INSET day", "Half term")."""

    starts: date
    ends: date
    label: str


@dataclass(frozen=True)
class Calendar:
    """Everything about days the finder needs, for the span it looks at."""

    bank_holidays: Mapping[date, str] = field(default_factory=dict)
    pd_days: Mapping[date, str] = field(default_factory=dict)
    closed: Mapping[str, Mapping[date, str]] = field(default_factory=dict)
    """school_id -> day -> why the school is shut that day (its own reasons only)."""
    school_names: Mapping[str, str] = field(default_factory=dict)
    year: Year | None = None
    """The trust's year around the span (for term time and suggested windows)."""

    def school_name(self, school_id: str) -> str:
        return self.school_names.get(school_id, school_id)


def days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def holiday_name(first_out: date, last_out: date, year: Year) -> str:
    """The name of a gap between terms, as a school would say it."""
    if first_out < year.terms[0].starts or last_out > year.terms[-1].ends:
        return "Summer holidays"
    span = list(days(first_out, last_out))
    if any((d.month, d.day) in ((12, 25), (1, 1)) for d in span):
        return "Christmas holidays"
    if any(d == easter(d.year) for d in span):
        return "Easter holidays"
    if any(d.month in (7, 8) for d in span):
        return "Summer holidays"
    return "Half term"


def out_of_term(year: Year, terms: Sequence[Term], first: date, last: date) -> dict[date, str]:
    """The weekdays between `first` and `last` inside the year but outside `terms`, named."""
    named: dict[date, str] = {}
    terms = sorted(terms, key=lambda t: t.starts)
    edges = [year.starts - timedelta(days=1)]
    for term in terms:
        edges += [term.starts, term.ends]
    edges.append(year.ends + timedelta(days=1))
    for gap_start, gap_end in zip(edges[0::2], edges[1::2], strict=True):
        first_out, last_out = gap_start + timedelta(days=1), gap_end - timedelta(days=1)
        if first_out > last_out or last_out < first or first_out > last:
            continue
        name = holiday_name(
            first_out, last_out, Year(year.year_id, year.starts, year.ends, tuple(terms))
        )
        for day in days(max(first_out, first), min(last_out, last)):
            named[day] = name
    return named


def closed_days(
    year: Year | None,
    own_terms: Sequence[Term],
    closures: Iterable[Closure],
    first: date,
    last: date,
) -> dict[date, str]:
    """One school's closed days between `first` and `last` and why: out of its terms (its
    own when it has them, else the trust's), then its closures (which win: an INSET day
    says "INSET day")."""
    shut: dict[date, str] = {}
    if year is not None and year.terms:
        shut.update(out_of_term(year, own_terms or year.terms, first, last))
    for closure in closures:
        for day in days(max(closure.starts, first), min(closure.ends, last)):
            shut[day] = closure.label
    return shut
