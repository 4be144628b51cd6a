"""Planning a PD day through real HTTP: retiming and removing slots, online sessions and
external facilitators, the leader's rule, exemptions, copying a whole day, the API docs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.trustdays.events import slot_subject
from tests.support.people import join
from tests.support.trustdays import day_fields, manager, open_day, session_fields, staff, trustdays
from tests.support.waiting import wait_until


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    join(nats, store, "amy", "bob", "nia")
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


@pytest.fixture
def day(client):
    return open_day(client, sessions=2, capacity=1)


def shown(client: httpx.Client, day_id: str) -> dict:
    answer = client.get(f"/days/{day_id}", headers=manager())
    assert answer.status_code == 200, answer.text
    return answer.json()


def slot_path(day: dict, slot_id: str | None = None) -> str:
    return f"/days/{day['day_id']}/slots/{slot_id or day['slot_id']}"


def places(day: dict, n: int = 0) -> str:
    return f"{slot_path(day)}/sessions/{day['sessions'][n]}/places"


KEYNOTE = {"kind": "keynote", "title": "Belonging", "speaker": "Dr Ade Okafor"}


def test_a_slot_is_retimed_and_its_keynote_given_a_title_and_speaker(client, day):
    keynote_id = shown(client, day["day_id"])["slots"][0]["slot_id"]
    retimed = {**KEYNOTE, "starts": "08:45", "ends": "09:50"}
    answer = client.put(slot_path(day, keynote_id), json=retimed, headers=manager())
    assert answer.status_code == 200 and answer.json()["events"] == ["SlotChanged"]
    keynote = shown(client, day["day_id"])["slots"][0]
    assert {k: keynote[k] for k in retimed} == retimed
    clash = {"kind": "breakout", "title": "Breakout 1", "starts": "09:30", "ends": "11:00"}
    overlap = client.put(slot_path(day), json=clash, headers=manager())
    assert overlap.status_code == 422 and overlap.json()["error"] == "slots_overlap"
    seconds = {**clash, "starts": "10:15:00"}
    bad = client.put(slot_path(day), json=seconds, headers=manager())
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["starts"]
    nowhere = client.put(slot_path(day, "nosuch"), json=retimed, headers=manager())
    assert nowhere.status_code == 404
    teacher = client.put(slot_path(day, keynote_id), json=retimed, headers=staff("amy"))
    assert teacher.status_code == 403


def test_a_removed_slot_leaves_the_timetable_and_releases_its_places(client, day, nats, store):
    assert client.post(places(day), json={}, headers=staff("amy")).json()["place"] == "seat"
    assert client.post(places(day), json={}, headers=staff("bob")).json()["place"] == "waitlist"
    removed = client.request(
        "DELETE", slot_path(day), json={"reason": "A shorter day"}, headers=manager()
    )
    assert removed.status_code == 200 and removed.json()["events"] == ["SlotRemoved"]
    assert [s["kind"] for s in shown(client, day["day_id"])["slots"]] == ["keynote"]
    gone = client.post(places(day, 1), json={}, headers=staff("nia"))
    assert gone.status_code == 404
    slot = store.subject(*slot_subject(day["day_id"], day["slot_id"]))

    def released() -> list[tuple[Any, Any, Any]]:  # by the reaction to SlotRemoved
        events, _ = nats.run(store.load(slot))
        closing = [e for e in events if e.data.get("reason") in ("slot_removed", "A shorter day")]
        return [(e.type, e.data.get("person_id"), e.data.get("reason")) for e in closing]

    assert wait_until(lambda: bool(released()), 30)
    assert released() == [
        ("BookingCancelled", "amy", "slot_removed"),
        ("WaitlistLeft", "bob", "slot_removed"),
        ("SlotClosed", None, "A shorter day"),
    ]
    keynote_id = shown(client, day["day_id"])["slots"][0]["slot_id"]
    last = client.delete(slot_path(day, keynote_id), headers=manager())
    assert last.status_code == 409 and last.json()["error"] == "last_slot"


def online(**changes) -> dict:
    fields = {
        "mode": "online",
        "join_link": "https://meet.example.org/salt",
        "leader": {"person_id": None, "name": "Sam Guest", "bio": "Speech therapist, 20 years."},
    }
    return session_fields("Speech and language", **{**fields, **changes})


def test_an_online_session_needs_an_https_link_and_an_external_leader_a_bio(client, day):
    sessions = f"{slot_path(day)}/sessions"
    added = client.post(sessions, json=online(), headers=manager())
    assert added.status_code == 201, added.text
    breakout = shown(client, day["day_id"])["slots"][1]
    session = next(s for s in breakout["sessions"] if s["session_id"] == added.json()["id"])
    assert session["join_link"] == "https://meet.example.org/salt"
    assert session["leader"]["bio"] == "Speech therapist, 20 years."
    for wrong in ("", "http://meet.example.org/salt", "javascript:alert(1)", "meet.example.org"):
        refused = client.post(sessions, json=online(join_link=wrong), headers=manager())
        assert refused.status_code == 422 and list(refused.json()["fields"]) == ["join_link"]
    in_person = client.post(sessions, json=online(mode="in_person"), headers=manager())
    assert in_person.status_code == 422 and list(in_person.json()["fields"]) == ["join_link"]


def test_a_leader_takes_no_place_in_their_slot_nor_is_someone_placed_made_its_leader(client, day):
    session = f"{slot_path(day)}/sessions/{day['sessions'][0]}"
    nia_leads = session_fields("Session 1", 1, leader={"person_id": "nia", "name": "Nia"})
    assert client.put(session, json=nia_leads, headers=manager()).status_code == 200
    own_slot = client.post(places(day, 1), json={}, headers=staff("nia"))
    assert own_slot.status_code == 409 and own_slot.json()["error"] == "leads_in_this_slot"
    placed = client.post(
        places(day, 1).removesuffix("/places") + "/placements",
        json={"person_id": "nia"},
        headers=manager(),
    )
    assert placed.status_code == 409 and placed.json()["error"] == "leads_in_this_slot"
    assert client.post(places(day, 1), json={}, headers=staff("amy")).status_code == 201
    amy_leads = session_fields("Session 1", 1, leader={"person_id": "amy", "name": "Amy"})
    refused = client.put(session, json=amy_leads, headers=manager())
    assert refused.status_code == 409 and refused.json()["error"] == "leader_has_a_place"


def test_the_cpd_manager_excuses_someone_from_booking_a_day(client, day):
    exemption = f"/days/{day['day_id']}/exemptions"
    excused = client.put(
        f"{exemption}/amy", json={"exempt": True, "reason": "Part-time"}, headers=manager()
    )
    assert excused.status_code == 200 and excused.json()["events"] == ["ExemptionChanged"]
    again = client.put(
        f"{exemption}/amy", json={"exempt": True, "reason": "Part-time"}, headers=manager()
    )
    assert again.json()["events"] == []
    nobody = client.put(f"{exemption}/ghost", json={"exempt": True}, headers=manager())
    assert nobody.status_code == 422 and list(nobody.json()["fields"]) == ["person_id"]
    long = client.put(
        f"{exemption}/bob", json={"exempt": True, "reason": "x" * 201}, headers=manager()
    )
    assert long.status_code == 422 and list(long.json()["fields"]) == ["reason"]
    lifted = client.put(f"{exemption}/amy", json={"exempt": False}, headers=manager())
    assert lifted.status_code == 200 and lifted.json()["events"] == ["ExemptionChanged"]


COPY = {
    k: v
    for k, v in day_fields().items()
    if k in ("date", "academic_year", "term", "opens", "closes")
}


def test_a_whole_day_is_copied_once_per_key_as_a_draft_without_places(client, day):
    client.post(places(day), json={}, headers=staff("amy"))
    cancelled = f"{slot_path(day)}/sessions/{day['sessions'][1]}/cancel"
    assert client.post(cancelled, json={"reason": "Ill"}, headers=manager()).status_code == 200
    third = client.post(f"{slot_path(day)}/sessions", json=online(), headers=manager())
    assert third.status_code == 201
    keyed = {**manager(), "Idempotency-Key": "copy-autumn-1"}
    copied = client.post(
        f"/days/{day['day_id']}/copies", json={**COPY, "title": "Spring PD day"}, headers=keyed
    )
    assert copied.status_code == 201, copied.text
    again = client.post(
        f"/days/{day['day_id']}/copies",
        json={**COPY, "title": "Spring PD day"},
        headers={**manager(), "Idempotency-Key": "copy-autumn-1"},
    )
    assert again.json()["id"] == copied.json()["id"] and again.json()["events"] == []
    source, copy = shown(client, day["day_id"]), shown(client, copied.json()["id"])
    assert (copy["status"], copy["title"], copy["venue"]) == (
        "draft",
        "Spring PD day",
        source["venue"],
    )
    times = [(s["kind"], s["title"], s["starts"], s["ends"]) for s in copy["slots"]]
    assert times == [(s["kind"], s["title"], s["starts"], s["ends"]) for s in source["slots"]]
    assert not {s["slot_id"] for s in copy["slots"]} & {s["slot_id"] for s in source["slots"]}
    sessions = copy["slots"][1]["sessions"]
    assert sorted(s["title"] for s in sessions) == ["Session 1", "Speech and language"]
    assert all(s["booked"] == 0 for s in sessions)
    assert {s["session_id"] for s in sessions}.isdisjoint([*day["sessions"], third.json()["id"]])
    copied_online = next(s for s in sessions if s["mode"] == "online")
    assert copied_online["join_link"] == online()["join_link"]
    other = client.post(f"/days/{day['day_id']}/copies", json=COPY, headers=manager())
    assert other.status_code == 201 and other.json()["id"] != copied.json()["id"]
    backwards = {**COPY, "closes": COPY["opens"]}
    refused = client.post(f"/days/{day['day_id']}/copies", json=backwards, headers=manager())
    assert refused.status_code == 422 and refused.json()["error"] == "window_ends_before_it_opens"
    missing = client.post(f"/days/{day['day_id']}/copies", json={}, headers=manager())
    assert missing.status_code == 422 and set(missing.json()["fields"]) == set(COPY)


def test_the_api_docs_describe_the_timetable_and_its_time_zone(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    slots = schemas["NewDayIn"]["properties"]["slots"]
    assert "Europe/London" in slots["description"]
    slot = schemas["SlotIn"]["properties"]
    assert "Europe/London" in slot["starts"]["description"]
    assert {"kind", "title", "speaker", "starts", "ends"} <= set(slot)


def test_a_day_with_a_breakout_slot_still_empty_is_not_published(client):
    planned = client.post("/days", json=day_fields(), headers=manager())
    day_id = planned.json()["id"]
    answer = client.post(f"/days/{day_id}/publish", headers=manager())
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "breakout_without_sessions"
    assert shown(client, day_id)["status"] == "draft"
