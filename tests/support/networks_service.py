"""The networks service on real sockets, the trust's people and posts it knows from the log,
and the identities and bodies its tests send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events import Event
from events.config import Settings
from events.connection import NatsThread
from events.store import EventStore, StreamSettings
from services.networks import create_app
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.people import joined, record_facts

LONDON = ZoneInfo("Europe/London")
SIL = "sil"
"""The school improvement lead who facilitates the tests' network (a network lead)."""


@contextmanager
def networks(nats_url: str, stream: StreamSettings, apps: int = 1) -> Iterator[list[str]]:
    """`apps` instances of the service on the same stream (as separate processes would be);
    their base URLs."""
    settings = Settings(nats_url, "sqlite://", stream, SECRET_KEY)
    with serve(create_app(settings)) as first:
        if apps == 1:
            yield [first]
            return
        with networks(nats_url, stream, apps - 1) as others:
            yield [first, *others]


def trust(nats: NatsThread, store: EventStore, schools: dict[str, list[tuple[str, str]]]) -> int:
    """People at schools, each holding posts: {school: [(person, post or ""), ...]}; the
    facilitator (central team) too. The last sequence."""
    facts = [joined(SIL, school_id=None)]
    for school_id, people in schools.items():
        for person_id, post in people:
            facts.append(joined(person_id, school_id=school_id))
            if post:
                data = {"person_id": person_id, "post": post, "school_id": school_id}
                facts.append(Event("PostTaken", data))
    return nats.run(record_facts(store, facts))


def lead(person_id: str = SIL) -> dict[str, str]:
    return signed(someone("network_lead", person_id=person_id, school_id=None))


def member(person_id: str, school_id: str = "oak") -> dict[str, str]:
    return signed(someone(person_id=person_id, school_id=school_id))


def head(person_id: str, school_id: str) -> dict[str, str]:
    return signed(someone(("headteacher", school_id), person_id=person_id, school_id=school_id))


def network_fields(**changes) -> dict:
    fields = {
        "name": "SENCO network",
        "kind": "pastoral",
        "description": "SENCOs of every school",
        "member_posts": ["senco"],
        "member_ids": [],
        "facilitator_id": SIL,
        "agenda_lead_id": None,
        "cadence": {"rule": "per_year", "count": 3},
        "private": False,
        "agenda_template": [{"title": "Welcome", "minutes": 5}],
        "minutes": 90,
        "venue": "Oak Primary",
    }
    return {**fields, **changes}


def weekday_ahead(days: int) -> date:
    """A weekday about `days` ahead (UK date)."""
    day = datetime.now(LONDON).date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def poll_fields(**changes) -> dict:
    first, second = weekday_ahead(30), weekday_ahead(33)
    fields = {
        "title": "Autumn SENCO network",
        "minutes": 90,
        "options": [
            {"date": first.isoformat(), "starts": "16:00", "ends": "17:30"},
            {"date": second.isoformat(), "starts": "16:00", "ends": "17:30"},
        ],
        "deadline": f"{weekday_ahead(20).isoformat()}T17:00",
        "venue": "Oak Primary",
        "join_link": "",
    }
    return {**fields, **changes}
