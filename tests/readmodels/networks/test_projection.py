"""The networks' projection: given events in the log, when projected, then these rows. A
read model applied one message at a time equals a rebuild."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from sqlalchemy import JSON, select

from events import Event
from events.envelope import Batch
from events.projection import apply, rebuild, reset
from readmodels.networks.projection import network_projection
from readmodels.networks.tables import (
    network_action_schools,
    network_actions,
    network_agenda,
    network_answers,
    network_clashes,
    network_invitees,
    network_marks,
    network_meetings,
    network_minutes,
    network_nudges,
    network_options,
    network_people,
    network_posts,
    network_series,
    network_votes,
    networks,
    school_priorities,
)
from services.networks.events import plan_subject
from tests.support.network_reads import (
    form,
    network,
    on_meeting,
    on_series,
    poll,
    register,
    scheduled,
    series_planned,
)
from tests.support.trustdays import append


def rows(engine, table, *columns) -> list[tuple]:
    query = select(*(table.c[c] for c in columns)) if columns else select(table)
    with engine.connect() as connection:
        order = [c for c in query.selected_columns if not isinstance(c.type, JSON)]
        return [tuple(row) for row in connection.execute(query.order_by(*order))]


def meeting(engine, meeting_id: str):
    with engine.connect() as connection:
        query = select(network_meetings).where(network_meetings.c.meeting_id == meeting_id)
        return connection.execute(query).one()


def vote(
    person_id: str, recorded_by: str | None = None, comment: str = "", meeting_id="m1", **answers
) -> Event:
    data = {"meeting_id": meeting_id, "person_id": person_id, "answers": answers}
    data["comment"] = comment
    return Event("VoteCast", {**data, "recorded_by": recorded_by or person_id})


def test_a_network_its_member_rules_and_its_closing(nats, store, engine):
    form(nats, store, network("n1", member_posts=["senco", "maths_lead"], member_ids=["ceo"]))
    changed = network("n1", name="SENCOs", member_posts=["senco"], member_ids=["bea", "cal"])
    append(store, nats, ("networks", "network", "n1"), Event("NetworkUpdated", changed))
    nats.run(rebuild(store, engine, network_projection))
    assert rows(engine, network_posts) == [("n1", "senco")]
    assert rows(engine, network_people) == [("n1", "bea"), ("n1", "cal")]
    (row,) = rows(engine, networks, "name", "cadence_rule", "cadence_count", "status")
    assert row == ("SENCOs", "per_term", 1, "open")

    closing = Event("NetworkClosed", {"network_id": "n1", "reason": "Merged"})
    append(store, nats, ("networks", "network", "n1"), closing)
    nats.run(rebuild(store, engine, network_projection))
    assert rows(engine, networks, "status", "closed_reason") == [("closed", "Merged")]


def test_a_poll_its_votes_nudges_and_closing(nats, store, engine):
    form(nats, store, network("n1"))
    on_meeting(nats, store, "m1", poll("m1", "n1", {"amy": True, "bob": True, "cy": False}))
    on_meeting(nats, store, "m1", vote("amy", o1="yes", o2="no", comment="Tuesdays suit"))
    on_meeting(nats, store, "m1", vote("amy", o1="if_need_be"))  # replaces the first
    nudge = {"meeting_id": "m1", "person_ids": ["bob", "cy"], "by_id": "sil"}
    on_meeting(nats, store, "m1", Event("VotersNudged", nudge))
    on_meeting(nats, store, "m1", Event("VotersNudged", {**nudge, "person_ids": ["bob"]}))
    nats.run(rebuild(store, engine, network_projection))

    polled = meeting(engine, "m1")
    assert (polled.status, polled.polled, polled.date, polled.dated) == (
        "polling",
        True,
        None,
        False,
    )
    assert rows(engine, network_options, "option_id", "position", "date") == [
        ("o1", 0, date(2026, 10, 6)),
        ("o2", 1, date(2026, 10, 8)),
    ]
    assert rows(engine, network_invitees, "person_id", "required") == [
        ("amy", True), ("bob", True), ("cy", False)
    ]  # fmt: skip
    assert rows(engine, network_answers, "person_id", "option_id", "answer") == [
        ("amy", "o1", "if_need_be")
    ]
    assert rows(engine, network_votes, "person_id", "comment", "recorded_by") == [
        ("amy", "", "amy")
    ]
    assert rows(engine, network_nudges, "person_id", "times") == [("bob", 2), ("cy", 1)]

    on_meeting(
        nats,
        store,
        "m1",
        vote("bob", recorded_by="head", o1="yes", o2="yes"),
        Event("PollClosed", {"meeting_id": "m1", "reason": "all_answered"}),
    )
    nats.run(rebuild(store, engine, network_projection))
    closed = meeting(engine, "m1")
    assert (closed.status, closed.close_reason) == ("poll_closed", "all_answered")
    assert ("bob", "", "head") in rows(engine, network_votes, "person_id", "comment", "recorded_by")


def test_confirmed_moved_and_cancelled_raise_the_sequence_a_calendar_sees(nats, store, engine):
    form(nats, store, network("n1"))
    on_meeting(nats, store, "m1", poll("m1", "n1", {"amy": True}))
    timed = {"meeting_id": "m1", "date": date(2026, 10, 8), "starts": "15:45", "ends": "17:15"}
    confirmed = {
        **timed,
        "option_id": "o2",
        "venue": "Oak Primary",
        "join_link": "",
        "warnings": [],
    }
    on_meeting(nats, store, "m1", Event("MeetingConfirmed", confirmed))
    nats.run(rebuild(store, engine, network_projection))
    first = meeting(engine, "m1")
    assert (first.status, first.sequence, first.dated, first.minutes) == ("confirmed", 0, True, 90)
    assert (first.option_id, first.venue, first.starts) == ("o2", "Oak Primary", "15:45")

    moved = {**timed, "date": date(2026, 10, 13), "reason": "INSET", "warnings": ["PD day"]}
    on_meeting(nats, store, "m1", Event("MeetingMoved", {**moved, "venue": "Hub"}))
    nats.run(rebuild(store, engine, network_projection))
    second = meeting(engine, "m1")
    assert (second.date, second.sequence, second.reason) == (date(2026, 10, 13), 1, "INSET")
    assert second.warnings == ["PD day"] and second.timed_seq > first.timed_seq
    assert second.changed_at > first.changed_at

    on_meeting(nats, store, "m1", Event("MeetingCancelled", {"meeting_id": "m1", "reason": "Ill"}))
    nats.run(rebuild(store, engine, network_projection))
    third = meeting(engine, "m1")
    assert (third.status, third.sequence, third.reason) == ("cancelled", 2, "Ill")


def test_a_poll_cancelled_before_it_had_a_date_keeps_sequence_0(nats, store, engine):
    form(nats, store, network("n1"))
    on_meeting(nats, store, "m1", poll("m1", "n1", {"amy": True}))
    on_meeting(nats, store, "m1", Event("MeetingCancelled", {"meeting_id": "m1", "reason": "No"}))
    nats.run(rebuild(store, engine, network_projection))
    row = meeting(engine, "m1")
    assert (row.status, row.sequence, row.dated) == ("cancelled", 0, False)


def test_agenda_minutes_actions_register_and_clashes(nats, store, engine):
    form(nats, store, network("n1"))
    on_meeting(nats, store, "m1", scheduled("m1", "n1", date(2026, 10, 6), ("amy", "bob")))
    item = {"item_id": "i1", "title": "Welcome", "owner_id": None, "minutes": 5, "action_id": None}
    on_meeting(
        nats,
        store,
        "m1",
        Event("AgendaSet", {"meeting_id": "m1", "items": [item, {**item, "item_id": "i2"}]}),
        Event("AgendaSet", {"meeting_id": "m1", "items": [{**item, "title": "Hello"}]}),
        Event("MinutesRecorded", {"meeting_id": "m1", "text": "Draft"}),
        Event("MinutesRecorded", {"meeting_id": "m1", "text": "Final"}),
    )
    action = {
        "meeting_id": "m1",
        "action_id": "a1",
        "text": "Share the maths audit",
        "owner_id": "amy",
        "school_ids": ["oak", "ash", "oak"],
        "due": date(2026, 11, 1),
        "priority_id": "p1",
    }
    on_meeting(nats, store, "m1", Event("ActionRaised", action))
    update = {"meeting_id": "m1", "action_id": "a1", "status": "done", "note": "Shared"}
    on_meeting(nats, store, "m1", Event("ActionUpdated", update))
    on_meeting(nats, store, "m1", register("m1", amy=("oak", "present"), bob=("ash", "absent")))
    on_meeting(nats, store, "m1", register("m1", amy=("oak", "present"), bob=("ash", "apologies")))
    clash = {"meeting_id": "m1", "reason": "INSET day at Oak Primary"}
    on_meeting(nats, store, "m1", Event("ClashFound", clash), Event("ClashFound", clash))
    nats.run(rebuild(store, engine, network_projection))

    assert rows(engine, network_agenda, "item_id", "title", "position") == [("i1", "Hello", 0)]
    assert rows(engine, network_minutes, "text") == [("Final",)]
    assert rows(engine, network_actions, "network_id", "status", "note", "priority_id") == [
        ("n1", "done", "Shared", "p1")
    ]
    assert rows(engine, network_action_schools) == [("a1", "ash"), ("a1", "oak")]
    assert rows(engine, network_marks, "person_id", "school_id", "mark") == [
        ("amy", "oak", "present"), ("bob", "ash", "apologies")
    ]  # fmt: skip
    assert [r[1:] for r in rows(engine, network_clashes, "seq", "position", "reason")] == [
        (0, "INSET day at Oak Primary"), (1, "INSET day at Oak Primary")
    ]  # fmt: skip
    row = meeting(engine, "m1")
    assert row.status == "confirmed" and not row.polled and row.minutes == 90
    assert row.version == max(r[0] for r in rows(engine, network_clashes, "seq"))


def test_series_and_priorities(nats, store, engine):
    half_term = [{"date": date(2026, 10, 27), "reason": "Half term"}]
    series = series_planned("s1", "n1", {"x1": date(2026, 9, 8)}, skipped=half_term)
    on_series(nats, store, "s1", series)
    on_series(nats, store, "s1", Event("SeriesEnded", {"series_id": "s1", "reason": "Done"}))
    plan = {"school_id": "oak", "year_id": "2026-27"}
    first = [{"priority_id": "p1", "title": "Reading"}, {"priority_id": "p2", "title": "Maths"}]
    append(store, nats, plan_subject("oak"), Event("PrioritiesSet", {**plan, "priorities": first}))
    again = [{"priority_id": "p2", "title": "Maths fluency"}]
    append(store, nats, plan_subject("oak"), Event("PrioritiesSet", {**plan, "priorities": again}))
    nats.run(rebuild(store, engine, network_projection))
    with engine.connect() as connection:
        row = connection.execute(select(network_series)).one()
    assert (row.status, row.end_reason, row.weekday) == ("ended", "Done", 1)
    assert row.occurrences == [{"meeting_id": "x1", "date": "2026-09-08"}]
    assert row.skipped == [{"date": "2026-10-27", "reason": "Half term"}]
    assert rows(engine, school_priorities, "priority_id", "title") == [("p2", "Maths fluency")]


def test_applied_one_message_at_a_time_equals_a_rebuild(nats, store, engine):
    test_agenda_minutes_actions_register_and_clashes(nats, store, engine)
    on_meeting(nats, store, "m2", poll("m2", "n1", {"amy": True}))
    on_meeting(nats, store, "m2", vote("amy", meeting_id="m2", o1="yes"))
    nats.run(rebuild(store, engine, network_projection))
    rebuilt = {t.name: rows(engine, t) for t in network_projection.tables}

    async def read():
        return [event async for batch in store.read(1) for event in batch.events]

    reset(engine, network_projection)
    events = nats.run(read())
    for _, message in groupby(events, key=lambda event: event.seq):
        apply(engine, network_projection, Batch.of(list(message)))
    assert {t.name: rows(engine, t) for t in network_projection.tables} == rebuilt
