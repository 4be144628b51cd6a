"""The CPD manager's nudge to book through real HTTP: validated at the edge (422 with field
errors), each person checked to be staff, who has booked left out, not twice an hour."""

from __future__ import annotations

import httpx
import pytest

from tests.support.people import join
from tests.support.trustdays import manager, open_day, staff, trustdays


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    join(nats, store, "amy", "bob", "cat")
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


def test_a_nudge_names_who_has_not_booked_and_not_again_within_the_hour(client, nats, store):
    day = open_day(client, sessions=2, capacity=5)
    places = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][0]}/places"
    assert client.post(places, json={}, headers=staff("bob")).status_code == 201
    nudges = f"/days/{day['day_id']}/nudges"
    body = {"person_ids": ["amy", "bob", "cat"]}
    answer = client.post(nudges, json=body, headers=manager())
    assert answer.status_code == 200, answer.text
    assert answer.json()["events"] == ["NudgedToBook"]
    events, _ = nats.run(store.load(store.subject("trustdays", "day", day["day_id"])))
    assert events[-1].data["person_ids"] == ["amy", "cat"]  # bob booked
    again = client.post(nudges, json=body, headers=manager())
    assert again.status_code == 409 and again.json()["error"] == "nudged_recently"
    assert "again from" in again.json()["message"]


def test_a_nudge_is_validated_at_the_edge(client, nats, store):
    day = open_day(client, sessions=1)
    nudges = f"/days/{day['day_id']}/nudges"
    before = nats.run(store.last_seq())
    for body, field in (
        ({}, "person_ids"),
        ({"person_ids": []}, "person_ids"),
        ({"person_ids": "amy"}, "person_ids"),
        ({"person_ids": [""]}, "person_ids"),
        ({"person_ids": ["amy", "nobody"]}, "person_ids"),
    ):
        answer = client.post(nudges, json=body, headers=manager())
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.json()["fields"], answer.json()
    unknown = client.post(nudges, json={"person_ids": ["amy", "nobody"]}, headers=manager())
    assert unknown.json()["fields"] == {
        "person_ids": {"1": ["There is nobody in the trust with this id."]}
    }
    assert (
        client.post(nudges, json={"person_ids": ["amy"]}, headers=staff("amy")).status_code == 403
    )
    assert nats.run(store.last_seq()) == before
