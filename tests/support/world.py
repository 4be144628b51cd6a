"""One world for the frontend's authorization matrix (tests/frontend/test_who_may.py) and its
hostile-input walk (tests/frontend/test_bad_input.py): the pages' app in-process with the
services behind it, two schools, someone in each role (and a leaver), a published PD day
today and a draft one, every active person booked where a cell needs a seat. Each module
builds one per database (module scope: its cells change it as they go, so it is not shared
further)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from events.connection import NatsThread
from events.store import EventStore
from readmodels.directory.tables import feed_tokens
from readmodels.trustdays.tables import pd_days, pd_places
from tests.support.identity import someone
from tests.support.people import add_school, enrol, join
from tests.support.shared import fresh_database, fresh_store
from tests.support.stack import Stack, pd_stack
from tests.support.trustdays import MANAGER_ID, day_fields, manager, session_fields
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
ROLES: dict[str, tuple[tuple, str | None]] = {
    "ta": ((), "school-a"),
    "tb": ((), "school-b"),
    "sl": (("session_leader",), "school-a"),
    "osl": (("session_leader",), "school-b"),
    "head": ((("headteacher", "school-a"),), "school-a"),
    "cpdl": ((("school_cpd_lead", "school-a"),), "school-a"),
    "nl": (("network_lead",), "school-a"),
    "cpdm": (("cpd_manager",), None),
    "ceo": (("ceo",), None),
    "admin": (("trust_admin",), None),
    "leaver": ((), "school-a"),
}
"""Who acts (the matrix's columns but "none"): their roles and school."""
ACTIVE = tuple(who for who in ROLES if who != "leaver")
WITHOUT_IDENTITY = ("none", "leaver")


@dataclass
class Day:
    day_id: str
    sessions: dict[str, str]
    """Session name to its id."""

    def session(self, name: str) -> str:
        return f"/days/{self.day_id}/sessions/{self.sessions[name]}"


@dataclass
class World:
    stack: Stack
    ids: dict[str, str]
    """Each role's person (and the extra people a cell needs) to their id."""
    day: Day
    draft: Day
    store: EventStore
    """The world's log."""

    def client(self, who: str) -> FlaskClient:
        if who in WITHOUT_IDENTITY:
            return self.stack.app.test_client()
        roles, school_id = ROLES[who]
        return self.stack.client(someone(*roles, person_id=self.ids[who], school_id=school_id))

    def token(self, who: str) -> str:
        """Who's current feed token; an unknown one for someone without an identity."""
        if who == "none":
            return "no-such-token"
        query = select(feed_tokens.c.token).where(feed_tokens.c.person_id == self.ids[who])
        with self.stack.engine.connect() as connection:
            token = connection.scalar(query)
        assert token, f"{who} holds a feed token (a leaver's too: it must stop working)"
        return token


BREAKOUTS = {
    # slot title: its sessions (name, who leads it: a role, or an external facilitator)
    "Breakout 1": (("led", "sl"), ("led by another", "osl"), ("open", None)),
    "Breakout 2": (("to cancel", None),),
    "Breakout 3": (("to move from", None), ("to move to", None)),
    "Breakout 4": (("kept", None),),
    "Breakout 5": (("bookable", None),),  # a leader takes no place in a slot they lead
}
BOOKED = {"to cancel", "to move from", "kept"}
"""Every active acting person holds a seat in each of these."""
ON_THE_REGISTER = ("attendee", "cancelled")
"""Booked on the session "led" too: its register has someone to mark and to cancel."""


@contextmanager
def a_world(nats: NatsThread, nats_url: str, kind: str, folder: Path) -> Iterator[World]:
    """The world on a database of `kind` (sqlite or postgresql), until the block ends."""
    with (
        fresh_store(nats) as store,
        fresh_database(kind, folder) as (url, engine),
        pd_stack(nats, nats_url, store, url, engine) as stack,
    ):
        join(nats, store, MANAGER_ID, school_id=None)
        ids = people_of_the_trust(stack, (nats, store))
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day, paths = plan_day(client, ids, publish=True)
            draft, _ = plan_day(client, ids, publish=False)
            for who in ACTIVE:
                for name in BOOKED:
                    book(client, paths[name], ids[who])
            for who in ON_THE_REGISTER:
                book(client, paths["led"], ids[who])
        expected = len(ACTIVE) * len(BOOKED) + len(ON_THE_REGISTER)
        assert wait_until(lambda: seats(stack) == expected and days_projected(stack) == 2)
        yield World(stack, ids, day, draft, store)


def plan_day(
    client: httpx.Client, leaders: dict[str, str], publish: bool
) -> tuple[Day, dict[str, str]]:
    """A PD day today, its window open until the end of the day, with BREAKOUTS; and each
    session's path in the trust days service."""
    now = datetime.now(LONDON)
    breakouts = [
        {"kind": "breakout", "title": title, "starts": f"1{n}:00", "ends": f"1{n}:45"}
        for n, title in enumerate(BREAKOUTS)
    ]
    fields = day_fields(
        date=now.date().isoformat(),
        opens=(now - timedelta(hours=1)).isoformat(),
        closes=now.replace(hour=23, minute=59).isoformat(),
        slots=[
            {"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "09:45"},
            *breakouts,
        ],
    )
    planned = client.post("/days", json=fields, headers=manager())
    assert planned.status_code == 201, planned.text
    day_id = planned.json()["id"]
    slots = client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
    sessions, paths = {}, {}
    for slot in slots:
        for name, leader in BREAKOUTS.get(slot["title"], ()):
            led = {"person_id": leaders.get(leader or ""), "name": "Lee Leader"}
            path = f"/days/{day_id}/slots/{slot['slot_id']}/sessions"
            added = client.post(path, json=session_fields(name, leader=led), headers=manager())
            assert added.status_code == 201, added.text
            sessions[name] = added.json()["id"]
            paths[name] = f"{path}/{sessions[name]}"
    if publish:
        assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    return Day(day_id, sessions), paths


def book(client: httpx.Client, session_path: str, person_id: str) -> None:
    booked = client.post(f"{session_path}/places", json={"person_id": person_id}, headers=manager())
    assert booked.status_code == 201, booked.text


def seats(stack: Stack) -> int:
    with stack.engine.connect() as connection:
        return connection.scalar(select(func.count()).where(pd_places.c.place == "seat")) or 0


def days_projected(stack: Stack) -> int:
    with stack.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(pd_days)) or 0


def people_of_the_trust(stack: Stack, log: tuple) -> dict[str, str]:
    add_school(stack.engine, "school-a", "Ash Grove Primary")
    add_school(stack.engine, "school-b", "Beech Hill Academy")
    ids = {}
    for who, (roles, school_id) in ROLES.items():
        status = "left" if who == "leaver" else "active"
        email = f"{who}@example.sch.uk"
        ids[who] = enrol(
            stack.engine, email, *roles, school_id=school_id, status=status, log=log, name=who
        )
    for extra in ("attendee", "cancelled", "placed", "walk-in-sl", "walk-in-cpdm", "found"):
        ids[extra] = enrol(stack.engine, f"{extra}@example.sch.uk", name=extra, log=log)
    with stack.engine.begin() as connection:
        for who in ROLES:
            token = {
                "person_id": ids[who],
                "token": uuid.uuid4().hex,
                "issued_at": datetime.now(UTC),
            }
            connection.execute(insert(feed_tokens).values(token))
    return ids
