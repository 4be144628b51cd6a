"""The trust days service, as pages call it: places, moves, placing someone, registers and
attendance.

Each call sends the command as the signed-in person, with the form's idempotency key
where it has one, and returns once the trust days' projection has applied it. A refusal
is `Refused` and an unknown outcome `NotConfirmed` (frontend.commands)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from frontend.commands import send
from readmodels.trustdays.projection import trustdays as projection

SERVICE = "trustdays"
READ_IN = projection.name
"""The projection whose read model the pages read after a command."""
Place = Literal["seat", "waitlist"]
Placement = Literal["seat", "waitlist", "moved"]


def _path(*parts: str) -> str:
    return "".join(f"/{quote(part, safe='')}" for part in parts)


def _slot(day_id: str, slot_id: str) -> str:
    return _path("days", day_id, "slots", slot_id)


def _places(day_id: str, slot_id: str, session_id: str) -> str:
    return _slot(day_id, slot_id) + _path("sessions", session_id, "places")


def _send(method: str, path: str, body: dict[str, Any] | None, key: str | None) -> dict:
    return send(SERVICE, method, path, body, key, read_in=READ_IN)


def book(day_id: str, slot_id: str, session_id: str, key: str | None) -> Place:
    """Book me on the session: a seat, or its waitlist when it is full; which one it was."""
    outcome = _send("POST", _places(day_id, slot_id, session_id), {}, key)
    return "waitlist" if outcome.get("place") == "waitlist" else "seat"


def cancel(day_id: str, slot_id: str, session_id: str, person_id: str, key: str | None) -> None:
    """Give up the person's seat (the first person waiting gets it) or waitlist place."""
    _send("DELETE", _places(day_id, slot_id, session_id) + _path(person_id), None, key)


def move(day_id: str, slot_id: str, session_id: str, key: str | None) -> None:
    """Move my seat in this slot to `session_id`."""
    _send("POST", _slot(day_id, slot_id) + "/moves", {"session_id": session_id}, key)


def place(day_id: str, slot_id: str, session_id: str, person_id: str, key: str | None) -> Placement:
    """Place someone on the session (the CPD manager): booked, on its waitlist when it is
    full, or moved here from their seat in another session of the slot; which one it was."""
    path = _slot(day_id, slot_id) + _path("sessions", session_id, "placements")
    outcome = _send("POST", path, {"person_id": person_id}, key)
    if outcome.get("moved"):
        return "moved"
    return "waitlist" if outcome.get("place") == "waitlist" else "seat"


def mark(
    day_id: str, slot_id: str, session_id: str, person_id: str, mark: str, walk_in: bool = False
) -> None:
    """Mark the person on the session's register (a walk-in has no seat)."""
    path = _slot(day_id, slot_id) + _path("sessions", session_id, "register", person_id)
    _send("PUT", path, {"mark": mark, "walk_in": walk_in}, None)


def walk_in(day_id: str, slot_id: str, session_id: str, person_id: str) -> None:
    """Someone came without a seat: they are on the register, present."""
    mark(day_id, slot_id, session_id, person_id, "present", walk_in=True)


def attendance(day_id: str, attending: bool, dietary: str) -> None:
    """Whether I come to the day, and my dietary needs."""
    body = {"attending": attending, "dietary": dietary}
    _send("PUT", _path("days", day_id, "attendance"), body, None)
