"""Who may do what in the networks (services/networks/access.py), as the API and the pages
ask it."""

from __future__ import annotations

from events.identity import Identity
from services.networks.access import (
    answers_for,
    changes_action,
    organises,
    reads_content,
    runs_meeting,
    runs_networks,
    sees_compliance,
    sets_priorities,
)
from tests.support.identity import someone


def person(*roles, person_id: str = "me", school_id: str | None = "oak") -> Identity:
    return someone(*roles, person_id=person_id, school_id=school_id)


LEADERS = ("cpd_manager", "ceo", "trust_admin", "network_lead")


def test_network_leaders_run_networks_and_see_the_compliance_board():
    for role in LEADERS:
        assert runs_networks(person(role)) and sees_compliance(person(role))
    for role in ("staff", "headteacher", "school_cpd_lead", "session_leader"):
        assert not runs_networks(person(role)) and not sees_compliance(person(role))


def test_a_network_is_organised_by_its_facilitator_agenda_lead_and_leaders():
    assert organises(person(person_id="fac"), "fac", None)
    assert organises(person(person_id="lead"), "fac", "lead")
    assert organises(person("network_lead"), "fac", None)
    assert not organises(person(("headteacher", "oak")), "fac", None)


def test_a_private_network_is_its_members_alone_even_for_leaders():
    ceo, head = person("ceo", person_id="ceo"), person(person_id="head")
    pair = {"ceo", "head"}
    assert reads_content(ceo, True, pair) and reads_content(head, True, pair)
    assert not reads_content(person("trust_admin"), True, pair)
    assert reads_content(person(), False, pair)
    assert organises(ceo, "ceo", None, True, pair)
    assert not organises(person("cpd_manager"), "ceo", None, True, pair)
    assert not runs_meeting(person("cpd_manager"), "ceo", "ceo", None, True, pair)
    assert not runs_meeting(head, "ceo", "ceo", None, True, pair)


def test_a_meeting_is_run_by_whoever_organised_it_and_its_network_s_organisers():
    assert runs_meeting(person(person_id="org"), "org", "fac", None)
    assert runs_meeting(person(person_id="fac"), "org", "fac", None)
    assert runs_meeting(person("cpd_manager"), "org", "fac", None)
    assert not runs_meeting(person(), "org", "fac", None)


def test_an_answer_is_the_invitee_s_or_their_school_head_s():
    assert answers_for(person(person_id="amy"), "amy", "oak")
    assert answers_for(person(("headteacher", "oak")), "amy", "oak")
    assert not answers_for(person(("headteacher", "ash")), "amy", "oak")
    assert not answers_for(person("ceo"), "amy", "oak")
    assert not answers_for(person(("headteacher", "oak")), "sil", None)


def test_an_action_is_changed_by_its_owner_or_the_meeting_s_organisers():
    assert changes_action(person(person_id="amy"), "amy", False)
    assert changes_action(person(), "amy", True)
    assert not changes_action(person(), "amy", False)


def test_priorities_are_the_school_head_s_and_the_improvement_leads():
    assert sets_priorities(person(("headteacher", "oak")), "oak")
    assert not sets_priorities(person(("headteacher", "ash")), "oak")
    assert sets_priorities(person("network_lead"), "oak")
    assert not sets_priorities(person("cpd_manager"), "oak")
