"""The trust year's read model folded from the log, and which schools are closed when: a
weekend, a bank holiday, outside the school's terms (its own, else the trust's), or one of
its closures; a day of a year the trust has not set is no holiday."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

from events import Event
from events.projection import rebuild, reset
from readmodels.directory.projection import directory
from readmodels.trustyear import queries
from readmodels.trustyear.projection import trustyear
from services.trustyear.domain import Closure
from services.trustyear.events import school_subject, year_subject
from tests.support.people import add_school
from tests.support.trustdays import append
from tests.trustyear.test_domain import SIX, YEAR, year_set

KEY = {"school_id": "ash", "year_id": "2026-27"}


def closure(closure_id: str, kind: str, starts: date, ends: date, label: str) -> Event:
    data = asdict(Closure(closure_id, kind, starts, ends, label, "page"))
    return Event("ClosureAdded", {**KEY, **data})


def own_terms(*terms) -> Event:
    return Event("SchoolTermsSet", {**KEY, "terms": [asdict(t) for t in terms]})


def test_the_year_and_a_schools_dates_fold_and_say_who_is_closed(nats, store, engine):
    reset(engine, directory)  # the schools' table
    add_school(engine, "ash", "Ash Grove Primary")
    add_school(engine, "beech", "Beech Hill Primary")
    append(store, nats, year_subject("2026-27"), year_set(YEAR))
    late_spring = [*SIX[:2], replace(SIX[2], starts=date(2027, 1, 6))]
    append(
        store,
        nats,
        school_subject("ash", "2026-27"),
        closure("c1", "inset", date(2026, 9, 2), date(2026, 9, 2), "INSET day"),
        closure("c2", "closure", date(2026, 11, 4), date(2026, 11, 5), "Boiler broken"),
        Event("ClosureRemoved", {**KEY, "closure_id": "c2"}),
        closure("c3", "closure", date(2026, 11, 5), date(2026, 11, 5), "Polling day"),
        own_terms(*late_spring, *SIX[3:]),
    )
    nats.run(rebuild(store, engine, trustyear))

    view = queries.find_year(engine, "2026-27")
    assert view is not None and [t.name for t in view.terms][::5] == ["Autumn 1", "Summer 2"]
    assert view.year.starts == date(2026, 9, 1)
    assert queries.year_ids(engine) == ["2026-27"]
    assert [c.label for c in queries.closures_of(engine, "ash", "2026-27")] == [
        "INSET day",
        "Polling day",
    ]
    assert len(queries.own_terms(engine, "ash", "2026-27")) == 6
    assert queries.schools_with_own_terms(engine, "2026-27") == {"ash"}
    assert queries.closure_counts(engine, "2026-27") == {"ash": {"inset": 1, "closure": 1}}

    closed = queries.closed_schools(engine, date(2026, 8, 31), date(2027, 1, 6))
    assert closed[date(2026, 8, 31)] == [
        ("ash", "Late Summer Bank Holiday"),
        ("beech", "Late Summer Bank Holiday"),
    ]
    assert closed[date(2026, 9, 1)] == [("ash", "School holiday"), ("beech", "School holiday")]
    assert closed[date(2026, 9, 2)] == [("ash", "INSET day")]
    assert date(2026, 9, 3) not in closed
    assert closed[date(2026, 9, 5)] == [("ash", "Weekend"), ("beech", "Weekend")]
    assert closed[date(2026, 10, 27)] == [("ash", "School holiday"), ("beech", "School holiday")]
    assert date(2026, 11, 4) not in closed
    assert closed[date(2026, 11, 5)] == [("ash", "Polling day")]
    assert closed[date(2026, 12, 25)] == [("ash", "Christmas Day"), ("beech", "Christmas Day")]
    assert closed[date(2027, 1, 5)] == [("ash", "School holiday")]  # its own spring term
    assert date(2027, 1, 6) not in closed
    next_year = queries.closed_schools(engine, date(2027, 9, 6), date(2027, 9, 6))
    assert next_year == {}  # 2027-28 is not set: not a holiday
