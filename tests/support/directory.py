"""The directory service on a real socket, with a fresh stream, and people to act as."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from events.config import Settings
from events.store import EventStore, StreamSettings
from services.directory import create_app
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone

URNS = (f"{n:06d}" for n in itertools.count(200000))


@contextmanager
def directory_service(nats, nats_server) -> Iterator[tuple[httpx.Client, EventStore]]:
    """The served directory app and the store of its own fresh stream."""
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    settings = Settings(nats_server.url, "sqlite://", stream, SECRET_KEY)
    try:
        with serve(create_app(settings)) as url, httpx.Client(base_url=url) as client:
            yield client, store
    finally:
        nats.run(store.js.delete_stream(name))


def as_admin() -> dict[str, str]:
    """A trust admin's identity, signed now (a signed identity lives a minute)."""
    return signed(someone("trust_admin", school_id=None))


def school(**changes: str) -> dict[str, str]:
    return {
        "name": "Oak Primary",
        "phase": "primary",
        "urn": next(URNS),
        "town": "Leeds",
        **changes,
    }


def person(school_id: str | None, **changes) -> dict:
    email = f"{uuid.uuid4().hex[:10]}@example.sch.uk"
    return {
        "name": "Pat Person",
        "email": email,
        "school_id": school_id,
        "category": "teaching",
        "job_title": "Teacher of maths",
        "subjects": ["Maths"],
        **changes,
    }


def add_school(client: httpx.Client, **changes: str) -> str:
    answer = client.post("/schools", json=school(**changes), headers=as_admin())
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def add_person(client: httpx.Client, school_id: str | None, **changes) -> str:
    answer = client.post("/people", json=person(school_id, **changes), headers=as_admin())
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def log_length(nats, store: EventStore) -> int:
    return nats.run(store.last_seq())
