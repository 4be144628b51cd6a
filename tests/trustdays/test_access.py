"""Each role rule is written once: the trust days' in services/trustdays/access.py (their
API and the pages ask it), the trust-wide and school roles in events/identity.py. Whether
the pages and the API answer alike, role by role, is in tests/frontend/test_days.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from events.identity import ROLES, SCHOOL_LEADERS, SCHOOL_SCOPED_ROLES, TRUST_LEADERS
from services.trustdays.access import (
    ORGANISERS,
    may_see_day,
    organising_refusal,
    places_anyone,
    plans_days,
    sees_drafts,
    takes_register,
)
from tests.support.identity import someone

ROOT = Path(__file__).parents[2]
SOURCES = ("events", "services", "readmodels", "frontend", "gateway", "deploy")


def sources(*suffixes: str) -> list[Path]:
    return [
        path
        for top in SOURCES
        for path in (ROOT / top).rglob("*")
        if path.suffix in suffixes and "migrations" not in path.parts
    ]


def test_no_page_or_template_names_a_role_of_the_trust_days_itself():
    """Pages ask services/trustdays/access.py (or events.identity), never holds("...")."""
    asking = re.compile(r"""holds\(\s*["'](cpd_manager|network_lead)["']""")
    found = [
        str(path.relative_to(ROOT))
        for path in sources(".py", ".html")
        if path.is_relative_to(ROOT / "frontend") and asking.search(path.read_text())
    ]
    assert found == []


def test_the_role_sets_are_written_once_in_events_identity():
    written = {frozenset(SCHOOL_LEADERS), frozenset(TRUST_LEADERS), frozenset(ORGANISERS)}
    found = []
    for path in sources(".py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple | ast.Set | ast.List) and node.elts:
                values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
                if len(values) == len(node.elts) and frozenset(values) in written:
                    found.append(str(path.relative_to(ROOT)))
    assert sorted(found) == [
        "events/identity.py",  # SCHOOL_LEADERS
        "events/identity.py",  # TRUST_LEADERS
        "services/trustdays/access.py",  # ORGANISERS
    ]


def person(role: str, person_id: str = "me") -> object:
    return someone((role, "school-a") if role in SCHOOL_SCOPED_ROLES else role, person_id=person_id)


@pytest.mark.parametrize("role", list(ROLES))
def test_planning_a_draft_day_and_anyone_s_place_are_the_cpd_manager_s_alone(role):
    who = person(role)
    alone = role == "cpd_manager"
    alike = (sees_drafts(who), may_see_day(who, "draft"), places_anyone(who), plans_days(who))
    assert alike == (alone,) * 4
    assert may_see_day(who, "published") and may_see_day(who, "cancelled")


@pytest.mark.parametrize("role", list(ROLES))
def test_a_register_is_its_leader_s_and_the_cpd_manager_s(role):
    who = person(role)
    assert takes_register(who, "me")
    assert takes_register(who, "someone else") == (role == "cpd_manager")
    assert takes_register(who, None) == (role == "cpd_manager")


def test_a_network_lead_organises_only_sessions_they_lead():
    lead, manager = person("network_lead"), person("cpd_manager")
    assert organising_refusal(lead, "me") is None
    assert organising_refusal(lead, "me", "me", new=False) is None
    assert "appoints others" in (organising_refusal(lead, "someone else") or "")
    assert "someone else leads" in (organising_refusal(lead, "me", "another", new=False) or "")
    assert organising_refusal(manager, "anyone", "another", new=False) is None
    assert "network leads" in (organising_refusal(person("headteacher"), "me") or "")
