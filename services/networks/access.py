"""Who may do what in the networks: part of the service's contract, beside events.py.

Each rule is written here once; the service's API enforces it and the pages ask it (to show a
button, or to answer 403 or 404 as the API would). It imports only events.identity, so any
page may import it; what a rule must know of a network or a meeting (its facilitator, its
members now) the caller passes as plain values.
"""

from __future__ import annotations

from collections.abc import Collection

from events.identity import Identity

NETWORK_LEADERS = ("cpd_manager", "ceo", "trust_admin", "network_lead")
"""Form, change and close networks, see the compliance board, and organise any network's
meetings (a private network's only if they are one of its members)."""
IMPROVEMENT_LEADS = ("network_lead",)
"""The school improvement leads: they set any school's improvement plan priorities."""


def runs_networks(who: Identity) -> bool:
    """Form, change and close networks."""
    return who.holds(*NETWORK_LEADERS)


def sees_compliance(who: Identity) -> bool:
    """The compliance board: per network per term, held, planned, required, at risk."""
    return who.holds(*NETWORK_LEADERS)


def sees_network(
    who: Identity, private: bool, agenda_lead_id: str | None, members: Collection[str]
) -> bool:
    """A network's page: a private network (a one-to-one) only its members (its facilitator
    among them), its agenda lead and the network leaders see; to anyone else it does not
    exist (404), and no page links them to it."""
    return not private or runs_networks(who) or who.person_id in (*members, agenda_lead_id)


def reads_content(who: Identity, private: bool, members: Collection[str]) -> bool:
    """A private network's agenda, minutes and actions only its members (its facilitator
    among them) read: the CEO's one-to-one with a head is the two of theirs alone."""
    return not private or who.person_id in members


def organises(
    who: Identity,
    facilitator_id: str,
    agenda_lead_id: str | None,
    private: bool = False,
    members: Collection[str] = (),
) -> bool:
    """Open polls, book meetings and plan series of the network: its facilitator, its agenda
    lead, or a network leader (NETWORK_LEADERS); of a private network, only its members."""
    if private and who.person_id not in members and who.person_id != facilitator_id:
        return False
    return who.person_id in (facilitator_id, agenda_lead_id) or who.holds(*NETWORK_LEADERS)


def runs_meeting(
    who: Identity,
    organiser_id: str,
    facilitator_id: str,
    agenda_lead_id: str | None,
    private: bool = False,
    members: Collection[str] = (),
) -> bool:
    """Nudge, close, confirm, move and cancel a meeting, and keep its agenda, minutes, actions
    and register: whoever organised it, and whoever organises its network."""
    if private and who.person_id not in (*members, facilitator_id):
        return False
    return who.person_id == organiser_id or organises(who, facilitator_id, agenda_lead_id)


def answers_for(who: Identity, person_id: str, school_id: str | None) -> bool:
    """A poll's answer is the invitee's own; a headteacher of the invitee's school may answer
    for an absent colleague (the vote records who cast it)."""
    return who.person_id == person_id or who.holds_for_school("headteacher", school_id)


def changes_action(who: Identity, owner_id: str, runs_the_meeting: bool) -> bool:
    """An action's status is its owner's to change, and its meeting's organisers'."""
    return who.person_id == owner_id or runs_the_meeting


def sets_priorities(who: Identity, school_id: str) -> bool:
    """A school's improvement plan priorities: its headteacher and the improvement leads."""
    return who.holds_for_school("headteacher", school_id) or who.holds(*IMPROVEMENT_LEADS)
