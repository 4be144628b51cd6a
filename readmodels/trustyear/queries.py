"""Questions asked of the trust year's read side: the years and their terms, a school's own
terms and closures, and which schools are closed on which days (`closed_schools`: for the
networks' finder and pages, and anyone placing a meeting)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, Row, select

from readmodels.directory.tables import schools
from readmodels.trustyear.tables import school_closures, school_terms, trust_years, year_terms
from services.trustyear.events import CLOSURE_KINDS, england_bank_holidays, year_of

WEEKEND = "Weekend"
HOLIDAY = "School holiday"


@dataclass(frozen=True)
class YearView:
    year: Row
    terms: list[Row]


def year_ids(engine: Engine) -> list[str]:
    """Every year the trust has set, in order."""
    with engine.connect() as connection:
        return list(connection.scalars(select(trust_years.c.year_id).order_by("year_id")))


def find_year(engine: Engine, year_id: str) -> YearView | None:
    with engine.connect() as connection:
        year = connection.execute(select(trust_years).where(trust_years.c.year_id == year_id))
        row = year.first()
        if row is None:
            return None
        terms = select(year_terms).where(year_terms.c.year_id == year_id).order_by("term")
        return YearView(row, list(connection.execute(terms)))


def own_terms(engine: Engine, school_id: str, year_id: str) -> list[Row]:
    """A school's own terms ([] when it follows the trust's)."""
    query = (
        select(school_terms)
        .where(school_terms.c.school_id == school_id, school_terms.c.year_id == year_id)
        .order_by("term")
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def closures_of(engine: Engine, school_id: str, year_id: str) -> list[Row]:
    query = (
        select(school_closures)
        .where(school_closures.c.school_id == school_id, school_closures.c.year_id == year_id)
        .order_by(school_closures.c.starts, school_closures.c.ends)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def find_closure(engine: Engine, closure_id: str) -> Row | None:
    query = select(school_closures).where(school_closures.c.closure_id == closure_id)
    with engine.connect() as connection:
        return connection.execute(query).first()


def closure_counts(engine: Engine, year_id: str) -> dict[str, dict[str, int]]:
    """Per school, how many closures of each kind it has in the year."""
    query = select(school_closures.c.school_id, school_closures.c.kind).where(
        school_closures.c.year_id == year_id
    )
    counts: dict[str, dict[str, int]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            kinds = counts.setdefault(row.school_id, {})
            kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return counts


def schools_with_own_terms(engine: Engine, year_id: str) -> set[str]:
    query = select(school_terms.c.school_id).distinct().where(school_terms.c.year_id == year_id)
    with engine.connect() as connection:
        return set(connection.scalars(query))


# Which schools are closed
Spans = list[tuple[date, date]]


def closed_schools(engine: Engine, first: date, last: date) -> dict[date, list[tuple[str, str]]]:
    """Each day from first to last on which some school is closed, to (school_id, why) for
    each closed school, by school id: a weekend, a bank holiday (its name), outside the
    school's terms (its own, else the trust's: "School holiday"; a day of a year the trust
    has not set is not counted as a holiday), or one of its closures (its label)."""
    with engine.connect() as connection:
        school_ids = sorted(connection.scalars(select(schools.c.school_id)))
        trust = _spans(connection.execute(select(year_terms)).all(), school=False)
        own = _spans(connection.execute(select(school_terms)).all(), school=True)
        closures = connection.execute(
            select(school_closures).where(
                school_closures.c.starts <= last, school_closures.c.ends >= first
            )
        ).all()
    bank = england_bank_holidays(first, last)
    closed_by_closure: dict[tuple[str, date], str] = {}
    for closure in closures:
        label = closure.label or CLOSURE_KINDS.get(closure.kind, closure.kind)
        for day in _days(max(closure.starts, first), min(closure.ends, last)):
            closed_by_closure.setdefault((closure.school_id, day), label)
    found: dict[date, list[tuple[str, str]]] = {}
    for day in _days(first, last):
        year_id = year_of(day)
        reasons = []
        for school_id in school_ids:
            why = _why_closed(day, school_id, year_id, bank, closed_by_closure, own, trust)
            if why is not None:
                reasons.append((school_id, why))
        if reasons:
            found[day] = reasons
    return found


def _why_closed(
    day: date,
    school_id: str,
    year_id: str,
    bank: dict[date, str],
    closures: dict[tuple[str, date], str],
    own: dict[tuple[str | None, str], Spans],
    trust: dict[tuple[str | None, str], Spans],
) -> str | None:
    if day.weekday() > 4:
        return WEEKEND
    if day in bank:
        return bank[day]
    if (school_id, day) in closures:
        return closures[school_id, day]
    terms = own.get((school_id, year_id)) or trust.get((None, year_id))
    if terms and not any(starts <= day <= ends for starts, ends in terms):
        return HOLIDAY
    return None


def _spans(rows: Sequence[Row], school: bool) -> dict[tuple[str | None, str], Spans]:
    """Term spans by (school or None for the trust's, year)."""
    spans: dict[tuple[str | None, str], Spans] = {}
    for row in rows:
        key = (row.school_id if school else None, row.year_id)
        spans.setdefault(key, []).append((row.starts, row.ends))
    return spans


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
