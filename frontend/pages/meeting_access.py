"""Who may do what on a poll or a meeting, as the pages ask it: the meeting found (404),
read (403 for a private network's outsiders), organised, voted on. The rules are the
networks service's (services/networks/access.py); this module finds the rows they need."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from flask import abort, g
from sqlalchemy import Row

from events.identity import Identity
from frontend.database import engine
from readmodels.networks import polls_view as view
from services.networks import access
from services.notifications.access import READS_ANYONES


def members(network_id: str) -> set[str]:
    return view.member_ids(engine(), network_id)


def organises(who: Identity, network: Any) -> bool:
    """The network's facilitator or agenda lead, or a network leader (of a private
    network, only a member): services/networks/access.py."""
    return access.organises(
        who,
        network.facilitator_id,
        network.agenda_lead_id,
        network.private,
        members(network.network_id) if network.private else (),
    )


def organises_meeting(who: Identity, meeting: Any) -> bool:
    return access.runs_meeting(
        who,
        meeting.organiser_id,
        meeting.facilitator_id,
        meeting.agenda_lead_id,
        meeting.private,
        members(meeting.network_id) if meeting.private else (),
    )


def reads_meeting_messages(who: Identity, meeting: Any) -> bool:
    """What the meeting's people were told (/meetings/<id>/messages): whoever runs it (the
    rule above), the CPD manager and the trust admin (who read anyone's messages)."""
    return who.holds(*READS_ANYONES) or organises_meeting(who, meeting)


def reads(who: Identity, meeting: Any) -> bool:
    """A private network's meetings (a one-to-one) only its members read (the facilitator
    and the meeting's organiser among them); any other meeting, everyone signed in."""
    if not meeting.private:
        return True
    return reads_meetings_of(who, meeting, members(meeting.network_id), meeting.organiser_id)


def reads_meetings_of(
    who: Identity, network: Any, members: Collection[str], organiser_id: str = ""
) -> bool:
    """`reads`, of a meeting of `network` (its members given) organised by `organiser_id`
    ("": by any of them, as a member reads them all)."""
    readers = {*members, organiser_id, network.facilitator_id} - {""}
    return access.reads_content(who, network.private, readers)


def sees_network(who: Identity, meeting: Any) -> bool:
    """Whether the meeting's reader may open its network's page (services/networks/
    access.py): a one-to-one's organiser who is not one of its members may not."""
    shown = members(meeting.network_id) if meeting.private else ()
    return access.sees_network(who, meeting.private, meeting.agenda_lead_id, shown)


def answers_for(who: Identity, person: view.Invited) -> bool:
    """The invitee themselves, or a headteacher of the invitee's school (recorded as such)."""
    return access.answers_for(who, person.person_id, person.school_id)


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
