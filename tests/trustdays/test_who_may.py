"""The trust days' authorization matrix: every route against every role, no identity and a
forged one, run for real through HTTP. A is allowed (2xx), D denied (401 without a valid
identity, 403 with one), N not found (404: a draft day is the CPD manager's alone), R let
through and then refused by a rule of the day (409). Every acting person is one of the
trust's staff (in the directory's facts in the log); each request gets a PD day of its own,
today, so that its register can be taken.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import httpx
import pytest

from events.config import Settings
from events.store import EventStore, StreamSettings
from services.trustdays import create_app
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.matrix import answers_as_marked, cells, routes_of
from tests.support.people import join
from tests.support.trustdays import MANAGER_ID, day_fields, manager, session_fields, trustdays

WHO = ("none", "forged", "staff", "session_leader", "network_lead", "school_cpd_lead",
       "headteacher", "cpd_manager", "ceo", "trust_admin")  # fmt: skip
ATTENDEE = "attendee-0001"
"""Someone else of the trust, booked where a request needs someone on the register."""

MATRIX = """
route                                   none forged staff sl nl cpdlead head cpdm ceo admin
POST /days                              D    D      D     D  D  D       D    A    D   D
GET /days/<id>                          D    D      A     A  A  A       A    A    A   A
GET /days/<draft>                       D    D      N     N  N  N       N    A    N   N
PUT /days/<id>                          D    D      D     D  D  D       D    A    D   D
PUT /days/<draft>                       D    D      D     D  D  D       D    A    D   D
POST /days/<draft>/slots                D    D      D     D  D  D       D    A    D   D
POST /days/<draft>/publish              D    D      D     D  D  D       D    A    D   D
PUT /days/<draft>/slots/<slot>          D    D      D     D  D  D       D    A    D   D
PUT /days/<id>/slots/<slot>             D    D      D     D  D  D       D    A    D   D
DELETE /days/<later>/slots/<slot>       D    D      D     D  D  D       D    A    D   D
DELETE /days/<id>/slots/<slot>, today   D    D      D     D  D  D       D    R    D   D
POST /days/<id>/copies                  D    D      D     D  D  D       D    A    D   D
POST /days/<draft>/copies               D    D      D     D  D  D       D    A    D   D
POST /days/<id>/cancel                  D    D      D     D  D  D       D    A    D   D
POST /days/<id>/nudges                  D    D      D     D  D  D       D    A    D   D
POST /days/<draft>/nudges               D    D      D     D  D  D       D    R    D   D
POST sessions, led by me                D    D      D     D  A  D       D    A    D   D
POST sessions, led by someone else      D    D      D     D  D  D       D    A    D   D
POST sessions, draft, led by me         D    D      D     D  N  D       D    A    D   D
PUT session I lead                      D    D      D     D  A  D       D    A    D   D
PUT session I lead, to someone else     D    D      D     D  D  D       D    A    D   D
PUT someone else's session, to me       D    D      D     D  D  D       D    A    D   D
PUT session I lead, draft               D    D      D     D  N  D       D    A    D   D
POST session cancel                     D    D      D     D  D  D       D    A    D   D
POST places for me                      D    D      A     A  A  A       A    A    A   A
POST places for someone else            D    D      D     D  D  D       D    A    D   D
POST places for me, draft               D    D      N     N  N  N       N    R    N   N
DELETE my place                         D    D      A     A  A  A       A    A    A   A
DELETE someone else's place             D    D      D     D  D  D       D    A    D   D
DELETE my place, draft                  D    D      N     N  N  N       N    R    N   N
POST moves, mine                        D    D      A     A  A  A       A    A    A   A
POST placements, someone else           D    D      D     D  D  D       D    A    D   D
POST placements, moving someone         D    D      D     D  D  D       D    A    D   D
POST placements, me                     D    D      D     D  D  D       D    A    D   D
POST placements, draft                  D    D      D     D  D  D       D    R    D   D
POST moves, draft                       D    D      N     N  N  N       N    R    N   N
GET register, session I lead            D    D      A     A  A  A       A    A    A   A
GET register, someone else's            D    D      D     D  D  D       D    A    D   D
GET register, draft, session I lead     D    D      N     N  N  N       N    A    N   N
PUT register, session I lead            D    D      A     A  A  A       A    A    A   A
PUT register, someone else's            D    D      D     D  D  D       D    A    D   D
PUT register, draft, session I lead     D    D      N     N  N  N       N    A    N   N
PUT attendance                          D    D      A     A  A  A       A    A    A   A
PUT attendance, draft                   D    D      N     N  N  N       N    R    N   N
PUT exemptions                          D    D      D     D  D  D       D    A    D   D
PUT exemptions, draft                   D    D      D     D  D  D       D    A    D   D
"""


def parse(matrix: str) -> list[tuple[str, str, str]]:
    return cells(matrix, WHO)


@dataclass(frozen=True)
class Day:
    day_id: str
    slot_id: str
    sessions: list[str]

    @property
    def path(self) -> str:
        return f"/days/{self.day_id}"

    def session(self, n: int = 0) -> str:
        return f"{self.path}/slots/{self.slot_id}/sessions/{self.sessions[n]}"


@dataclass
class Trust:
    client: httpx.Client
    acting: dict[str, str]
    """Role to the person id who acts in it (each is one of the trust's staff)."""

    def me(self, who: str) -> str:
        return self.acting.get(who, self.acting["staff"])

    def headers(self, who: str) -> dict[str, str]:
        if who == "none":
            return {}
        if who == "forged":
            return signed(someone("cpd_manager", school_id=None), secret_key="not our key")
        scoped = who in ("school_cpd_lead", "headteacher")
        role = (who, "school-a") if scoped else who
        roles = () if who == "staff" else (role,)
        central = who in ("cpd_manager", "ceo", "trust_admin")
        school_id = None if central else "school-a"
        return signed(someone(*roles, person_id=self.me(who), school_id=school_id))

    def day(
        self, leader: str | None = None, draft: bool = False, sessions: int = 2, later=False
    ) -> Day:
        """A PD day today (or `later`: in a month), its window open, with `sessions` in its
        breakout led by `leader`."""
        now = datetime.now(UTC)
        today = now.date()
        fields = day_fields(
            date=today.isoformat(),
            opens=(now - timedelta(hours=1)).isoformat(),
            closes=datetime.combine(today, time(23, 59), UTC).isoformat(),
        )
        if later:
            fields = day_fields()
        planned = self.client.post("/days", json=fields, headers=manager())
        assert planned.status_code == 201, planned.text
        day_id = planned.json()["id"]
        slots = self.client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
        slot_id = next(s["slot_id"] for s in slots if s["kind"] == "breakout")
        ids = [self.add_session(day_id, slot_id, leader) for _ in range(sessions)]
        if not draft:
            published = self.client.post(f"/days/{day_id}/publish", headers=manager())
            assert published.status_code == 200, published.text
        return Day(day_id, slot_id, ids)

    def add_session(self, day_id: str, slot_id: str, leader: str | None) -> str:
        fields = session_fields(leader={"person_id": leader, "name": "Lee Leader"})
        path = f"/days/{day_id}/slots/{slot_id}/sessions"
        added = self.client.post(path, json=fields, headers=manager())
        assert added.status_code == 201, added.text
        return added.json()["id"]

    def book(self, day: Day, person_id: str, n: int = 0) -> None:
        booked = self.client.post(
            f"{day.session(n)}/places", json={"person_id": person_id}, headers=manager()
        )
        assert booked.status_code == 201, booked.text


@pytest.fixture(scope="module")
def trust(nats, nats_server):
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    acting = {who: f"acting-{who}" for who in WHO[2:]}
    join(nats, store, *acting.values(), ATTENDEE, MANAGER_ID)
    try:
        with trustdays(nats_server.url, stream) as (url,), httpx.Client(base_url=url) as client:
            yield Trust(client, acting)
    finally:
        nats.run(store.js.delete_stream(name))


Request = tuple[str, str, dict]


def led_by(leader: str | None) -> dict:
    """A session's fields with `leader` leading it."""
    return {"json": session_fields(leader={"person_id": leader, "name": "Lee Leader"})}


def day_details(**changes: str) -> dict:
    return {k: v for k, v in day_fields(**changes).items() if k != "slots"}


def register_of(t: Trust, day: Day, person_id: str = ATTENDEE) -> str:
    return f"{day.session()}/register/{person_id}"


def booked_day(t: Trust, person_id: str) -> Day:
    """A day with `person_id` booked in its first session (by the CPD manager)."""
    day = t.day()
    t.book(day, person_id)
    return day


RETIMED: dict[str, str] = {
    "kind": "breakout",
    "title": "Breakout A",
    "starts": "10:30",
    "ends": "11:30",
}
COPY: dict[str, object] = {
    k: v
    for k, v in day_details().items()
    if k in ("date", "academic_year", "term", "opens", "closes")
}
EXEMPT: dict[str, object] = {"json": {"exempt": True, "reason": "Part-time"}}
NUDGE: dict[str, object] = {"json": {"person_ids": [ATTENDEE]}}


def _slot(day: Day) -> str:
    return f"{day.path}/slots/{day.slot_id}"


PLACEMENTS = "POST /days/<day_id>/slots/<slot_id>/sessions/<session_id>/placements"
REQUESTS: dict[str, tuple[str, Callable[[Trust, str], Request]]] = {
    "POST /days": ("POST /days", lambda t, who: ("POST", "/days", {"json": day_fields()})),
    "GET /days/<id>": ("GET /days/<day_id>", lambda t, who: ("GET", t.day().path, {})),
    "GET /days/<draft>": (
        "GET /days/<day_id>",
        lambda t, who: ("GET", t.day(draft=True).path, {}),
    ),
    "PUT /days/<id>": (
        "PUT /days/<day_id>",
        lambda t, who: ("PUT", t.day().path, {"json": day_details(title="Renamed")}),
    ),
    "PUT /days/<draft>": (
        "PUT /days/<day_id>",
        lambda t, who: ("PUT", t.day(draft=True).path, {"json": day_details(title="Renamed")}),
    ),
    "POST /days/<draft>/slots": (
        "POST /days/<day_id>/slots",
        lambda t, who: (
            "POST",
            f"{t.day(draft=True).path}/slots",
            {"json": {"kind": "breakout", "title": "Late", "starts": "15:00", "ends": "16:00"}},
        ),
    ),
    "POST /days/<draft>/publish": (
        "POST /days/<day_id>/publish",
        lambda t, who: ("POST", f"{t.day(draft=True).path}/publish", {}),
    ),
    "POST /days/<id>/cancel": (
        "POST /days/<day_id>/cancel",
        lambda t, who: ("POST", f"{t.day().path}/cancel", {"json": {"reason": "Snow"}}),
    ),
    "POST /days/<id>/nudges": (
        "POST /days/<day_id>/nudges",
        lambda t, who: ("POST", f"{t.day().path}/nudges", NUDGE),
    ),
    "POST /days/<draft>/nudges": (
        "POST /days/<day_id>/nudges",
        lambda t, who: ("POST", f"{t.day(draft=True).path}/nudges", NUDGE),
    ),
    "PUT /days/<draft>/slots/<slot>": (
        "PUT /days/<day_id>/slots/<slot_id>",
        lambda t, who: ("PUT", _slot(t.day(draft=True)), {"json": RETIMED}),
    ),
    "PUT /days/<id>/slots/<slot>": (
        "PUT /days/<day_id>/slots/<slot_id>",
        lambda t, who: ("PUT", _slot(t.day()), {"json": RETIMED}),
    ),
    "DELETE /days/<later>/slots/<slot>": (
        "DELETE /days/<day_id>/slots/<slot_id>",
        lambda t, who: ("DELETE", _slot(t.day(later=True)), {"json": {"reason": "Shorter"}}),
    ),
    "DELETE /days/<id>/slots/<slot>, today": (
        "DELETE /days/<day_id>/slots/<slot_id>",
        lambda t, who: ("DELETE", _slot(t.day()), {}),
    ),
    "POST /days/<id>/copies": (
        "POST /days/<day_id>/copies",
        lambda t, who: ("POST", f"{t.day().path}/copies", {"json": COPY}),
    ),
    "POST /days/<draft>/copies": (
        "POST /days/<day_id>/copies",
        lambda t, who: ("POST", f"{t.day(draft=True).path}/copies", {"json": COPY}),
    ),
    "POST sessions, led by me": (
        "POST /days/<day_id>/slots/<slot_id>/sessions",
        lambda t, who: _add_session(t, t.day(), t.me(who)),
    ),
    "POST sessions, led by someone else": (
        "POST /days/<day_id>/slots/<slot_id>/sessions",
        lambda t, who: _add_session(t, t.day(), ATTENDEE),
    ),
    "POST sessions, draft, led by me": (
        "POST /days/<day_id>/slots/<slot_id>/sessions",
        lambda t, who: _add_session(t, t.day(draft=True), t.me(who)),
    ),
    "PUT session I lead": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>",
        lambda t, who: ("PUT", t.day(t.me(who)).session(), led_by(t.me(who))),
    ),
    "PUT session I lead, to someone else": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>",
        lambda t, who: ("PUT", t.day(t.me(who)).session(), led_by(ATTENDEE)),
    ),
    "PUT someone else's session, to me": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>",
        lambda t, who: ("PUT", t.day(ATTENDEE).session(), led_by(t.me(who))),
    ),
    "PUT session I lead, draft": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>",
        lambda t, who: (
            "PUT",
            t.day(t.me(who), draft=True).session(),
            led_by(t.me(who)),
        ),
    ),
    "POST session cancel": (
        "POST /days/<day_id>/slots/<slot_id>/sessions/<session_id>/cancel",
        lambda t, who: ("POST", f"{t.day().session()}/cancel", {"json": {"reason": "Ill"}}),
    ),
    "POST places for me": (
        "POST /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places",
        lambda t, who: ("POST", f"{t.day().session()}/places", {"json": {}}),
    ),
    "POST places for someone else": (
        "POST /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places",
        lambda t, who: (
            "POST",
            f"{t.day().session()}/places",
            {"json": {"person_id": ATTENDEE}},
        ),
    ),
    "POST places for me, draft": (
        "POST /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places",
        lambda t, who: ("POST", f"{t.day(draft=True).session()}/places", {"json": {}}),
    ),
    "DELETE my place": (
        "DELETE /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places/<person_id>",
        lambda t, who: ("DELETE", f"{booked_day(t, t.me(who)).session()}/places/{t.me(who)}", {}),
    ),
    "DELETE someone else's place": (
        "DELETE /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places/<person_id>",
        lambda t, who: ("DELETE", f"{booked_day(t, ATTENDEE).session()}/places/{ATTENDEE}", {}),
    ),
    "DELETE my place, draft": (
        "DELETE /days/<day_id>/slots/<slot_id>/sessions/<session_id>/places/<person_id>",
        lambda t, who: ("DELETE", f"{t.day(draft=True).session()}/places/{t.me(who)}", {}),
    ),
    "POST moves, mine": (
        "POST /days/<day_id>/slots/<slot_id>/moves",
        lambda t, who: _move(t, booked_day(t, t.me(who))),
    ),
    "POST moves, draft": (
        "POST /days/<day_id>/slots/<slot_id>/moves",
        lambda t, who: _move(t, t.day(draft=True)),
    ),
    "POST placements, someone else": (
        PLACEMENTS,
        lambda t, who: _place(t.day(), ATTENDEE),
    ),
    "POST placements, moving someone": (
        PLACEMENTS,
        lambda t, who: _place(booked_day(t, ATTENDEE), ATTENDEE, n=1),
    ),
    "POST placements, me": (PLACEMENTS, lambda t, who: _place(t.day(), t.me(who))),
    "POST placements, draft": (
        PLACEMENTS,
        lambda t, who: _place(t.day(draft=True), ATTENDEE),
    ),
    "GET register, session I lead": (
        "GET /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register",
        lambda t, who: ("GET", f"{t.day(t.me(who)).session()}/register", {}),
    ),
    "GET register, someone else's": (
        "GET /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register",
        lambda t, who: ("GET", f"{t.day(ATTENDEE).session()}/register", {}),
    ),
    "GET register, draft, session I lead": (
        "GET /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register",
        lambda t, who: ("GET", f"{t.day(t.me(who), draft=True).session()}/register", {}),
    ),
    "PUT register, session I lead": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register/<person_id>",
        lambda t, who: _mark(t, t.day(t.me(who))),
    ),
    "PUT register, someone else's": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register/<person_id>",
        lambda t, who: _mark(t, t.day(MANAGER_ID)),
    ),
    "PUT register, draft, session I lead": (
        "PUT /days/<day_id>/slots/<slot_id>/sessions/<session_id>/register/<person_id>",
        lambda t, who: _mark(t, t.day(t.me(who), draft=True), walk_in=True),
    ),
    "PUT attendance": (
        "PUT /days/<day_id>/attendance",
        lambda t, who: ("PUT", f"{t.day().path}/attendance", {"json": {"attending": True}}),
    ),
    "PUT attendance, draft": (
        "PUT /days/<day_id>/attendance",
        lambda t, who: (
            "PUT",
            f"{t.day(draft=True).path}/attendance",
            {"json": {"attending": True}},
        ),
    ),
    "PUT exemptions": (
        "PUT /days/<day_id>/exemptions/<person_id>",
        lambda t, who: ("PUT", f"{t.day().path}/exemptions/{ATTENDEE}", EXEMPT),
    ),
    "PUT exemptions, draft": (
        "PUT /days/<day_id>/exemptions/<person_id>",
        lambda t, who: ("PUT", f"{t.day(draft=True).path}/exemptions/{ATTENDEE}", EXEMPT),
    ),
}


