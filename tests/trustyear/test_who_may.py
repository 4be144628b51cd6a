"""The trust year's authorization matrix: every route against every role, no identity and a
forged one, for real through HTTP. A is allowed (2xx), D denied (401 without a valid
identity, 403 with one). A school's roles are held for school A (Ash); "headB" is the
headteacher of school B."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.support.identity import signed, someone
from tests.support.matrix import cells
from tests.trustyear.test_http import TERMS, admin, service

__all__ = ["service"]
WHO = ("none", "forged", "staff", "nl", "head", "cpdlead", "headB", "cpdm", "ceo", "admin")
MATRIX = """
route                                   none forged staff nl head cpdlead headB cpdm ceo admin
GET /years/<y>                          D    D      A     A  A    A       A     A    A   A
PUT /years/<y>                          D    D      D     D  D    D       D     A    D   A
GET /schools/A/years/<y>                D    D      A     A  A    A       A     A    A   A
PUT /schools/A/years/<y>/terms          D    D      D     D  A    A       D     A    D   A
POST /schools/A/years/<y>/closures      D    D      D     D  A    A       D     A    D   A
DELETE a closure of A                   D    D      D     D  A    A       D     A    D   A
POST /schools/A/years/<y>/imports       D    D      D     D  A    A       D     A    D   A
"""
ROLES = {
    "staff": ((), "ash"),
    "nl": (("network_lead",), "ash"),
    "head": ((("headteacher", "ash"),), "ash"),
    "cpdlead": ((("school_cpd_lead", "ash"),), "ash"),
    "headB": ((("headteacher", "beech"),), "beech"),
    "cpdm": (("cpd_manager",), None),
    "ceo": (("ceo",), None),
    "admin": (("trust_admin",), None),
}
ASH = "/schools/ash/years/2026-27"
YEAR = {"starts": "2026-09-01", "ends": "2027-07-31", "terms": TERMS}
DAYS = (date(2026, 9, 7) + timedelta(days=n) for n in itertools.count() if (n % 7) < 5)


def headers(who: str) -> dict[str, str]:
    if who == "none":
        return {}
    if who == "forged":
        return signed(someone("trust_admin", school_id=None), secret_key="not our key")
    roles, school_id = ROLES[who]
    return signed(someone(*roles, school_id=school_id))


def a_closure(client) -> str:
    body = {"kind": "closure", "starts": next(DAYS).isoformat(), "label": "Closed"}
    added = client.post(f"{ASH}/closures", json=body, headers=admin())
    assert added.status_code == 201, added.text
    return added.json()["id"]


Request = tuple[str, str, dict]
REQUESTS: dict[str, Callable[[object], Request]] = {
    "GET /years/<y>": lambda c: ("GET", "/years/2026-27", {}),
    "PUT /years/<y>": lambda c: ("PUT", "/years/2026-27", {"json": YEAR}),
    "GET /schools/A/years/<y>": lambda c: ("GET", ASH, {}),
    "PUT /schools/A/years/<y>/terms": lambda c: ("PUT", f"{ASH}/terms", {"json": {"terms": []}}),
    "POST /schools/A/years/<y>/closures": lambda c: (
        "POST",
        f"{ASH}/closures",
        {"json": {"kind": "inset", "starts": next(DAYS).isoformat()}},
    ),
    "DELETE a closure of A": lambda c: ("DELETE", f"{ASH}/closures/{a_closure(c)}", {}),
    "POST /schools/A/years/<y>/imports": lambda c: (
        "POST",
        f"{ASH}/imports",
        {
            "data": {"mode": "check"},
            "files": {"file": ("d.csv", b"kind,starts,ends,label\n", "text/csv")},
        },
    ),
}


@pytest.fixture(scope="module")
def trust(service):
    assert service.put("/years/2026-27", json=YEAR, headers=admin()).status_code == 200
    return service


def test_every_route_of_the_trust_year_is_in_the_matrix():
    assert {route for route, _, _ in cells(MATRIX, WHO)} == set(REQUESTS)


@pytest.mark.parametrize(
    ("route", "who", "mark"),
    cells(MATRIX, WHO),
    ids=[f"{route}-{who}" for route, who, _ in cells(MATRIX, WHO)],
)
def test_who_may(trust, route, who, mark):
    method, path, options = REQUESTS[route](trust)
    answer = trust.request(method, path, headers=headers(who), **options)
    if mark == "A":
        assert 200 <= answer.status_code < 300, answer.text
    else:
        assert answer.status_code == (401 if who in ("none", "forged") else 403), answer.text
