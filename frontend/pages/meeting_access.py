"""Who may do what on a poll or a meeting, as the pages ask it: the meeting found (404),
read (403 for a private network's outsiders), organised, voted on. The rules are the
networks service's (services/networks/access.py); this module finds the rows they need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, g
from sqlalchemy import Row

from events.identity import Identity
from frontend.database import engine
from readmodels.networks import polls_view as view

ORGANISING_ROLES = ("cpd_manager", "ceo", "trust_admin", "network_lead")
"""Roles that organise any network's polls and meetings (SPEC-15, access)."""


def organises(who: Identity, network: Any) -> bool:
    """The network's facilitator or agenda lead, or a trust role that runs networks."""
    return who.holds(*ORGANISING_ROLES) or who.person_id in (
        network.facilitator_id,
        network.agenda_lead_id,
    )


def organises_meeting(who: Identity, meeting: Any) -> bool:
    return who.person_id == meeting.organiser_id or organises(who, meeting)


def reads(who: Identity, meeting: Any) -> bool:
    """A private network's meetings (a one-to-one) only its members read; any other
    meeting, everyone signed in."""
    if not meeting.private:
        return True
    return who.person_id in view.member_ids(engine(), meeting.network_id) or who.person_id in (
        meeting.organiser_id,
        meeting.facilitator_id,
    )


def answers_for(who: Identity, person: view.Invited) -> bool:
    """The invitee themselves, or a headteacher of the invitee's school (recorded as such)."""
    if person.person_id == who.person_id:
        return True
    return person.school_id is not None and person.school_id in who.schools_where("headteacher")


def colleagues(who: Identity, invited: Sequence[view.Invited]) -> list[view.Invited]:
    """The invitees a headteacher may answer for: others of their school."""
    return [p for p in invited if p.person_id != who.person_id and answers_for(who, p)]


def the_meeting(meeting_id: str) -> Row:
    """The meeting, if the signed-in person may read it."""
    meeting = view.find_meeting(engine(), meeting_id)
    if meeting is None:
        abort(404, "There is no such meeting.")
    if not reads(g.identity, meeting):
        abort(403, "Only the members of this network read its meetings.")
    return meeting


def organised_meeting(meeting_id: str) -> Row:
    meeting = the_meeting(meeting_id)
    if not organises_meeting(g.identity, meeting):
        abort(403, "Only the meeting's organiser, the network's leads or the CPD team do this.")
    return meeting


def organised_network(network_id: str) -> Row:
    network = view.find_network(engine(), network_id)
    if network is None or network.status == "closed":
        abort(404, "There is no such network.")
    if not organises(g.identity, network):
        abort(403, "Only the network's facilitator, agenda lead or the CPD team find dates.")
    return network
