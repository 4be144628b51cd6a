"""`make bench --only networks`: the networks' figures.

- The slot finder for a year: a window of the whole academic year, 30 members at 7 schools
  (each with its own INSET days, one with a different half term), 2 PD days, England's
  bank holidays, 300 other meetings to clash with, three start times a day; printed beside
  a raw baseline measured in the same run (the year's dates and times iterated with no
  rules at all), and the same again from the service's facts (the calendar worked out for
  the year first, as the finder's endpoint does).
- The compliance board with a year of meetings for every network (tests/bench/compliance.py):
  p50/p99 server time beside the raw read of its rows.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from services.networks.calendar import Calendar, Closure, Term, days
from services.networks.facts import Facts
from services.networks.facts_folds import Directory, MeetingFact, NetworkFact, Person, TrustYear
from services.networks.finder import Booking, Invitee, Option, Window, find_dates
from services.trustyear.events import england_bank_holidays
from tests.bench.compliance import compliance_board
from tests.bench.report import heading, rate, timed
from tests.support.networks_facts import ELM_TERMS, YEAR

SCHOOLS = [f"school-{n}" for n in range(7)]
TIMES = ("09:30", "13:30", "16:00")
WINDOW = Window(YEAR.starts, YEAR.ends)
ROUNDS = 50


def school_closures(rng: random.Random, school_id: str) -> list[Closure]:
    """Five INSET days at term starts and ends, as schools take them."""
    picks = rng.sample([t.starts for t in YEAR.terms] + [t.ends for t in YEAR.terms], 5)
    return [Closure(d, d, "INSET day") for d in picks]


def own_terms(school_id: str) -> tuple[Term, ...]:
    return ELM_TERMS if school_id == SCHOOLS[-1] else ()  # a week's later half term


def trust(rng: random.Random) -> tuple[Facts, list[Invitee], Calendar, list[Booking]]:
    people = {f"p{n}": Person(f"Person {n}", SCHOOLS[n % 7] if n < 28 else None) for n in range(30)}
    closures = {
        (s, YEAR.year_id): {f"c{k}": c for k, c in enumerate(school_closures(rng, s))}
        for s in SCHOOLS
    }
    terms = {(s, YEAR.year_id): own_terms(s) for s in SCHOOLS if own_terms(s)}
    meetings = {}
    school_days = [d for d in days(YEAR.starts, YEAR.ends) if d.weekday() < 5]
    for n in range(300):
        invited = tuple((p, True) for p in rng.sample(sorted(people), 6))
        day = rng.choice(school_days)
        starts = rng.choice(TIMES)
        meetings[f"m{n}"] = MeetingFact(
            f"m{n}", "other", f"Meeting {n}", "p0", invited, "confirmed", day, starts, "17:30"
        )
    network = NetworkFact(
        "net", "Maths network", "subject", frozenset(), tuple(people), "p29", "per_year", 3, 90
    )
    facts = Facts(
        directory=Directory(people, {s: s.title() for s in SCHOOLS}, {}),
        year=TrustYear({YEAR.year_id: YEAR}, terms, closures),
        pd_days={"d1": (date(2026, 11, 20), "PD day"), "d2": (date(2027, 6, 25), "PD day")},
        networks={"net": network},
        meetings=meetings,
    )
    invitees = facts.members_of("net")
    return facts, invitees, facts.calendar(WINDOW.first, WINDOW.last), facts.bookings()


def raw_year() -> int:
    """The baseline: every date and time of the year as an option, no rules."""
    found = [Option(day, t, t, 30, 30) for day in days(WINDOW.first, WINDOW.last) for t in TIMES]
    return len(found)


def finder() -> None:
    heading("Slot finder: a year, 30 members at 7 schools, 300 other meetings, 3 times a day")
    facts, invitees, calendar, bookings = trust(random.Random(15))
    held = [date(2026, 10, 6)]
    with timed() as raw:
        for _ in range(ROUNDS):
            raw_year()
    baseline = rate("raw: the year's dates and times, no rules", ROUNDS, raw.seconds)
    with timed() as found:
        for _ in range(ROUNDS):
            proposal = find_dates(WINDOW, 90, invitees, calendar, bookings, held, TIMES, 60)
    rate("finder on a worked-out calendar (years/s)", ROUNDS, found.seconds, baseline)
    with timed() as whole:
        for _ in range(ROUNDS):
            calendar = facts.calendar(WINDOW.first, WINDOW.last)
            find_dates(
                WINDOW, 90, facts.members_of("net"), calendar, facts.bookings(), held, TIMES, 60
            )
    rate("finder from the facts, calendar included", ROUNDS, whole.seconds, baseline)
    print(
        f"  {len(proposal.options)} options, {len(proposal.excluded)} dates out;"
        f" {len(england_bank_holidays(WINDOW.first, WINDOW.last))} bank holidays"
    )


def run(nats_url: str, folder: Path) -> None:
    """Every networks benchmark: the slot finder, the compliance board's render."""
    finder()
    compliance_board(nats_url, folder)
