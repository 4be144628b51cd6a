"""The networks' API through real HTTP: forming a network, a poll voted on, closed and
confirmed once, a meeting's actions, and the rules' answers (403, 404, 409, 422)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from services.networks.events import meeting_subject
from tests.support.networks_service import (
    SIL,
    head,
    lead,
    member,
    network_fields,
    networks,
    poll_fields,
    trust,
    weekday_ahead,
)

SCHOOLS = {"oak": [("amy", "senco"), ("hal", "headteacher")], "ash": [("ben", "senco")]}


@pytest.fixture
def client(nats, nats_server, store, stream_settings):
    trust(nats, store, SCHOOLS)
    with networks(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        yield c


@pytest.fixture
def network(client) -> str:
    formed = client.post("/networks", json=network_fields(), headers=lead())
    assert formed.status_code == 201, formed.text
    return formed.json()["id"]


def open_poll(client, network: str, **changes) -> tuple[str, list[str]]:
    opened = client.post(f"/networks/{network}/polls", json=poll_fields(**changes), headers=lead())
    assert opened.status_code == 201, opened.text
    meeting = opened.json()["id"]
    return meeting, options_of(client, meeting)


def options_of(client, meeting: str) -> list[str]:
    found = client.get(f"/meetings/{meeting}/poll", headers=lead()).json()
    return [o["option_id"] for o in found["options"]]


def test_network_leaders_form_networks_and_others_may_not(client):
    refused = client.post("/networks", json=network_fields(), headers=member("amy"))
    assert refused.status_code == 403
    bad = client.post("/networks", json=network_fields(kind="club", minutes=0), headers=lead())
    assert bad.status_code == 422 and {"kind", "minutes"} <= set(bad.json()["fields"])
    stranger = client.post("/networks", json=network_fields(facilitator_id="zed"), headers=lead())
    assert stranger.status_code == 422 and set(stranger.json()["fields"]) == {"facilitator_id"}
    posts = network_fields(member_posts=["juggler"])
    assert client.post("/networks", json=posts, headers=lead()).status_code == 422


def test_a_poll_invites_the_members_and_closes_with_the_last_required_answer(client, network):
    meeting, (first, second) = open_poll(client, network)
    poll = client.get(f"/meetings/{meeting}/poll", headers=lead()).json()
    assert sorted(i["person_id"] for i in poll["invitees"]) == ["amy", "ben", SIL]
    answers = {first: "yes", second: "if_need_be"}
    for person in ("amy", "ben"):
        voted = client.post(
            f"/meetings/{meeting}/votes", json={"answers": answers}, headers=member(person)
        )
        assert voted.json()["events"] == ["VoteCast"]
    last = client.post(f"/meetings/{meeting}/votes", json={"answers": answers}, headers=lead())
    assert last.json()["events"] == ["VoteCast", "PollClosed"]
    late = client.post(
        f"/meetings/{meeting}/votes", json={"answers": answers}, headers=member("amy")
    )
    assert late.status_code == 409 and late.json()["error"] == "poll_closed"


def test_a_meeting_is_confirmed_once_and_the_second_organiser_is_told(client, network):
    meeting, (first, second) = open_poll(client, network)
    unknown = client.post(f"/meetings/{meeting}/confirm", json={"option_id": "z"}, headers=lead())
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_option"
    confirmed = client.post(
        f"/meetings/{meeting}/confirm", json={"option_id": first}, headers=lead()
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["events"] == ["PollClosed", "MeetingConfirmed"]
    assert isinstance(confirmed.json()["warnings"], list)
    other = lead("ceo-1")
    again = client.post(f"/meetings/{meeting}/confirm", json={"option_id": second}, headers=other)
    assert again.status_code == 409 and again.json()["error"] == "already_confirmed"


def test_only_an_invitee_or_the_head_of_their_school_answers(client, network):
    meeting, (first, _) = open_poll(client, network)
    vote = {"person_id": "amy", "answers": {first: "yes"}}
    by_her_head = client.post(f"/meetings/{meeting}/votes", json=vote, headers=head("hal", "oak"))
    assert by_her_head.status_code == 200
    other_head = head("hugo", "ash")
    assert (
        client.post(f"/meetings/{meeting}/votes", json=vote, headers=other_head).status_code == 403
    )
    by_ben = client.post(f"/meetings/{meeting}/votes", json=vote, headers=member("ben", "ash"))
    assert by_ben.status_code == 403
    stranger = client.post(
        f"/meetings/{meeting}/votes", json={"answers": {first: "yes"}}, headers=member("zed")
    )
    assert stranger.status_code == 403 and stranger.json()["error"] == "not_invited"
    bad = client.post(
        f"/meetings/{meeting}/votes", json={"answers": {first: "maybe"}}, headers=member("amy")
    )
    assert bad.status_code == 422 and "answers" in bad.json()["fields"]


def test_a_booked_meeting_s_actions_are_raised_and_changed_by_their_owner(client, network):
    day = weekday_ahead(40).isoformat()
    booking = {"title": "Extra", "date": day, "starts": "16:00", "ends": "17:00"}
    booked = client.post(f"/networks/{network}/meetings", json=booking, headers=lead())
    assert booked.status_code == 201 and booked.json()["events"] == ["MeetingScheduled"]
    meeting = booked.json()["id"]
    action = {"text": "Share the audit", "owner_id": "amy", "school_ids": ["oak"], "due": day}
    raised = client.post(f"/meetings/{meeting}/actions", json=action, headers=lead())
    assert raised.status_code == 201
    path = f"/meetings/{meeting}/actions/{raised.json()['id']}"
    done = {"status": "done", "note": "Shared"}
    assert client.put(path, json=done, headers=member("ben", "ash")).status_code == 403
    assert client.put(path, json=done, headers=member("amy")).json()["events"] == ["ActionUpdated"]
    register = {"marks": [{"person_id": "amy", "mark": "present"}]}
    early = client.put(f"/meetings/{meeting}/register", json=register, headers=lead())
    assert early.status_code == 409 and early.json()["error"] == "not_yet_held"
    by_member = client.put(f"/meetings/{meeting}/register", json=register, headers=member("amy"))
    assert by_member.status_code == 403


def test_a_private_network_does_not_exist_for_others(client):
    pair = network_fields(
        name="CEO and Hal", kind="one_to_one", member_posts=[], member_ids=["hal"], private=True
    )
    formed = client.post("/networks", json=pair, headers=lead())
    assert formed.status_code == 201, formed.text
    network = formed.json()["id"]
    meeting, _ = open_poll(client, network, invitees=[{"person_id": "hal", "required": True}])
    booking = {
        "title": "x",
        "date": weekday_ahead(9).isoformat(),
        "starts": "09:00",
        "ends": "10:00",
    }
    other_lead = lead("other-lead")
    refused = client.post(f"/networks/{network}/meetings", json=booking, headers=other_lead)
    assert refused.status_code == 404
    assert client.post(f"/meetings/{meeting}/close", headers=other_lead).status_code == 404
    assert client.post(f"/meetings/{meeting}/close", headers=lead()).status_code == 200


def test_bad_input_is_a_422_naming_its_fields_and_unknown_things_404(client, network):
    no_options = client.post(
        f"/networks/{network}/polls", json=poll_fields(options=[]), headers=lead()
    )
    assert no_options.status_code == 422 and "options" in no_options.json()["fields"]
    late = poll_fields(deadline=f"{weekday_ahead(60).isoformat()}T17:00")
    answer = client.post(f"/networks/{network}/polls", json=late, headers=lead())
    assert answer.status_code == 422 and answer.json()["error"] == "deadline_after_a_date"
    assert client.post("/meetings/nope/close", headers=lead()).status_code == 404
    assert (
        client.post("/networks/nope/polls", json=poll_fields(), headers=lead()).status_code == 404
    )
    link = poll_fields(join_link="http://insecure.example")
    assert client.post(f"/networks/{network}/polls", json=link, headers=lead()).status_code == 422


def test_an_action_links_to_a_priority_of_its_school_s_plan(client, network):
    plan = {"priorities": [{"priority_id": "reading", "title": "Reading for pleasure"}]}
    set_plan = client.put("/plans/oak/2026-27", json=plan, headers=head("hal", "oak"))
    assert set_plan.status_code == 200, set_plan.text
    day = weekday_ahead(40).isoformat()
    booking = {"title": "Extra", "date": day, "starts": "16:00", "ends": "17:00"}
    meeting = client.post(f"/networks/{network}/meetings", json=booking, headers=lead()).json()
    path = f"/meetings/{meeting['id']}/actions"
    action = {"text": "Audit", "owner_id": "amy", "due": day, "priority_id": "reading"}
    other_school = client.post(path, json={**action, "school_ids": ["ash"]}, headers=lead())
    assert other_school.status_code == 422 and "priority_id" in other_school.json()["fields"]
    linked = client.post(path, json={**action, "school_ids": ["oak"]}, headers=lead())
    assert linked.status_code == 201, linked.text


def test_a_closed_network_holds_no_more_meetings(client, network):
    closed = client.post(f"/networks/{network}/close", json={"reason": "Merged"}, headers=lead())
    assert closed.status_code == 200
    again = client.post(f"/networks/{network}/polls", json=poll_fields(), headers=lead())
    assert again.status_code == 409 and again.json()["error"] == "network_closed"
    renamed = client.put(f"/networks/{network}", json=network_fields(), headers=lead())
    assert renamed.status_code == 409 and renamed.json()["error"] == "network_closed"


def test_a_series_is_previewed_then_planned_with_the_same_dates(client, network):
    first = weekday_ahead(14)
    query = {"first": first.isoformat(), "last": (first + timedelta(weeks=8)).isoformat()}
    query["weekday"] = str(first.weekday())
    preview = client.get(f"/networks/{network}/series-dates", params=query, headers=lead())
    assert preview.status_code == 200, preview.text
    for odd in ("\u0661", "\u00b2", "9" * 5_000):  # an Arabic-Indic one: int() reads it
        odd_query = {**query, "weekday": odd}
        asked = client.get(f"/networks/{network}/series-dates", params=odd_query, headers=lead())
        assert asked.status_code == 422 and "weekday" in asked.json()["fields"], odd
    dates = preview.json()["occurrences"]
    assert (
        dates and dates[0] == first.isoformat() and len(dates) + len(preview.json()["skipped"]) == 5
    )
    series = {"title": "Fortnightly", "starts": "09:00", "ends": "10:00", **query}
    series["weekday"] = first.weekday()
    planned = client.post(f"/networks/{network}/series", json=series, headers=lead())
    assert planned.status_code == 201 and planned.json()["events"] == ["SeriesPlanned"]
    ended = client.post(
        f"/series/{planned.json()['id']}/end", json={"reason": "New year"}, headers=lead()
    )
    assert ended.json()["events"] == ["SeriesEnded"]
    past = {**series, "first": (first - timedelta(days=30)).isoformat()}
    refused = client.post(f"/networks/{network}/series", json=past, headers=lead())
    assert refused.status_code == 422 and "first" in refused.json()["fields"]


def test_a_retried_poll_with_its_key_opens_one_meeting(client, network, nats, store):
    headers = {**lead(), "Idempotency-Key": "open-the-autumn-poll"}
    first = client.post(f"/networks/{network}/polls", json=poll_fields(), headers=headers)
    again = client.post(f"/networks/{network}/polls", json=poll_fields(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["seq"] == again.json()["seq"]
    assert again.json()["events"] == []  # the log already had it: nothing appended twice
    events, _ = nats.run(store.load(store.subject(*meeting_subject(first.json()["id"]))))
    assert [e.type for e in events] == ["PollOpened"]


def test_a_head_s_answer_for_a_colleague_records_who_gave_it(client, network, nats, store):
    meeting, (first, _) = open_poll(client, network)
    vote = {"person_id": "amy", "answers": {first: "no"}, "comment": "Amy is away this week"}
    client.post(f"/meetings/{meeting}/votes", json=vote, headers=head("hal", "oak"))
    events, _ = nats.run(store.load(store.subject(*meeting_subject(meeting))))
    cast = events[-1].data
    assert (cast["person_id"], cast["recorded_by"], cast["answers"]) == (
        "amy",
        "hal",
        {first: "no"},
    )


def test_a_confirmed_meeting_moves_with_its_warnings_and_once_cancelled_stays_so(client, network):
    meeting, (first, _) = open_poll(client, network)
    both = {"option_id": first, "date": weekday_ahead(31).isoformat()}
    mixed = client.post(f"/meetings/{meeting}/confirm", json=both, headers=lead())
    assert mixed.status_code == 422 and "option_id" in mixed.json()["fields"]
    client.post(f"/meetings/{meeting}/confirm", json={"option_id": first}, headers=lead())
    later = weekday_ahead(45).isoformat()
    move = {"date": later, "starts": "15:30", "ends": "17:00", "reason": "Parents' evening"}
    moved = client.post(f"/meetings/{meeting}/move", json=move, headers=lead())
    assert moved.json()["events"] == ["MeetingMoved"] and isinstance(moved.json()["warnings"], list)
    cancelled = client.post(f"/meetings/{meeting}/cancel", json={"reason": "Snow"}, headers=lead())
    assert cancelled.json()["events"] == ["MeetingCancelled"]
    again = client.post(f"/meetings/{meeting}/move", json=move, headers=lead())
    assert again.status_code == 409 and again.json()["error"] == "meeting_cancelled"


def test_a_meeting_booked_on_a_saturday_is_booked_with_its_warning(client, network):
    saturday = weekday_ahead(20)
    saturday += timedelta(days=5 - saturday.weekday())
    booking = {
        "title": "Catch-up",
        "date": saturday.isoformat(),
        "starts": "10:00",
        "ends": "11:00",
    }
    booked = client.post(f"/networks/{network}/meetings", json=booking, headers=lead())
    assert booked.status_code == 201 and "Weekend" in booked.json()["warnings"]


def test_text_longer_than_the_read_models_keep_is_a_422_naming_its_field(
    client, network, nats, store
):
    """A plan's year (its path's) and a meeting's times a character longer than their
    columns (7 and 5: a line break after "17:00" was let through): PostgreSQL would refuse
    the event, which the log keeps for good, and the projection would stop there."""
    before = nats.run(store.last_seq())
    plan = {"priorities": [{"title": "Reading for pleasure"}]}
    year = client.put("/plans/oak/2026-027", json=plan, headers=head("hal", "oak"))
    assert year.status_code == 422 and list(year.json()["fields"]) == ["year_id"]
    day = weekday_ahead(40).isoformat()
    for field in ("starts", "ends"):
        booking = {"title": "Extra", "date": day, "starts": "16:00", "ends": "17:00"}
        booking[field] += "\n"
        timed = client.post(f"/networks/{network}/meetings", json=booking, headers=lead())
        assert timed.status_code == 422 and list(timed.json()["fields"]) == [field]
    assert nats.run(store.last_seq()) == before
