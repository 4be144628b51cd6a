"""The notifications service, as pages call it: a person's preferences, the operator's
release of a message whose sending is unknown. Each call returns once the notifications'
projection has applied it (frontend.commands)."""

from __future__ import annotations

from urllib.parse import quote

from frontend.commands import send
from readmodels.notifications.projection import notifications as projection

SERVICE = "notifications"


def _path(*parts: str) -> str:
    return "".join(f"/{quote(part, safe='')}" for part in parts)


def set_preferences(person_id: str, kinds: dict[str, str], key: str | None) -> None:
    path = _path("people", person_id, "preferences")
    send(SERVICE, "PUT", path, {"kinds": kinds}, key, read_in=projection.name)


def release(message_id: str, person_id: str, key: str | None) -> None:
    path = _path("messages", message_id, "release")
    send(SERVICE, "POST", path, {"person_id": person_id}, key, read_in=projection.name)
