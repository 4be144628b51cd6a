"""The trust days' API through real HTTP: planning, booking, waitlists, registers, rules."""

from __future__ import annotations

import httpx
import pytest

from tests.support.identity import signed, someone
from tests.support.people import join
from tests.support.trustdays import (
    day_fields,
    manager,
    open_day,
    session_fields,
    staff,
    trustdays,
)
from tests.support.waiting import wait_until

LEADER = {"person_id": "leader-1", "name": "Lee Leader"}


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    join(nats, store, "amy", "bob", "cat", "nia", LEADER["person_id"])
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


@pytest.fixture
def day(client):
    return open_day(client, sessions=2, capacity=1)


def places(day: dict, n: int = 0) -> str:
    return f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][n]}/places"


def test_booking_a_seat_then_the_waitlist_then_promotion_on_cancel(client, day):
    first = client.post(places(day), json={}, headers=staff("amy"))
    assert first.status_code == 201 and first.json()["place"] == "seat"
    second = client.post(places(day), json={}, headers=staff("bob"))
    assert second.json()["place"] == "waitlist"
    cancelled = client.delete(f"{places(day)}/amy", headers=staff("amy"))
    assert cancelled.json()["events"] == ["BookingCancelled", "PromotedFromWaitlist"]
    shown = client.get(f"/days/{day['day_id']}", headers=staff("bob")).json()
    breakout = next(s for s in shown["slots"] if s["slot_id"] == day["slot_id"])
    assert breakout["my_place"] == {"session_id": day["sessions"][0], "place": "seat"}
    assert breakout["sessions"][0]["seats_left"] == 0


def test_a_broken_rule_is_named_and_appends_nothing(client, day, nats, store):
    client.post(places(day), json={}, headers=staff("amy"))
    before = nats.run(store.last_seq())
    again = client.post(places(day, 1), json={}, headers=staff("amy"))
    assert again.status_code == 409 and again.json()["error"] == "one_seat_per_slot"
    assert nats.run(store.last_seq()) == before


def test_staff_book_for_themselves_and_the_cpd_manager_for_anyone(client, day):
    for_someone = client.post(places(day), json={"person_id": "bob"}, headers=staff("amy"))
    assert for_someone.status_code == 403
    by_manager = client.post(places(day), json={"person_id": "bob"}, headers=manager())
    assert by_manager.status_code == 201


def placements(day: dict, n: int = 0) -> str:
    return places(day, n).removesuffix("/places") + "/placements"


def test_the_cpd_manager_places_someone_booked_waitlisted_or_moved(client, day):
    booked = client.post(placements(day), json={"person_id": "amy"}, headers=manager())
    assert booked.status_code == 201
    assert (booked.json()["place"], booked.json()["moved"]) == ("seat", False)
    waiting = client.post(placements(day), json={"person_id": "bob"}, headers=manager())
    assert (waiting.json()["place"], waiting.json()["moved"]) == ("waitlist", False)
    moved = client.post(placements(day, 1), json={"person_id": "amy"}, headers=manager())
    assert (moved.json()["place"], moved.json()["moved"]) == ("seat", True)
    assert moved.json()["events"] == ["BookingCancelled", "SessionBooked", "PromotedFromWaitlist"]
    full = client.post(placements(day, 1), json={"person_id": "cat"}, headers=manager())
    assert full.json()["place"] == "waitlist"
    refused = client.post(placements(day, 0), json={"person_id": "amy"}, headers=manager())
    assert refused.status_code == 409 and refused.json()["error"] == "session_full"
    mine = client.post(placements(day, 1), json={"person_id": "nia"}, headers=staff("nia"))
    assert mine.status_code == 403
    nobody = client.post(placements(day), json={"person_id": "ghost"}, headers=manager())
    assert nobody.status_code == 422 and "person_id" in nobody.json()["fields"]


def test_only_the_cpd_manager_plans_and_publishes(client, day):
    teacher = staff("amy")
    assert client.post("/days", json=day_fields(), headers=teacher).status_code == 403
    assert client.post(f"/days/{day['day_id']}/publish", headers=teacher).status_code == 403
    lead = staff("nia", "network_lead")
    sessions = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
    own = session_fields(leader={"person_id": "nia", "name": "Nia"})
    assert client.post(sessions, json=own, headers=lead).status_code == 201
    assert client.post(sessions, json=session_fields(), headers=teacher).status_code == 403


