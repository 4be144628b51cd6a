"""Who may do what in the directory that pages ask too (the directory's API enforces it):
part of the service's contract, beside events.py. It imports only events.identity and the
directory's contract, so any page may import it."""

from __future__ import annotations

from events.identity import SCHOOL_LEADERS, TRUST_LEADERS, Identity
from services.directory.events import CENTRAL_POSTS

SETS_ANY_POST = TRUST_LEADERS
"""The central team set anyone's posts (the CPD manager too: networks follow posts)."""


def may_set_post(who: Identity, post: str, school_id: str | None) -> bool:
    """Whether `who` may give or take away `post` of a person of `school_id` (None: the
    central team): the trust admin, CEO and CPD manager anyone's; a headteacher or school
    CPD lead their own school's people's school posts (never a central post)."""
    if who.holds(*SETS_ANY_POST):
        return True
    return post not in CENTRAL_POSTS and school_id in who.schools_where(*SCHOOL_LEADERS)


def post_scope(who: Identity) -> frozenset[str] | None:
    """The schools whose people's posts `who` sets; None: the whole trust."""
    return None if who.holds(*SETS_ANY_POST) else who.schools_where(*SCHOOL_LEADERS)
