"""Who may do what with notifications: part of the service's contract, beside events.py.

The service's API enforces these rules and the pages ask them. It imports only
events.identity, so any page may import it.
"""

from __future__ import annotations

from events.identity import Identity

READS_ANYONES = ("cpd_manager", "trust_admin")
"""Who reads what we told anyone (the CPD manager answers "I was never told")."""


def sets_preferences(who: Identity, person_id: str) -> bool:
    """A person chooses what they receive; the trust admin may, for someone who asks."""
    return who.person_id == person_id or who.holds("trust_admin")


def reads_messages(who: Identity, person_id: str) -> bool:
    """What we told a person: they themselves, the CPD manager, the trust admin."""
    return who.person_id == person_id or who.holds(*READS_ANYONES)


def runs_the_mail(who: Identity) -> bool:
    """The operator's mail pages (queue, embedded mailbox) and releasing an unknown claim."""
    return who.holds("trust_admin")
