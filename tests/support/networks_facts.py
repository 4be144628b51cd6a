"""What the networks' tests of their foreign facts share: the directory's and the networks'
events of a small trust, written into a real log (tests/networks: the facts, the finder over
HTTP, the reactions, the demo), and the trust year the finder, series and bench share as a
calendar (`trust_calendar`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from events import Event
from services.networks.calendar import Calendar, Closure, Term, Year, closed_days
from services.trustyear.events import england_bank_holidays


def person(person_id: str, school_id: str | None, name: str = "") -> Event:
    return Event(
        "PersonJoined",
        {
            "person_id": person_id,
            "name": name or person_id.title(),
            "email": f"{person_id}@trust.example",
            "school_id": school_id,
            "category": "teaching",
            "job_title": "Teacher",
            "subjects": [],
        },
    )


def school(school_id: str, name: str) -> Event:
    data = {"school_id": school_id, "name": name, "phase": "primary", "urn": "100001"}
    return Event("SchoolAdded", {**data, "town": "Town"})


def post(kind: str, person_id: str, name: str, school_id: str | None) -> Event:
    return Event(kind, {"person_id": person_id, "post": name, "school_id": school_id})


def two_sencos(*more: Event) -> list[Event]:
    """The directory's events of Oak Primary and Ash Academy, each with its SENCO (Sal at
    Oak, Sam at Ash), and `more` (people of the central team, other posts)."""
    return [
        school("oak", "Oak Primary"),
        school("ash", "Ash Academy"),
        person("sal", "oak"),
        person("sam", "ash"),
        post("PostTaken", "sal", "senco", "oak"),
        post("PostTaken", "sam", "senco", "ash"),
        *more,
    ]


def network(network_id: str, name: str, posts: list[str], facilitator: str, **more: Any) -> Event:
    record = {
        "network_id": network_id,
        "name": name,
        "kind": "subject",
        "member_posts": posts,
        "member_ids": [],
        "facilitator_id": facilitator,
        "cadence": {"rule": "per_year", "count": 3},
        "minutes": 90,
        **more,
    }
    return Event("NetworkFormed", record)


TERMS = (
    Term(1, "Autumn 1", date(2026, 9, 3), date(2026, 10, 23)),
    Term(2, "Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    Term(3, "Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
    Term(4, "Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
    Term(5, "Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    Term(6, "Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
)
YEAR = Year("2026-27", date(2026, 9, 1), date(2027, 8, 31), TERMS)
"""The trust's year 2026-27 in six terms, around England's usual half terms."""
SCHOOLS = {"oak": "Oak Primary", "ash": "Ash Academy", "elm": "Elm High"}
ELM_TERMS = (  # Elm High takes its October half term a week later
    Term(1, "Autumn 1", date(2026, 9, 3), date(2026, 10, 30)),
    Term(2, "Autumn 2", date(2026, 11, 9), date(2026, 12, 18)),
    *TERMS[2:],
)
PD_DAY = date(2026, 11, 20)
OAK_INSET = date(2026, 11, 16)


def trust_calendar(
    oak_closures: tuple[Closure, ...] = (Closure(OAK_INSET, OAK_INSET, "INSET day"),),
) -> Calendar:
    """The year of three schools as the finder sees it: a PD day, an INSET day at Oak (or
    the closures given), Elm's own terms."""
    first, last = YEAR.starts, YEAR.ends
    return Calendar(
        bank_holidays=england_bank_holidays(first, last),
        pd_days={PD_DAY: "Autumn PD day"},
        closed={
            "oak": closed_days(YEAR, (), oak_closures, first, last),
            "ash": closed_days(YEAR, (), (), first, last),
            "elm": closed_days(YEAR, ELM_TERMS, (), first, last),
        },
        school_names=SCHOOLS,
        year=YEAR,
    )
