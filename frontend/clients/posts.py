"""The directory's posts, as the people pages set them: what a person does (SENCO, maths
lead...), which the trust's networks follow. Each call returns once the directory's
projection has applied it; a refusal is `Refused` (frontend.commands)."""

from __future__ import annotations

from urllib.parse import quote

from frontend.commands import send
from readmodels.directory.projection import directory as projection

SERVICE = "directory"


def _path(person_id: str, post: str) -> str:
    return f"/people/{quote(person_id, safe='')}/posts/{quote(post, safe='')}"


def take_post(person_id: str, post: str, key: str | None) -> None:
    send(SERVICE, "PUT", _path(person_id, post), None, key, read_in=projection.name)


def leave_post(person_id: str, post: str, key: str | None) -> None:
    send(SERVICE, "DELETE", _path(person_id, post), None, key, read_in=projection.name)
