"""The trust days know the trust's people from the directory's facts in the log: a seat, a
walk-in or a session leader must be one of the staff now, else 422 naming the field and
nothing appended. And whole numbers are whole: a capacity of 5.5 is not taken as 5."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from events.envelope import Event
from tests.support.people import join, joined, leave, record_facts
from tests.support.trustdays import (
    day_fields,
    manager,
    open_day,
    session_fields,
    staff,
    trustdays,
)


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    join(nats, store, "amy", "bob")
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


@pytest.fixture
def day(client):
    return open_day(client, sessions=2, capacity=5)


def session(day: dict, n: int = 0) -> str:
    return f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][n]}"


def log_length(nats, store) -> int:
    return nats.run(store.last_seq())


@pytest.mark.parametrize("nobody", ["*", str(uuid.uuid4())])
def test_the_cpd_manager_cannot_book_a_seat_for_nobody(client, day, nats, store, nobody):
    before = log_length(nats, store)
    answer = client.post(f"{session(day)}/places", json={"person_id": nobody}, headers=manager())
    assert answer.status_code == 422, answer.text
    assert list(answer.json()["fields"]) == ["person_id"]
    assert log_length(nats, store) == before
    shown = client.get(f"/days/{day['day_id']}", headers=manager()).json()
    assert all(s["booked"] == 0 for slot in shown["slots"] for s in slot["sessions"])


def test_a_walk_in_must_be_one_of_the_staff(client, day, nats, store):
    before = log_length(nats, store)
    walk_in = {"mark": "present", "walk_in": True}
    answer = client.put(f"{session(day)}/register/nobody-here", json=walk_in, headers=manager())
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["person_id"]
    assert log_length(nats, store) == before


def test_a_session_leader_must_be_one_of_the_staff(client, day, nats, store):
    before = log_length(nats, store)
    sessions = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
    unknown = session_fields(leader={"person_id": "nobody-here", "name": "No One"})
    added = client.post(sessions, json=unknown, headers=manager())
    assert added.status_code == 422, added.text
    assert list(added.json()["fields"]) == ["leader"]
    assert list(added.json()["fields"]["leader"]) == ["person_id"]
    changed = client.put(session(day), json=unknown, headers=manager())
    assert changed.status_code == 422 and list(changed.json()["fields"]) == ["leader"]
    assert log_length(nats, store) == before
    known = session_fields(leader={"person_id": "bob", "name": "Bob"})
    assert client.post(sessions, json=known, headers=manager()).status_code == 201


def test_someone_who_joined_a_moment_ago_can_book_at_once(client, day, nats, store):
    assert client.post(f"{session(day)}/places", json={}, headers=staff("amy")).status_code == 201
    join(nats, store, "cat")  # the trust days' view of the staff is now behind the log
    booked = client.post(f"{session(day)}/places", json={}, headers=staff("cat"))
    assert booked.status_code == 201, booked.text


def test_a_leaver_cannot_be_newly_booked(client, day, nats, store):
    assert client.post(f"{session(day)}/places", json={}, headers=staff("bob")).status_code == 201
    leave(nats, store, "bob")
    time.sleep(1.1)  # a view of the staff is trusted for a second
    before = log_length(nats, store)
    for_bob = client.post(f"{session(day, 1)}/places", json={"person_id": "bob"}, headers=manager())
    assert for_bob.status_code == 422 and list(for_bob.json()["fields"]) == ["person_id"]
    assert log_length(nats, store) == before
    assert (
        client.post(f"{session(day, 1)}/places", json={}, headers=staff("amy")).status_code == 201
    )
    # the leaver's seat can still be given up, for the next person
    assert client.delete(f"{session(day)}/places/bob", headers=manager()).status_code == 200


def test_whole_numbers_are_whole(client, day):
    half_term = client.post("/days", json=day_fields(term=2.5), headers=manager())
    assert half_term.status_code == 422 and list(half_term.json()["fields"]) == ["term"]
    sessions = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
    for capacity in (5.5, "5"):
        answer = client.post(sessions, json=session_fields(capacity=capacity), headers=manager())
        assert answer.status_code == 422 and list(answer.json()["fields"]) == ["capacity"]
    changed = client.put(session(day), json=session_fields(capacity=5.5), headers=manager())
    assert changed.status_code == 422 and list(changed.json()["fields"]) == ["capacity"]
    shown = client.get(f"/days/{day['day_id']}", headers=manager()).json()
    assert shown["slots"][1]["sessions"][0]["capacity"] == 5


def test_someone_back_in_the_trust_can_book_again(client, day, nats, store):
    leave(nats, store, "amy")
    back = joined("amy")
    nats.run(record_facts(store, [Event("PersonRejoined", back.data)]))
    booked = client.post(f"{session(day)}/places", json={}, headers=staff("amy"))
    assert booked.status_code == 201, booked.text
