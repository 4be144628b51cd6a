"""The demo trust's year, dated from today like the PD days: this academic year and the next,
six terms each around England's usual half terms and Easter, every school's INSET days
(the first day of the autumn and spring terms, and one of its own), and one school (Foxwood)
whose February half term is a week later than the trust's.

Loaded through the service's commands with fixed idempotency keys: loading it again
changes nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from dateutil.easter import easter

from events.decider import CommandLoop
from events.envelope import Metadata
from events.store import EventStore
from services.directory.events import TRUST_SUBJECT
from services.trustyear.domain import (
    AddClosures,
    Closure,
    SchoolYearDecider,
    SetSchoolTerms,
    SetYear,
    Term,
    Year,
    YearDecider,
)
from services.trustyear.events import school_subject, year_of, year_subject

AS_DEMO = Metadata(actor="demo")
DEMO_NAMESPACE = uuid.UUID("3c9d3f0e-6a7b-4c55-8e21-7f0a2b4c6d19")
OWN_HALF_TERM = "143206"
"""Foxwood School's URN: its February half term is a week after the trust's."""
TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_weekday(day: date) -> date:
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def weekday_before(day: date) -> date:
    """The day itself if a weekday, else the Friday before it."""
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def friday_before(monday: date) -> date:
    return monday - timedelta(days=3)


def terms_of(first: int, february_shift: int = 0) -> tuple[Term, ...]:
    """Six terms of the year starting in September `first`: half terms in the last week
    of October, mid-February and at the Spring bank holiday; two weeks at Easter."""
    october = monday_of(date(first, 10, 27))
    february = monday_of(date(first + 1, 2, 16)) + timedelta(weeks=february_shift)
    good_friday = easter(first + 1) - timedelta(days=2)
    easter_break = monday_of(good_friday)
    whitsun = monday_of(date(first + 1, 5, 31))
    spans = (
        (next_weekday(date(first, 9, 2)), friday_before(october)),
        (october + timedelta(weeks=1), friday_before(monday_of(date(first, 12, 22)))),
        (next_weekday(date(first + 1, 1, 5)), friday_before(february)),
        (february + timedelta(weeks=1), friday_before(easter_break)),
        (easter_break + timedelta(weeks=2), friday_before(whitsun)),
        (whitsun + timedelta(weeks=1), weekday_before(date(first + 1, 7, 22))),
    )
    return tuple(
        Term(n, name, starts, ends)
        for n, (name, (starts, ends)) in enumerate(zip(TERM_NAMES, spans, strict=True), start=1)
    )


def year_for(first: int) -> Year:
    return Year(
        f"{first}-{(first + 1) % 100:02d}",
        date(first, 9, 1),
        date(first + 1, 8, 31),
        terms_of(first),
    )


def inset_days(terms: tuple[Term, ...], index: int) -> list[date]:
    """The first days of the autumn and spring terms, and a Friday of the school's own in
    the summer term (a different one for each school)."""
    own = friday_before(monday_of(terms[4].starts) + timedelta(weeks=2 + index % 4))
    return [terms[0].starts, terms[2].starts, own]


def closure_id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, ":".join(parts)))


async def schools_of_the_trust(store: EventStore) -> list[tuple[str, str]]:
    """Each school's id and URN, from the directory's facts as the log holds them."""
    events, _ = await store.load(store.subject(*TRUST_SUBJECT))
    return [(e.data["school_id"], e.data["urn"]) for e in events if e.type == "SchoolAdded"]


async def load(store: EventStore, today: date | None = None) -> str:
    """This academic year and the next, each school's INSET days, Foxwood's own terms."""
    today = today or date.today()
    first = int(year_of(today)[:4])
    years = CommandLoop(store, YearDecider())
    school_years = CommandLoop(store, SchoolYearDecider())
    schools = await schools_of_the_trust(store)
    insets = 0
    for start in (first, first + 1):
        year = year_for(start)
        subject = store.subject(*year_subject(year.year_id))
        await years.execute(subject, SetYear(year), f"demo-year-{year.year_id}", AS_DEMO)
        for index, (school_id, urn) in enumerate(schools):
            subject = store.subject(*school_subject(school_id, year.year_id))
            days = inset_days(year.terms, index)
            closures = tuple(
                Closure(closure_id(school_id, day.isoformat()), "inset", day, day, "INSET day")
                for day in days
            )
            key = f"demo-year-{year.year_id}-{urn}"
            command = AddClosures(school_id, year.year_id, closures)
            await school_years.execute(subject, command, f"{key}-inset", AS_DEMO)
            insets += len(closures)
            if urn == OWN_HALF_TERM:
                own = SetSchoolTerms(school_id, year.year_id, terms_of(start, february_shift=1))
                await school_years.execute(subject, own, f"{key}-terms", AS_DEMO)
    return (
        f"2 trust years of 6 terms ({first}-{(first + 1) % 100:02d} and the next),"
        f" {insets} INSET days at {len(schools)} schools, 1 school with its own half term"
    )