def test_bad_input_is_422_with_fields_and_unknown_ids_404(client, day):
    bad = client.post("/days", json=day_fields(term=9, opens="yesterday"), headers=manager())
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"term", "opens"}
    backwards = day_fields(closes=day_fields()["opens"])
    assert client.post("/days", json=backwards, headers=manager()).json()["error"] == (
        "window_ends_before_it_opens"
    )
    assert client.get("/days/nosuch", headers=manager()).status_code == 404
    assert client.get("/days/a.b", headers=manager()).status_code == 404
    missing = f"/days/{day['day_id']}/slots/nosuch/sessions/x/places"
    assert client.post(missing, json={}, headers=staff("amy")).status_code == 404


def test_capacity_below_the_seats_taken_is_refused_with_the_reason(client, day):
    client.post(places(day), json={}, headers=staff("amy"))
    session = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][0]}"
    smaller = client.put(session, json=session_fields(capacity=0), headers=manager())
    assert smaller.status_code == 422  # capacity is at least 1
    client.put(session, json=session_fields(capacity=2), headers=manager())
    client.post(places(day), json={}, headers=staff("bob"))
    refused = client.put(session, json=session_fields(capacity=1), headers=manager())
    assert refused.status_code == 409 and refused.json()["error"] == "capacity_below_bookings"


def test_cancelling_the_day_releases_everyone(client, day):
    client.post(places(day), json={}, headers=staff("amy"))
    client.post(places(day), json={}, headers=staff("bob"))
    cancel = f"/days/{day['day_id']}/cancel"
    answer = client.post(cancel, json={"reason": "Snow"}, headers=manager())
    assert answer.status_code == 200
    late = client.post(places(day, 1), json={}, headers=staff("cat"))
    assert late.json()["error"] == "day_cancelled"
    shown = client.get(f"/days/{day['day_id']}", headers=staff("amy")).json()
    assert shown["status"] == "cancelled"

    def everyone_released() -> bool:  # by the reaction to DayCancelled, moments later
        shown = client.get(f"/days/{day['day_id']}", headers=staff("amy")).json()
        return all(s["booked"] == 0 and s["waiting"] == 0 for s in shown["slots"][1]["sessions"])

    assert wait_until(everyone_released, 30)


def test_the_leader_takes_the_register(client, day):
    session = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][0]}"
    client.put(session, json=session_fields("Session 1", 1, leader=LEADER), headers=manager())
    client.post(places(day), json={}, headers=staff("amy"))
    register = f"{places(day).removesuffix('/places')}/register"
    assert client.get(register, headers=staff("amy")).status_code == 403
    leader = signed(someone(person_id="leader-1"))
    assert client.get(register, headers=leader).json() == [
        {"person_id": "amy", "mark": None, "walk_in": False}
    ]
    early = client.put(f"{register}/amy", json={"mark": "present"}, headers=leader)
    assert early.status_code == 409 and early.json()["error"] == "register_before_the_day"


def test_a_retried_booking_with_the_same_key_books_once(client, day, nats, store):
    headers = {**staff("amy"), "Idempotency-Key": "amy-books-1"}
    first = client.post(places(day), json={}, headers=headers)
    again = client.post(
        places(day), json={}, headers={**staff("amy"), "Idempotency-Key": "amy-books-1"}
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["seq"] == first.json()["seq"] and again.json()["place"] == "seat"


def test_a_dietary_note_no_read_model_can_store_is_422_and_appends_nothing(
    client, day, nats, store
):
    """A lone surrogate, as JSON can carry it: accepted, it wedged every read model."""
    before = nats.run(store.last_seq())
    headers = {**staff("amy"), "Content-Type": "application/json"}
    answer = client.put(
        f"/days/{day['day_id']}/attendance",
        content=b'{"attending": true, "dietary": "vegan \\udfff"}',
        headers=headers,
    )
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["dietary"]
    assert nats.run(store.last_seq()) == before
    fine = {"attending": True, "dietary": "vegan,\nno nuts"}
    answer = client.put(f"/days/{day['day_id']}/attendance", json=fine, headers=staff("amy"))
    assert answer.status_code == 200


def test_text_longer_than_the_read_models_keep_is_a_422_naming_its_field(client, nats, store):
    """A day's year and a slot's time a character longer than their columns (7 and 5: a
    line break after them was let through): PostgreSQL would refuse the event, which the
    log keeps for good, and the projection would stop there."""
    before = nats.run(store.last_seq())
    year = client.post("/days", json=day_fields(academic_year="2026-27\n"), headers=manager())
    assert year.status_code == 422 and list(year.json()["fields"]) == ["academic_year"]
    for field in ("starts", "ends"):
        slot = {"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "10:00"}
        slot[field] += "\n"
        timed = client.post("/days", json=day_fields(slots=[slot]), headers=manager())
        assert timed.status_code == 422 and timed.json()["fields"] == {
            "slots": {"0": {field: ["Give a time as HH:MM."]}}
        }
    assert nats.run(store.last_seq()) == before
