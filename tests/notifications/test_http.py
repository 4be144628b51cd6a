"""The notifications service through real HTTP: a person's preferences (confirmations
cannot be turned off: 422), and only the trust admin releases a claim."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from events.config import Settings
from events.store import EventStore, StreamSettings
from services.notifications import create_app
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone

AMY = "00000000-0000-7000-8000-0000000000a1"


def amy() -> dict[str, str]:
    return signed(someone(person_id=AMY))


@pytest.fixture(scope="module")
def service(nats, nats_server) -> Iterator[httpx.Client]:
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    settings = Settings(nats_server.url, "sqlite://", stream, SECRET_KEY)
    try:
        with serve(create_app(settings)) as url, httpx.Client(base_url=url) as client:
            yield client
    finally:
        nats.run(store.js.delete_stream(name))


def test_a_person_chooses_what_they_are_sent(service: httpx.Client) -> None:
    path = f"/people/{AMY}/preferences"
    chosen = service.put(path, json={"kinds": {"day_reminder": "off"}}, headers=amy())
    assert chosen.status_code == 200, chosen.text
    assert service.get(path, headers=amy()).json()["kinds"] == {"day_reminder": "off"}
    refused = service.put(path, json={"kinds": {"booking_confirmed": "off"}}, headers=amy())
    assert (refused.status_code, refused.json()["error"]) == (422, "always_sent")
    bad = service.put(path, json={"kinds": {"day_reminder": "maybe"}}, headers=amy())
    assert bad.status_code == 422 and "kinds" in bad.json()["fields"]


def test_only_the_person_or_the_trust_admin_sets_their_preferences(service: httpx.Client) -> None:
    path = f"/people/{AMY}/preferences"
    body = {"kinds": {"day_reminder": "now"}}
    assert service.put(path, json=body, headers=signed(someone())).status_code == 403
    admin = signed(someone("trust_admin"))
    assert service.put(path, json=body, headers=admin).status_code == 200
    assert service.put(path, json=body).status_code == 401


def test_only_the_trust_admin_releases_and_only_a_claimed_message(service: httpx.Client) -> None:
    body = {"person_id": AMY}
    assert service.post("/messages/m1/release", json=body, headers=amy()).status_code == 403
    admin = signed(someone("trust_admin"))
    missing = service.post("/messages/m1/release", json=body, headers=admin)
    assert (missing.status_code, missing.json()["error"]) == (404, "no_such_message")
    assert service.post("/messages/m1/release", json={}, headers=admin).status_code == 422
