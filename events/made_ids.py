"""Ids of what a command creates (a PD day, a slot, a school, a network, a meeting...):
derived from the request's Idempotency-Key when it has one, so a retry with the key names
the same thing and the log appends it once; new otherwise. Every service's create takes its
ids here: a new id each time would put a retried create on a new subject, or answer it with
an id that names nothing (tests/events/test_made_ids.py)."""

from __future__ import annotations

import uuid

from flask import request

from events.envelope import new_id
from events.service import idempotency_key, identity

MADE = uuid.UUID("6f1d6a52-5d1b-4c3e-9a55-2b8f0f6c1e01")
"""The namespace of derived ids (the networks' first: their ids stay as they were)."""


def made_id(part: str, *within: str) -> str:
    """The id of `part` of this request's command (within `within`, e.g. a series' id)."""
    key = idempotency_key()
    if key is None:
        return new_id()
    name = "\n".join((identity().person_id, request.method, request.path, key, part, *within))
    return str(uuid.uuid5(MADE, name))
