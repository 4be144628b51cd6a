"""The trust's staff, as the trust days know them: the directory's facts in the log,
folded as foreign facts (events.foreign) and kept up to date, so that a seat, a walk-in or
a session leader is checked against who is in the trust now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_smorest import abort

from events.envelope import RecordedEvent
from events.foreign import ForeignFacts
from services.directory.events import TRUST_SUBJECT  # (and registers the facts we read)

PEOPLE_FACTS = ("PersonJoined", "PersonRejoined", "PersonLeft")


def staff_now(active: frozenset[str], events: Sequence[RecordedEvent]) -> frozenset[str]:
    """The trust's people who have not left, with the directory's newer facts applied."""
    now = set(active)
    for event in events:
        if event.type == "PersonLeft":
            now.discard(event.data["person_id"])
        else:
            now.add(event.data["person_id"])
    return frozenset(now)


staff = ForeignFacts(*TRUST_SUBJECT, types=PEOPLE_FACTS, initial=frozenset[str](), fold=staff_now)


def in_the_trust(person_id: str, *field: str) -> str:
    """`person_id`, if they are one of the trust's staff now; else 422 naming `field`."""
    if not staff.holds(lambda active: person_id in active):
        errors: dict[str, Any] = {field[-1]: ["There is nobody in the trust with this id."]}
        for outer in reversed(field[:-1]):
            errors = {outer: errors}
        abort(422, messages={"json": errors})
    return person_id
