"""A small trust for the network pages' tests, through the real stack (the networks service
and its reactor, the directory, the projector, the frontend): two schools, a maths lead at
each, a headteacher, a teacher with no post, a school improvement lead, the CEO; a trust
year of two terms around today with a holiday between them; a network formed through the
service as its facilitator would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from flask.testing import FlaskClient

from events import Event
from events.connection import NatsThread
from events.identity import Identity
from events.store import EventStore
from readmodels.networks import queries
from services.trustyear.events import school_subject, year_of, year_subject
from tests.support.identity import signed, someone
from tests.support.people import enrol, record_facts
from tests.support.shared import fresh_database, fresh_store
from tests.support.stack import Stack, networks_stack
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
PEOPLE: dict[str, tuple[tuple, str | None, str, str]] = {
    # who: (roles, school, name, post)
    "sil": (("network_lead",), None, "Sam Improvement", "school_improvement_lead"),
    "ceo": (("ceo",), None, "Helen Marsh", "ceo"),
    "amy": ((), "school-a", "Amy Ash", "maths_lead"),
    "bob": ((), "school-b", "Bob Beech", "maths_lead"),
    "head": ((("headteacher", "school-a"),), "school-a", "Hal Head", "headteacher"),
    "tess": ((), "school-a", "Tess Teacher", ""),
    "cpdm": (("cpd_manager",), None, "Priya Shah", ""),
}
SCHOOLS = {"school-a": "Ash Grove Primary", "school-b": "Beech Hill Academy"}


@dataclass
class Trust:
    stack: Stack
    ids: dict[str, str]
    network_id: str
    terms: list[dict[str, Any]]

    def identity(self, who: str) -> Identity:
        roles, school_id, name, _ = PEOPLE[who]
        return someone(*roles, person_id=self.ids[who], school_id=school_id, name=name)

    def client(self, who: str) -> FlaskClient:
        return self.stack.client(self.identity(who))

    def api(self, who: str) -> httpx.Client:
        """The networks service, as `who` (close it after)."""
        return httpx.Client(
            base_url=self.stack.services["networks"], headers=signed(self.identity(who))
        )


def trust_year(nats: NatsThread, store: EventStore, today: date) -> list[dict[str, Any]]:
    """Two terms: from 40 days ago to 60 days ahead, a fortnight's holiday, then 90 days."""
    first_term: dict[str, Any] = {
        "term": 1,
        "name": "Term 1",
        "starts": today - timedelta(days=40),
        "ends": today + timedelta(days=60),
    }
    second_term: dict[str, Any] = {
        "term": 2,
        "name": "Term 2",
        "starts": today + timedelta(days=75),
        "ends": today + timedelta(days=165),
    }
    year_id = year_of(today)
    start = int(year_id[:4])
    terms = [first_term, second_term]
    year = {
        "year_id": year_id,
        "starts": min(date(start, 9, 1), first_term["starts"]),
        "ends": max(date(start + 1, 8, 31), second_term["ends"]),
        "terms": terms,
    }
    subject = store.subject(*year_subject(year_id))
    _, last = nats.run(store.load(subject))
    nats.run(store.append(subject, [Event("YearSet", year)], last))
    day = inset_day(today)
    closure = {
        "school_id": "school-a",
        "year_id": year_id,
        "closure_id": "inset-1",
        "kind": "inset",
        "starts": day,
        "ends": day,
        "label": "INSET day",
        "source": "page",
    }
    school = store.subject(*school_subject("school-a", year_id))
    nats.run(store.append(school, [Event("ClosureAdded", closure)], 0))
    return terms


def inset_day(today: date) -> date:
    """Ash Grove's INSET day: the first weekday a week from today."""
    day = today + timedelta(days=7)
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def people_and_posts(stack: Stack, nats: NatsThread, store: EventStore) -> dict[str, str]:
    schools = [
        Event(
            "SchoolAdded",
            {
                "school_id": school,
                "name": name,
                "phase": "primary",
                "urn": "100000",
                "town": "Leeds",
            },
        )
        for school, name in SCHOOLS.items()
    ]
    nats.run(record_facts(store, schools))  # the service must know them: their closures count
    assert wait_until(lambda: len(queries.school_names(stack.engine)) == len(SCHOOLS))
    ids: dict[str, str] = {}
    for who, (roles, school_id, name, _) in PEOPLE.items():
        email = f"{who}@example.sch.uk"
        ids[who] = enrol(
            stack.engine, email, *roles, school_id=school_id, name=name, log=(nats, store)
        )
    posts = [
        Event("PostTaken", {"person_id": ids[who], "post": post, "school_id": school_id})
        for who, (_, school_id, _, post) in PEOPLE.items()
        if post
    ]
    nats.run(record_facts(store, posts))
    return ids


def maths_network(stack: Stack, ids: dict[str, str], sil: Identity) -> str:
    record = {
        "name": "Maths leads",
        "kind": "subject",
        "description": "The maths leads of every school.",
        "member_posts": ["maths_lead"],
        "member_ids": [],
        "facilitator_id": ids["sil"],
        "cadence": {"rule": "per_year", "count": 3},
        "minutes": 90,
        "venue": "Trust office",
    }
    base = stack.services["networks"]
    formed = httpx.post(f"{base}/networks", json=record, headers=signed(sil))
    assert formed.status_code == 201, formed.text
    network_id = formed.json()["id"]
    assert wait_until(lambda: len(queries.member_ids(stack.engine, network_id)) == 3)
    return str(network_id)


@contextmanager
def a_trust(nats: NatsThread, nats_url: str, kind: str, folder: Path) -> Iterator[Trust]:
    today = datetime.now(LONDON).date()
    with (
        fresh_store(nats) as store,
        fresh_database(kind, folder) as (url, engine),
        networks_stack(nats, nats_url, store, url, engine) as stack,
    ):
        terms = trust_year(nats, store, today)
        ids = people_and_posts(stack, nats, store)
        sil = someone("network_lead", person_id=ids["sil"], school_id=None)
        network_id = maths_network(stack, ids, sil)
        yield Trust(stack, ids, network_id, terms)
