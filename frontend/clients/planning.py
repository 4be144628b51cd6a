"""The trust days service, as the CPD manager's planning pages call it: plan a day, change
its details and timetable, add, change and cancel sessions, copy a day, publish, cancel.

Each call sends the command as the signed-in person, with the form's idempotency key,
and returns once the trust days' projection has applied it (frontend.commands.send). A
refusal is `Refused` (its `fields` name what was wrong), an unknown outcome `NotConfirmed`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from frontend.commands import send
from readmodels.trustdays.projection import trustdays as projection

SERVICE = "trustdays"
READ_IN = projection.name


def _path(*parts: str) -> str:
    return "".join(f"/{quote(part, safe='')}" for part in parts)


def _send(method: str, path: str, body: dict[str, Any] | None, key: str | None) -> dict:
    return send(SERVICE, method, path, body, key, read_in=READ_IN)


def plan_day(fields: dict[str, Any], key: str | None) -> str:
    """A new PD day in draft, with its first timetable (`fields["slots"]`); its id."""
    return str(_send("POST", "/days", fields, key)["id"])


def update_day(day_id: str, fields: dict[str, Any], key: str | None) -> None:
    """The day's details and booking window, all of them, as they now are."""
    _send("PUT", _path("days", day_id), fields, key)


def add_slot(day_id: str, slot: dict[str, Any], key: str | None) -> str:
    return str(_send("POST", _path("days", day_id, "slots"), slot, key)["id"])


def change_slot(day_id: str, slot_id: str, slot: dict[str, Any], key: str | None) -> None:
    """Retime or rename a slot (its kind, title, speaker, starts, ends)."""
    _send("PUT", _path("days", day_id, "slots", slot_id), slot, key)


def remove_slot(day_id: str, slot_id: str, reason: str, key: str | None) -> None:
    """Take the slot off the timetable: its seats and waitlist places are released."""
    _send("DELETE", _path("days", day_id, "slots", slot_id), {"reason": reason}, key)


def add_session(day_id: str, slot_id: str, session: dict[str, Any], key: str | None) -> str:
    path = _path("days", day_id, "slots", slot_id, "sessions")
    return str(_send("POST", path, session, key)["id"])


def update_session(
    day_id: str, slot_id: str, session_id: str, session: dict[str, Any], key: str | None
) -> None:
    path = _path("days", day_id, "slots", slot_id, "sessions", session_id)
    _send("PUT", path, session, key)


def cancel_session(
    day_id: str, slot_id: str, session_id: str, reason: str, key: str | None
) -> None:
    """Cancel a session: its seats and waitlist are released."""
    path = _path("days", day_id, "slots", slot_id, "sessions", session_id, "cancel")
    _send("POST", path, {"reason": reason}, key)


def copy_day(day_id: str, fields: dict[str, Any], key: str | None) -> str:
    """A new draft day with this day's theme, venue, timetable and open sessions; its id."""
    return str(_send("POST", _path("days", day_id, "copies"), fields, key)["id"])


def publish(day_id: str, key: str | None) -> None:
    _send("POST", _path("days", day_id, "publish"), None, key)


def nudge(day_id: str, person_ids: list[str], key: str | None) -> None:
    """Remind these people to book (the overview's "not booked yet"); not twice an hour."""
    _send("POST", _path("days", day_id, "nudges"), {"person_ids": person_ids}, key)


def cancel_day(day_id: str, reason: str, key: str | None) -> None:
    """Cancel the day: a reaction then closes its slots, releasing every place."""
    _send("POST", _path("days", day_id, "cancel"), {"reason": reason}, key)
