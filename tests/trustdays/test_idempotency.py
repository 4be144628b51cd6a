"""Idempotency keys name one command of one person on one aggregate; a cancelled day's
slots all end closed (by the reaction to DayCancelled), even when the cancel request was
interrupted or refused."""

from __future__ import annotations

import httpx
import pytest

from events.decider import CommandLoop
from events.envelope import Metadata
from services.trustdays import domain
from services.trustdays.events import day_subject, slot_subject
from tests.support.people import join
from tests.support.trustdays import (
    MANAGER_ID,
    day_fields,
    manager,
    open_day,
    session_fields,
    staff,
    trustdays,
)
from tests.support.waiting import wait_until


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    join(nats, store, "amy", "bob")
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


@pytest.fixture
def day(client):
    return open_day(client, sessions=2, capacity=5)


def places(day: dict, n: int = 0) -> str:
    return f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][n]}/places"


def slot_events(nats, store, day: dict) -> dict[str, list[str]]:
    """The event types of each slot of the day, as the log holds them."""
    shown = {}
    for slot_id in (day["slot_id"], day["keynote"]):
        subject = store.subject(*slot_subject(day["day_id"], slot_id))
        events, _ = nats.run(store.load(subject))
        shown[slot_id] = [event.type for event in events]
    return shown


def with_key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def cancel(client, day: dict, key: str) -> httpx.Response:
    url = f"/days/{day['day_id']}/cancel"
    return client.post(url, json={"reason": "Snow"}, headers=with_key(manager(), key))


def all_closed(nats, store, day: dict) -> bool:
    """Whether every slot of the day has been closed (by the reactor: moments later)."""
    return all(types[-1:] == ["SlotClosed"] for types in slot_events(nats, store, day).values())


def seats_taken(client, day: dict) -> int:
    shown = client.get(f"/days/{day['day_id']}", headers=staff("amy")).json()
    return sum(s["booked"] + s["waiting"] for slot in shown["slots"] for s in slot["sessions"])


@pytest.fixture
def booked_day(client, day):
    """The day with Amy and Bob booked, and the keynote's slot id."""
    keynote = client.get(f"/days/{day['day_id']}", headers=manager()).json()["slots"][0]
    for person in ("amy", "bob"):
        answer = client.post(places(day), json={}, headers=with_key(staff(person), person))
        assert answer.status_code == 201, answer.text
    return {**day, "keynote": keynote["slot_id"]}


def test_two_people_sending_the_same_key_are_both_booked(client, day):
    for person in ("amy", "bob"):  # each from their own device, whose keys happen to match
        answer = client.post(places(day), json={}, headers=with_key(staff(person), "book-1"))
        assert answer.status_code == 201, answer.text
    shown = client.get(f"/days/{day['day_id']}", headers=staff("amy")).json()
    breakout = next(s for s in shown["slots"] if s["slot_id"] == day["slot_id"])
    assert breakout["sessions"][0]["booked"] == 2


def test_cancelling_a_day_with_a_key_closes_every_slot_and_frees_every_seat(
    client, booked_day, nats, store
):
    assert cancel(client, booked_day, "cancel-1").status_code == 200
    assert wait_until(lambda: all_closed(nats, store, booked_day), 30)
    closed = slot_events(nats, store, booked_day)
    assert closed[booked_day["keynote"]] == ["SlotClosed"]
    assert closed[booked_day["slot_id"]][-3:] == [
        "BookingCancelled",
        "BookingCancelled",
        "SlotClosed",
    ]
    assert seats_taken(client, booked_day) == 0


def test_a_cancel_interrupted_after_the_day_still_ends_with_every_slot_closed_and_done_once(
    client, booked_day, nats, store
):
    # The request cancelled the day, then stopped before it answered.
    loop = CommandLoop(store, domain.DayDecider())
    the_day = store.subject(*day_subject(booked_day["day_id"]))
    as_manager = Metadata(actor=MANAGER_ID)
    nats.run(loop.execute(the_day, domain.CancelDay("Snow"), "cancel-1", as_manager))

    assert wait_until(lambda: all_closed(nats, store, booked_day), 30)
    assert seats_taken(client, booked_day) == 0
    last = nats.run(store.last_seq())
    again = cancel(client, booked_day, "cancel-1")
    assert again.status_code == 200
    assert nats.run(store.last_seq()) == last  # the same key once more: nothing new


def test_a_second_cancel_with_another_key_is_refused_and_the_slots_are_closed_all_the_same(
    client, booked_day, nats, store
):
    loop = CommandLoop(store, domain.DayDecider())
    the_day = store.subject(*day_subject(booked_day["day_id"]))
    nats.run(loop.execute(the_day, domain.CancelDay("Snow"), "cancel-1", Metadata("other")))

    refused = cancel(client, booked_day, "cancel-2")
    assert refused.status_code == 409 and refused.json()["error"] == "day_cancelled"
    assert wait_until(lambda: seats_taken(client, booked_day) == 0, 30)
    assert all_closed(nats, store, booked_day)


def test_a_create_sent_again_with_its_key_names_the_same_thing_and_is_done_once(client):
    plan = {"json": day_fields(), "headers": with_key(manager(), "plan-1")}
    first, again = client.post("/days", **plan), client.post("/days", **plan)
    assert (first.status_code, again.status_code) == (201, 201), first.text
    assert again.json()["id"] == first.json()["id"]
    assert (again.json()["seq"], again.json()["events"]) == (first.json()["seq"], [])
    day_url = f"/days/{first.json()['id']}"
    slot_id = client.get(day_url, headers=manager()).json()["slots"][1]["slot_id"]
    add = {"json": session_fields("Phonics", 5), "headers": with_key(manager(), "session-1")}
    made = [client.post(f"{day_url}/slots/{slot_id}/sessions", **add) for _ in range(2)]
    assert made[0].json()["id"] == made[1].json()["id"], made[0].text
    slot = client.get(day_url, headers=manager()).json()["slots"][1]
    assert [s["session_id"] for s in slot["sessions"]] == [made[0].json()["id"]]
