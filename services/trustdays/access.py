"""Who may do what on the trust days: part of the service's contract, beside events.py.

Each role rule is written here once; the service's API enforces it and the pages ask it
(to show a button, or to answer 403 or 404 as the API would). It imports only
events.identity, so any page may import it.
"""

from __future__ import annotations

from events.identity import Identity

ORGANISERS = ("cpd_manager", "network_lead")
"""Add and change sessions: the CPD manager any, a network lead those they lead."""


def plans_days(who: Identity) -> bool:
    """Planning PD days is the CPD manager's: plan, change the details and timetable,
    copy, publish, cancel, excuse someone from booking (the Plan pages ask it too)."""
    return who.holds("cpd_manager")


def sees_drafts(who: Identity) -> bool:
    """A draft day is the CPD manager's alone: to everyone else it does not exist."""
    return who.holds("cpd_manager")


def may_see_day(who: Identity, status: str) -> bool:
    """Whether the person may see a day in this status (else: 404, no such day)."""
    return status != "draft" or sees_drafts(who)


def places_anyone(who: Identity) -> bool:
    """The CPD manager books, moves and cancels anyone's place, window open or closed;
    everyone else only their own, while the window is open."""
    return who.holds("cpd_manager")


def takes_register(who: Identity, leader_id: str | None) -> bool:
    """A session's register is its leader's and the CPD manager's."""
    return who.holds("cpd_manager") or (leader_id is not None and leader_id == who.person_id)


def organising_refusal(
    who: Identity, leader_id: str | None, current_leader_id: str | None = None, new: bool = True
) -> str | None:
    """Why the person may not add (`new`) or change a session led by `current_leader_id`
    so that `leader_id` leads it; None if they may. The CPD manager adds and changes any
    session and appoints its leader. A network lead proposes and changes only sessions they
    lead themselves: they cannot appoint anyone else, nor take over a session someone else
    leads (and so its register)."""
    if who.holds("cpd_manager"):
        return None
    if not who.holds("network_lead"):
        return "Only the CPD manager and network leads do this."
    if not new and current_leader_id != who.person_id:
        return "Only the CPD manager changes a session someone else leads."
    if leader_id != who.person_id:
        return "A network lead leads the sessions they add: only the CPD manager appoints others."
    return None
