"""The trust days service on real sockets, and a PD day open for booking to try it on."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta

import httpx

from events import Event
from events.config import Settings
from events.connection import NatsThread
from events.store import EventStore, StreamSettings
from services.trustdays import create_app
from services.trustdays.reactions import REACTIONS
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.reactor import running_reactor

MANAGER_ID = "00000000-0000-7000-8000-00000000c0de"


def manager() -> dict[str, str]:
    """The CPD manager's identity, signed now (a signed identity lives a minute)."""
    return signed(someone("cpd_manager", person_id=MANAGER_ID, school_id=None, name="Priya Shah"))


def staff(person_id: str, *roles: str) -> dict[str, str]:
    return signed(someone(*roles, person_id=person_id))


def a_rush_request(
    rng: random.Random, day: dict, person: str
) -> tuple[str, str, dict[str, str] | None]:
    """What someone does in a booking rush on the day's slot, at random: books a session
    (55%), gives a seat up (30%) or moves (15%). Method, path and JSON body."""
    slot = f"/days/{day['day_id']}/slots/{day['slot_id']}"
    session = rng.choice(day["sessions"])
    roll = rng.random()
    if roll < 0.55:
        return "POST", f"{slot}/sessions/{session}/places", {}
    if roll < 0.85:
        return "DELETE", f"{slot}/sessions/{session}/places/{person}", None
    return "POST", f"{slot}/moves", {"session_id": session}


@contextmanager
def trustdays(
    nats_url: str, stream: StreamSettings, apps: int = 1, reactions: bool = True
) -> Iterator[list[str]]:
    """`apps` instances of the service (each with its own command loop, as separate
    processes would have) on the same stream, and its reactor; their base URLs."""
    settings = Settings(nats_url, "sqlite://", stream, SECRET_KEY)
    with ExitStack() as stack:
        if reactions:
            reactor = NatsThread(nats_url, name="trustdays_reactions")
            stack.callback(reactor.close)
            reacting = running_reactor(reactor, EventStore(reactor.nc, stream), REACTIONS)
            stack.enter_context(reacting)
        yield [stack.enter_context(serve(create_app(settings))) for _ in range(apps)]


def day_fields(**changes) -> dict:
    today = datetime.now(UTC)
    the_day = (today + timedelta(days=30)).date()
    return {
        "date": the_day.isoformat(),
        "academic_year": "2026-27",
        "term": 2,
        "title": "Autumn PD day",
        "theme": "Attendance",
        "venue": "Calder Valley Academy",
        "opens": (today - timedelta(hours=1)).isoformat(),
        "closes": (today + timedelta(days=20)).isoformat(),
        "slots": [
            {"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "10:00"},
            {"kind": "breakout", "title": "Breakout 1", "starts": "10:15", "ends": "11:30"},
        ],
        **changes,
    }


def session_fields(title: str = "Adaptive teaching", capacity: int = 30, **changes) -> dict:
    """A session led by an external facilitator unless `leader` says who of the trust."""
    return {
        "title": title,
        "description": "Practical strategies.",
        "community": "send",
        "leader": {"person_id": None, "name": "Lee Leader (external)"},
        "room": "Room 1",
        "capacity": capacity,
        **changes,
    }


def open_day(client: httpx.Client, sessions: int = 5, capacity: int = 30) -> dict:
    """A published day whose window is open: its ids, and the breakout's session ids."""
    planned = client.post("/days", json=day_fields(), headers=manager())
    assert planned.status_code == 201, planned.text
    day_id = planned.json()["id"]
    day = client.get(f"/days/{day_id}", headers=manager()).json()
    breakout = next(s for s in day["slots"] if s["kind"] == "breakout")["slot_id"]
    session_ids = []
    for n in range(sessions):
        added = client.post(
            f"/days/{day_id}/slots/{breakout}/sessions",
            json=session_fields(f"Session {n + 1}", capacity),
            headers=manager(),
        )
        assert added.status_code == 201, added.text
        session_ids.append(added.json()["id"])
    assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    return {"day_id": day_id, "slot_id": breakout, "sessions": session_ids}


DAY_ID = "day-1"
RECORD = {
    "day_id": DAY_ID,
    "date": date(2026, 11, 27),
    "academic_year": "2026-27",
    "term": 2,
    "title": "Autumn PD day",
    "theme": "Attendance",
    "venue": "Calder Valley Academy",
    "opens": datetime(2026, 10, 1, 8, tzinfo=UTC),
    "closes": datetime(2026, 11, 20, 17, tzinfo=UTC),
}
"""A day's record as DayPlanned holds it, for read model tests that append events."""


def append(store: EventStore, nats: NatsThread, tokens: tuple[str, ...], *events: Event) -> None:
    """`events` appended as one message at the head of the subject `tokens` name."""
    subject = store.subject(*tokens)
    _, seq = nats.run(store.load(subject))
    nats.run(store.append(subject, list(events), seq))
