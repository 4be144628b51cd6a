"""Who may do what on the trust year: part of the service's contract, beside events.py.

The trust's terms are set by the trust admin or the CPD manager; a school's own terms and
its closures (INSET days, holidays, closures) by its headteacher or school CPD lead, and by
the trust admin or CPD manager for any school. Everyone on the staff reads them: term
dates are no secret. It imports only events.identity, so any page may import it.
"""

from __future__ import annotations

from events.identity import SCHOOL_LEADERS, Identity

SETS_TERMS = ("trust_admin", "cpd_manager")


def sets_terms(who: Identity) -> bool:
    """The trust's year and terms."""
    return who.holds(*SETS_TERMS)


def keeps_dates_of(who: Identity, school_id: str) -> bool:
    """A school's own terms and closures."""
    return who.holds(*SETS_TERMS) or any(
        who.holds_for_school(role, school_id) for role in SCHOOL_LEADERS
    )