def _add_session(t: Trust, day: Day, leader: str) -> Request:
    path = f"{day.path}/slots/{day.slot_id}/sessions"
    return "POST", path, {"json": session_fields(leader={"person_id": leader, "name": "Me"})}


def _move(t: Trust, day: Day) -> Request:
    return (
        "POST",
        f"{day.path}/slots/{day.slot_id}/moves",
        {"json": {"session_id": day.sessions[1]}},
    )


def _place(day: Day, person_id: str, n: int = 0) -> Request:
    return "POST", f"{day.session(n)}/placements", {"json": {"person_id": person_id}}


def _mark(t: Trust, day: Day, walk_in: bool = False) -> Request:
    if not walk_in:
        t.book(day, ATTENDEE)
    return "PUT", register_of(t, day), {"json": {"mark": "present", "walk_in": walk_in}}


def test_every_route_of_the_trust_days_is_in_the_matrix():
    assert {route for route, _, _ in parse(MATRIX)} == set(REQUESTS)
    app = create_app(Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY))
    rules = routes_of(app, "trustdays")
    assert {covered for covered, _ in REQUESTS.values()} == rules


@pytest.mark.parametrize(
    ("route", "who", "mark"),
    parse(MATRIX),
    ids=[f"{route}-{who}" for route, who, _ in parse(MATRIX)],
)
def test_who_may(trust, route, who, mark):
    method, path, options = REQUESTS[route][1](trust, who)
    answer = trust.client.request(method, path, headers=trust.headers(who), **options)
    assert answers_as_marked(answer.status_code, who, mark), answer.text
