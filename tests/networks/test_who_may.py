"""The networks' authorization matrix: every route of the service against every role and
what a person is to a network (its facilitator, a member by post), no identity and a forged
one, run for real through HTTP. A allowed (2xx), D denied (401 without a valid identity, 403
with one), N not found (404: a private network is its members' alone), R let through and
then refused by a rule of the meeting (409: minutes and a register wait for its day).

Who: staff (no role, invited to nothing), member (the SENCO of Oak, invited by post),
facil (the network's facilitator, with no role of their own), nl (a network lead), head
(Oak's headteacher, the member's head), cpdm, ceo, admin (trust admin)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from events.config import Settings
from events.store import EventStore, StreamSettings
from services.networks import create_app
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.matrix import answers_as_marked, cells, routes_of
from tests.support.networks_service import (
    network_fields,
    networks,
    poll_fields,
    trust,
    weekday_ahead,
)
from tests.support.people import join

WHO = ("none", "forged", "staff", "member", "facil", "nl", "head", "cpdm", "ceo", "admin")
ROLES = {"nl": "network_lead", "cpdm": "cpd_manager", "ceo": "ceo", "admin": "trust_admin"}
SETUP = "setup-lead"
"""The network lead who forms the networks and opens the polls each request acts on."""

MATRIX = """
route                                   none forged staff member facil nl head cpdm ceo admin
POST /networks                          D    D      D     D      D     A  D    A    A   A
PUT /networks/<id>                      D    D      D     D      D     A  D    A    A   A
POST /networks/<id>/close               D    D      D     D      D     A  D    A    A   A
POST /networks/<id>/polls               D    D      D     D      A     A  D    A    A   A
POST /networks/<private>/polls          D    D      N     D      A     N  N    N    N   N
POST /networks/<id>/meetings            D    D      D     D      A     A  D    A    A   A
POST /networks/<id>/series              D    D      D     D      A     A  D    A    A   A
GET /networks/<id>/series-dates         D    D      D     D      A     A  D    A    A   A
POST /series/<id>/end                   D    D      D     D      A     A  D    A    A   A
PUT /plans/oak/<year>                   D    D      D     D      D     A  A    D    D   D
PUT /plans/ash/<year>                   D    D      D     D      D     A  D    D    D   D
GET /meetings/<id>/poll                 D    D      A     A      A     A  A    A    A   A
GET /meetings/<private>/poll            D    D      N     A      A     N  N    N    N   N
POST votes, mine                        D    D      D     A      A     D  D    D    D   D
POST votes, for the member              D    D      D     A      D     D  A    D    D   D
POST /meetings/<id>/nudges              D    D      D     D      A     A  D    A    A   A
POST /meetings/<id>/close               D    D      D     D      A     A  D    A    A   A
POST /meetings/<id>/confirm             D    D      D     D      A     A  D    A    A   A
POST /meetings/<id>/move                D    D      D     D      A     A  D    A    A   A
POST /meetings/<id>/cancel              D    D      D     D      A     A  D    A    A   A
PUT /meetings/<id>/agenda               D    D      D     D      A     A  D    A    A   A
PUT /meetings/<id>/minutes              D    D      D     D      R     R  D    R    R   R
POST /meetings/<id>/actions             D    D      D     D      A     A  D    A    A   A
PUT action, the member's                D    D      D     A      A     A  D    A    A   A
PUT /meetings/<id>/register             D    D      D     D      R     R  D    R    R   R
POST /meetings/<id>/invitation          D    D      D     A      A     D  D    D    D   D
"""


def parse(matrix: str) -> list[tuple[str, str, str]]:
    return cells(matrix, WHO)


@dataclass
class Trust:
    client: httpx.Client
    acting: dict[str, str]

    def me(self, who: str) -> str:
        return self.acting.get(who, self.acting["staff"])

    def headers(self, who: str) -> dict[str, str]:
        if who == "none":
            return {}
        if who == "forged":
            return signed(someone("cpd_manager", school_id=None), secret_key="not our key")
        if who == "head":
            return signed(someone(("headteacher", "oak"), person_id=self.me(who), school_id="oak"))
        roles = (ROLES[who],) if who in ROLES else ()
        school = None if who in ROLES else "oak"
        return signed(someone(*roles, person_id=self.me(who), school_id=school))

    def setup(self) -> dict[str, str]:
        return signed(someone("network_lead", person_id=SETUP, school_id=None))

    def network(self, private: bool = False) -> str:
        fields = network_fields(facilitator_id=self.acting["facil"])
        if private:
            fields = network_fields(
                kind="one_to_one",
                member_posts=[],
                member_ids=[self.acting["member"]],
                private=True,
                facilitator_id=self.acting["facil"],
            )
        formed = self.client.post("/networks", json=fields, headers=self.setup())
        assert formed.status_code == 201, formed.text
        return formed.json()["id"]

    def poll(self, private: bool = False) -> tuple[str, list[str]]:
        network = self.network(private)
        fields = poll_fields()
        if private:
            fields["invitees"] = [{"person_id": self.acting["member"], "required": True}]
        # a private network's meetings are organised by its members: here its facilitator
        organiser = self.headers("facil") if private else self.setup()
        opened = self.client.post(f"/networks/{network}/polls", json=fields, headers=organiser)
        assert opened.status_code == 201, opened.text
        meeting = opened.json()["id"]
        shown = self.client.get(f"/meetings/{meeting}/poll", headers=organiser).json()
        return meeting, [o["option_id"] for o in shown["options"]]

    def dated(self) -> str:
        meeting, options = self.poll()
        body = {"option_id": options[0]}
        done = self.client.post(f"/meetings/{meeting}/confirm", json=body, headers=self.setup())
        assert done.status_code == 200, done.text
        return meeting

    def series(self) -> str:
        network = self.network()
        planned = self.client.post(f"/networks/{network}/series", json=SERIES, headers=self.setup())
        assert planned.status_code == 201, planned.text
        return planned.json()["id"]

    def action(self) -> str:
        meeting = self.dated()
        body = {"text": "Audit", "owner_id": self.acting["member"], "due": LATER}
        raised = self.client.post(f"/meetings/{meeting}/actions", json=body, headers=self.setup())
        assert raised.status_code == 201, raised.text
        return f"/meetings/{meeting}/actions/{raised.json()['id']}"


LATER = weekday_ahead(50).isoformat()
FIRST = weekday_ahead(60)
SERIES = {
    "title": "Fortnightly",
    "weekday": FIRST.weekday(),
    "starts": "09:00",
    "ends": "10:00",
    "first": FIRST.isoformat(),
    "last": weekday_ahead(120).isoformat(),
}
YEAR = "2026-27"
PRIORITIES = {"json": {"priorities": [{"title": "Reading"}]}}
MOVE = {"date": LATER, "starts": "15:00", "ends": "16:30", "reason": "Parents' evening"}


@pytest.fixture(scope="module")
def the_trust(nats, nats_server):
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    acting = {who: f"acting-{who}" for who in WHO[2:]}
    people = [(acting["member"], "senco"), (acting["head"], "headteacher")]
    people += [(acting[w], "") for w in WHO[2:] if w not in ("member", "head")]
    trust(nats, store, {"oak": people, "ash": [("ash-senco", "senco")]})
    join(nats, store, SETUP, school_id=None)
    try:
        with networks(nats_server.url, stream) as (url,), httpx.Client(base_url=url) as client:
            yield Trust(client, acting)
    finally:
        nats.run(store.js.delete_stream(name))


Request = tuple[str, str, dict]
REQUESTS: dict[str, tuple[str, Callable[[Trust, str], Request]]] = {
    "POST /networks": (
        "POST /networks",
        lambda t, who: ("POST", "/networks", {"json": network_fields(facilitator_id=SETUP)}),
    ),
    "PUT /networks/<id>": (
        "PUT /networks/<network_id>",
        lambda t, who: (
            "PUT",
            f"/networks/{t.network()}",
            {"json": network_fields(name="Renamed", facilitator_id=t.acting["facil"])},
        ),
    ),
    "POST /networks/<id>/close": (
        "POST /networks/<network_id>/close",
        lambda t, who: ("POST", f"/networks/{t.network()}/close", {"json": {"reason": "Merged"}}),
    ),
    "POST /networks/<id>/polls": (
        "POST /networks/<network_id>/polls",
        lambda t, who: ("POST", f"/networks/{t.network()}/polls", {"json": poll_fields()}),
    ),
    "POST /networks/<private>/polls": (
        "POST /networks/<network_id>/polls",
        lambda t, who: (
            "POST",
            f"/networks/{t.network(private=True)}/polls",
            {"json": poll_fields(invitees=[{"person_id": t.acting["member"], "required": True}])},
        ),
    ),
    "POST /networks/<id>/meetings": (
        "POST /networks/<network_id>/meetings",
        lambda t, who: (
            "POST",
            f"/networks/{t.network()}/meetings",
            {"json": {"title": "Extra", "date": LATER, "starts": "16:00", "ends": "17:00"}},
        ),
    ),
    "POST /networks/<id>/series": (
        "POST /networks/<network_id>/series",
        lambda t, who: ("POST", f"/networks/{t.network()}/series", {"json": SERIES}),
    ),
    "GET /networks/<id>/series-dates": (
        "GET /networks/<network_id>/series-dates",
        lambda t, who: (
            "GET",
            f"/networks/{t.network()}/series-dates",
            {"params": {k: SERIES[k] for k in ("weekday", "first", "last")}},
        ),
    ),
    "POST /series/<id>/end": (
        "POST /series/<series_id>/end",
        lambda t, who: ("POST", f"/series/{t.series()}/end", {"json": {"reason": "Done"}}),
    ),
    "PUT /plans/oak/<year>": (
        "PUT /plans/<school_id>/<year_id>",
        lambda t, who: ("PUT", f"/plans/oak/{YEAR}", PRIORITIES),
    ),
    "PUT /plans/ash/<year>": (
        "PUT /plans/<school_id>/<year_id>",
        lambda t, who: ("PUT", f"/plans/ash/{YEAR}", PRIORITIES),
    ),
    "GET /meetings/<id>/poll": (
        "GET /meetings/<meeting_id>/poll",
        lambda t, who: ("GET", f"/meetings/{t.poll()[0]}/poll", {}),
    ),
    "GET /meetings/<private>/poll": (
        "GET /meetings/<meeting_id>/poll",
        lambda t, who: ("GET", f"/meetings/{t.poll(private=True)[0]}/poll", {}),
    ),
    "POST votes, mine": ("POST /meetings/<meeting_id>/votes", lambda t, who: _vote(t)),
    "POST votes, for the member": (
        "POST /meetings/<meeting_id>/votes",
        lambda t, who: _vote(t, t.acting["member"]),
    ),
    "POST /meetings/<id>/nudges": (
        "POST /meetings/<meeting_id>/nudges",
        lambda t, who: ("POST", f"/meetings/{t.poll()[0]}/nudges", {"json": {}}),
    ),
    "POST /meetings/<id>/close": (
        "POST /meetings/<meeting_id>/close",
        lambda t, who: ("POST", f"/meetings/{t.poll()[0]}/close", {}),
    ),
    "POST /meetings/<id>/confirm": (
        "POST /meetings/<meeting_id>/confirm",
        lambda t, w: _confirm(t),
    ),
    "POST /meetings/<id>/move": (
        "POST /meetings/<meeting_id>/move",
        lambda t, who: ("POST", f"/meetings/{t.dated()}/move", {"json": MOVE}),
    ),
    "POST /meetings/<id>/cancel": (
        "POST /meetings/<meeting_id>/cancel",
        lambda t, who: ("POST", f"/meetings/{t.dated()}/cancel", {"json": {"reason": "Ill"}}),
    ),
    "PUT /meetings/<id>/agenda": (
        "PUT /meetings/<meeting_id>/agenda",
        lambda t, who: (
            "PUT",
            f"/meetings/{t.dated()}/agenda",
            {"json": {"items": [{"title": "Welcome", "minutes": 5}]}},
        ),
    ),
    "PUT /meetings/<id>/minutes": (
        "PUT /meetings/<meeting_id>/minutes",
        lambda t, who: ("PUT", f"/meetings/{t.dated()}/minutes", {"json": {"text": "We met"}}),
    ),
    "POST /meetings/<id>/actions": (
        "POST /meetings/<meeting_id>/actions",
        lambda t, who: (
            "POST",
            f"/meetings/{t.dated()}/actions",
            {"json": {"text": "Audit", "owner_id": t.acting["member"], "due": LATER}},
        ),
    ),
    "PUT action, the member's": (
        "PUT /meetings/<meeting_id>/actions/<action_id>",
        lambda t, who: ("PUT", t.action(), {"json": {"status": "done", "note": "Done"}}),
    ),
    "PUT /meetings/<id>/register": (
        "PUT /meetings/<meeting_id>/register",
        lambda t, who: (
            "PUT",
            f"/meetings/{t.dated()}/register",
            {"json": {"marks": [{"person_id": t.acting["member"], "mark": "present"}]}},
        ),
    ),
    "POST /meetings/<id>/invitation": (
        "POST /meetings/<meeting_id>/invitation",
        lambda t, who: (
            "POST",
            f"/meetings/{t.dated()}/invitation",
            {"json": {"answer": "accepted"}},
        ),
    ),
}


def _vote(t: Trust, person_id: str | None = None) -> Request:
    meeting, options = t.poll()
    body: dict[str, object] = {"answers": {options[0]: "yes"}}
    if person_id:
        body["person_id"] = person_id
    return "POST", f"/meetings/{meeting}/votes", {"json": body}


def _confirm(t: Trust) -> Request:
    meeting, options = t.poll()
    return "POST", f"/meetings/{meeting}/confirm", {"json": {"option_id": options[0]}}


def test_every_route_of_the_networks_is_in_the_matrix():
    assert {route for route, _, _ in parse(MATRIX)} == set(REQUESTS)
    app = create_app(Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY))
    rules = routes_of(app, "networks", "meetings", "invitations")
    assert {covered for covered, _ in REQUESTS.values()} == rules


@pytest.mark.slow
@pytest.mark.parametrize(
    ("route", "who", "mark"),
    parse(MATRIX),
    ids=[f"{route}-{who}" for route, who, _ in parse(MATRIX)],
)
def test_who_may(the_trust, route, who, mark):
    method, path, options = REQUESTS[route][1](the_trust, who)
    answer = the_trust.client.request(method, path, headers=the_trust.headers(who), **options)
    assert answers_as_marked(answer.status_code, who, mark), answer.text
