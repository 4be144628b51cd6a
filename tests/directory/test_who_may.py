"""The directory's authorization matrix: every route against every role, no identity and a
forged one, run for real through HTTP. A is allowed (2xx), D denied (401 without a valid
identity, 403 with one). Scoped roles (school CPD lead, headteacher) are of school A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.support.directory import add_person, as_admin, directory_service, person, school
from tests.support.identity import signed, someone
from tests.support.matrix import cells

WHO = ("none", "forged", "staff", "session_leader", "network_lead", "school_cpd_lead",
       "headteacher", "cpd_manager", "ceo", "trust_admin")  # fmt: skip

MATRIX = """
route                                   none forged staff sl nl cpdlead head cpdm ceo admin
GET /schools                            D    D      A     A  A  A       A    A    A   A
POST /schools                           D    D      D     D  D  D       D    D    D   A
PUT /schools/A                          D    D      D     D  D  D       D    D    D   A
GET /people                             D    D      D     D  D  A       A    A    A   A
GET /people?school=A                    D    D      D     D  D  A       A    A    A   A
GET /people?school=B                    D    D      D     D  D  D       D    A    A   A
GET /people?school=central              D    D      D     D  D  D       D    A    A   A
GET /me                                 D    D      A     A  A  A       A    A    A   A
POST /me/feed-token                     D    D      A     A  A  A       A    A    A   A
POST /me/identity without sign-in       D    D      D     D  D  D       D    D    D   D
POST /people at A                       D    D      D     D  D  A       A    D    D   A
POST /people at B                       D    D      D     D  D  D       D    D    D   A
PUT /people/<at A>                      D    D      D     D  D  A       A    D    D   A
PUT /people/<at A> to B                 D    D      D     D  D  D       D    D    D   A
POST /people/<at A>/leave               D    D      D     D  D  A       A    D    D   A
POST /people/<at B>/leave               D    D      D     D  D  D       D    D    D   A
POST /people/<at A>/roles session       D    D      D     D  D  D       A    D    A   A
POST /people/<at A>/roles cpd lead      D    D      D     D  D  D       A    D    A   A
POST /people/<at B>/roles cpd lead      D    D      D     D  D  D       D    D    A   A
POST /people/<at B>/roles cpd lead at A D    D      D     D  D  D       D    D    A   A
POST /people/<at B>/roles session       D    D      D     D  D  D       D    D    A   A
PUT /people/<at B>                      D    D      D     D  D  D       D    D    D   A
POST /people/<at A>/roles cpd manager   D    D      D     D  D  D       D    D    A   A
DELETE /people/<at A>/roles session     D    D      D     D  D  D       A    D    A   A
POST /imports for A                     D    D      D     D  D  A       A    D    D   A
PUT /people/<at A>/posts/senco          D    D      D     D  D  A       A    A    A   A
PUT /people/<at B>/posts/senco          D    D      D     D  D  D       D    A    A   A
PUT /people/<central>/posts/ceo         D    D      D     D  D  D       D    A    A   A
DELETE /people/<at A>/posts/senco       D    D      D     D  D  A       A    A    A   A
"""


def parse(matrix: str) -> list[tuple[str, str, bool]]:
    return [(route, who, mark == "A") for route, who, mark in cells(matrix, WHO)]


@dataclass
class Trust:
    client: object
    a: str
    b: str
    acting: dict[str, str]
    """Role to the person id who acts in it (each is in the directory)."""

    def headers(self, who: str) -> dict[str, str]:
        if who == "none":
            return {}
        if who == "forged":
            return signed(someone("trust_admin", school_id=None), secret_key="not our key")
        scoped = who in ("school_cpd_lead", "headteacher")
        role = (who, self.a) if scoped else who
        roles = () if who == "staff" else (role,)
        central = who in ("cpd_manager", "ceo", "trust_admin")
        school_id = None if central else self.a
        return signed(someone(*roles, person_id=self.acting[who], school_id=school_id))


@pytest.fixture(scope="module")
def trust(nats, nats_server):
    with directory_service(nats, nats_server) as (client, _):
        a = client.post("/schools", json=school(name="Ash Primary"), headers=as_admin()).json()
        b = client.post("/schools", json=school(name="Birch Academy"), headers=as_admin()).json()
        acting = {}
        for who in WHO[2:]:
            central = who in ("cpd_manager", "ceo", "trust_admin")
            acting[who] = add_person(client, None if central else a["id"])
        yield Trust(client, a["id"], b["id"], acting)


Request = tuple[str, str, dict]


def at_a_with_a_session_role(t: Trust) -> str:
    person_id = add_person(t.client, t.a)
    answer = t.client.post(
        f"/people/{person_id}/roles", json={"role": "session_leader"}, headers=as_admin()
    )
    assert answer.status_code == 200
    return person_id


def holding_senco(t: Trust) -> str:
    person_id = add_person(t.client, t.a)
    answer = t.client.put(f"/people/{person_id}/posts/senco", headers=as_admin())
    assert answer.status_code == 200
    return person_id


REQUESTS: dict[str, Callable[[Trust], Request]] = {
    "PUT /people/<at A>/posts/senco": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, t.a)}/posts/senco",
        {},
    ),
    "PUT /people/<at B>/posts/senco": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, t.b)}/posts/senco",
        {},
    ),
    "PUT /people/<central>/posts/ceo": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, None)}/posts/ceo",
        {},
    ),
    "DELETE /people/<at A>/posts/senco": lambda t: (
        "DELETE",
        f"/people/{holding_senco(t)}/posts/senco",
        {},
    ),
    "GET /schools": lambda t: ("GET", "/schools", {}),
    "POST /schools": lambda t: ("POST", "/schools", {"json": school()}),
    "PUT /schools/A": lambda t: (
        "PUT",
        f"/schools/{t.a}",
        {"json": school(name="Ash Primary School", urn=_urn_of(t, t.a))},
    ),
    "GET /people": lambda t: ("GET", "/people", {}),
    "GET /people?school=A": lambda t: ("GET", "/people", {"params": {"school": t.a}}),
    "GET /people?school=B": lambda t: ("GET", "/people", {"params": {"school": t.b}}),
    "GET /people?school=central": lambda t: ("GET", "/people", {"params": {"school": "central"}}),
    "GET /me": lambda t: ("GET", "/me", {}),
    "POST /me/feed-token": lambda t: ("POST", "/me/feed-token", {}),
    "POST /me/identity without sign-in": lambda t: (
        "POST",
        "/me/identity",
        {"json": {"issuer": "https://idp", "subject": "me"}},
    ),
    "POST /people at A": lambda t: ("POST", "/people", {"json": person(t.a)}),
    "POST /people at B": lambda t: ("POST", "/people", {"json": person(t.b)}),
    "PUT /people/<at A>": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, t.a)}",
        {"json": person(t.a, name="Pat Changed")},
    ),
    "PUT /people/<at A> to B": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, t.a)}",
        {"json": person(t.b)},
    ),
    "POST /people/<at A>/leave": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.a)}/leave",
        {},
    ),
    "POST /people/<at B>/leave": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.b)}/leave",
        {},
    ),
    "POST /people/<at A>/roles session": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.a)}/roles",
        {"json": {"role": "session_leader"}},
    ),
    "POST /people/<at A>/roles cpd lead": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.a)}/roles",
        {"json": {"role": "school_cpd_lead", "school_id": t.a}},
    ),
    "POST /people/<at B>/roles cpd lead": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.b)}/roles",
        {"json": {"role": "school_cpd_lead", "school_id": t.b}},
    ),
    "POST /people/<at B>/roles cpd lead at A": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.b)}/roles",
        {"json": {"role": "school_cpd_lead", "school_id": t.a}},
    ),
    "POST /people/<at B>/roles session": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.b)}/roles",
        {"json": {"role": "session_leader"}},
    ),
    "PUT /people/<at B>": lambda t: (
        "PUT",
        f"/people/{add_person(t.client, t.b)}",
        {"json": person(t.b, name="Pat Changed")},
    ),
    "POST /people/<at A>/roles cpd manager": lambda t: (
        "POST",
        f"/people/{add_person(t.client, t.a)}/roles",
        {"json": {"role": "cpd_manager"}},
    ),
    "DELETE /people/<at A>/roles session": lambda t: (
        "DELETE",
        f"/people/{at_a_with_a_session_role(t)}/roles/session_leader",
        {},
    ),
    "POST /imports for A": lambda t: (
        "POST",
        "/imports",
        {"data": {"mode": "check"}, "files": {"file": ("staff.csv", _csv_for(t, t.a))}},
    ),
}


def _urn_of(t: Trust, school_id: str) -> str:
    schools = t.client.get("/schools", headers=as_admin()).json()
    return next(s["urn"] for s in schools if s["school_id"] == school_id)


def _csv_for(t: Trust, school_id: str) -> bytes:
    urn = _urn_of(t, school_id)
    return f"Name,Email,School URN\nNew Starter,new.starter@ash.sch.uk,{urn}\n".encode()


def test_every_route_of_the_directory_is_in_the_matrix():
    assert {route for route, _, _ in parse(MATRIX)} == set(REQUESTS)


@pytest.mark.parametrize(
    ("route", "who", "allowed"),
    parse(MATRIX),
    ids=[f"{route}-{who}" for route, who, _ in parse(MATRIX)],
)
def test_who_may(trust, route, who, allowed):
    method, path, options = REQUESTS[route](trust)
    answer = trust.client.request(method, path, headers=trust.headers(who), **options)
    if allowed:
        assert 200 <= answer.status_code < 300, answer.text
    else:
        assert answer.status_code == (401 if who in ("none", "forged") else 403), answer.text
