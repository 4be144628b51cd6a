"""The networks' reactions (services/networks/reactions.py) with a running reactor on a
real log: a series schedules its occurrences once, a dated meeting gets its first agenda,
and a closure, a PD day or another meeting alerts the meetings it clashes with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from events import Event
from events.connection import NatsThread
from events.reactor import Reactor
from events.store import EventStore
from events.text import ID_LENGTH
from services.directory.events import TRUST_SUBJECT
from services.networks.events import meeting_subject, network_subject, series_subject
from services.networks.reactions import REACTIONS, SCHEDULE_SERIES
from services.trustdays.events import day_subject
from services.trustyear.events import school_subject, year_subject
from tests.support.networks_facts import network, person, two_sencos
from tests.support.reactor import running_reactor
from tests.support.trustdays import append
from tests.support.waiting import wait_until

MEETING_DAY = date(2027, 3, 9)  # a Tuesday, always ahead of the tests' clock


@pytest.fixture
def trust(nats: NatsThread, store: EventStore) -> Iterator[Reactor]:
    """Oak's and Ash's SENCOs in a SENCO network led by Fay, and the reactor running."""
    append(store, nats, TRUST_SUBJECT, *two_sencos(person("fay", None)))
    template = [{"title": "Welcome", "minutes": 5}, {"title": "Updates", "minutes": 20}]
    formed = network("sen", "SENCO network (SEN)", ["senco"], "fay", agenda_template=template)
    append(store, nats, network_subject("sen"), formed)
    with running_reactor(nats, store, REACTIONS) as reactor:
        yield reactor


def schedule(meeting_id: str, day: date, invitees: list[tuple[str, bool]], **more: Any) -> Event:
    data = {
        "meeting_id": meeting_id,
        "network_id": "sen",
        "title": "SENCO network",
        "organiser_id": "fay",
        "date": day,
        "starts": "16:00",
        "ends": "17:30",
        "invitees": [{"person_id": p, "required": r} for p, r in invitees],
        **more,
    }
    return Event("MeetingScheduled", data)


def events_of(nats: NatsThread, store: EventStore, meeting_id: str) -> list[Any]:
    events, _ = nats.run(store.load(store.subject(*meeting_subject(meeting_id))))
    return events


def clashes(nats: NatsThread, store: EventStore, meeting_id: str) -> list[str]:
    return [e.data["reason"] for e in events_of(nats, store, meeting_id) if e.type == "ClashFound"]


def appears(nats: NatsThread, store: EventStore, meeting_id: str, kind: str) -> bool:
    return wait_until(lambda: any(e.type == kind for e in events_of(nats, store, meeting_id)), 20)


def test_a_series_schedules_each_occurrence_once(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    occurrences = [{"meeting_id": f"s1-{n}", "date": date(2027, 3, 2 + 7 * n)} for n in (0, 1)]
    planned = {
        "series_id": "s1",
        "network_id": "sen",
        "title": "SENCO catch-up",
        "organiser_id": "fay",
        "every_weeks": 1,
        "weekday": 1,
        "starts": "16:00",
        "ends": "17:00",
        "first": date(2027, 3, 1),
        "last": date(2027, 3, 12),
        "venue": "Oak Primary",
        "join_link": "",
        "occurrences": occurrences,
        "skipped": [],
    }
    append(store, nats, series_subject("s1"), Event("SeriesPlanned", planned))
    assert appears(nats, store, "s1-1", "MeetingScheduled")
    (scheduled,) = [e for e in events_of(nats, store, "s1-0") if e.type == "MeetingScheduled"]
    assert scheduled.data["date"] == date(2027, 3, 2) and scheduled.data["series_id"] == "s1"
    invited = {(i["person_id"], i["required"]) for i in scheduled.data["invitees"]}
    assert invited == {("sal", True), ("sam", True), ("fay", True)}
    (series_event,), _ = nats.run(store.load(store.subject(*series_subject("s1"))))
    nats.run(trust.act(SCHEDULE_SERIES, series_event))  # delivered again: nothing new
    counted = Counter(e.type for e in events_of(nats, store, "s1-0"))
    assert counted["MeetingScheduled"] == 1


def test_a_dated_meeting_gets_the_template_and_earlier_open_actions(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    carried = "0190c2f0-0000-7000-8000-00000000a001"  # a whole UUID, as the service makes
    raised = {
        "meeting_id": "m0",
        "action_id": carried,
        "text": "Share the reading audit",
        "owner_id": "sal",
        "school_ids": ["oak"],
        "due": date(2027, 2, 1),
    }
    done = {**raised, "action_id": "a2", "text": "Book the hall"}
    closed = {"meeting_id": "m0", "action_id": "a2", "status": "done", "note": ""}
    earlier = (  # one message: the reactor seeds m0's agenda too, never in between
        schedule("m0", date(2027, 1, 12), [("sal", True)]),
        Event("ActionRaised", raised),
        Event("ActionRaised", done),
        Event("ActionUpdated", closed),
    )
    append(store, nats, meeting_subject("m0"), *earlier)
    append(store, nats, meeting_subject("m1"), schedule("m1", MEETING_DAY, [("sal", True)]))
    assert appears(nats, store, "m1", "AgendaSet")
    (agenda,) = [e for e in events_of(nats, store, "m1") if e.type == "AgendaSet"]
    assert [(i["title"], i["action_id"]) for i in agenda.data["items"]] == [
        ("Welcome", None),
        ("Updates", None),
        ("Action: Share the reading audit", carried),
    ]
    assert all(len(item["item_id"]) <= ID_LENGTH for item in agenda.data["items"])  # storable


def test_a_new_inset_day_alerts_the_meetings_of_its_staff(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    # m2 (Ash's SENCO) first: the reaction meets it before m1, so m1's alert means m2 was judged
    append(store, nats, meeting_subject("m2"), schedule("m2", MEETING_DAY, [("sam", True)]))
    append(store, nats, meeting_subject("m1"), schedule("m1", MEETING_DAY, [("sal", True)]))
    inset = {
        "school_id": "oak",
        "year_id": "2026-27",
        "closure_id": "c1",
        "kind": "inset",
        "starts": MEETING_DAY,
        "ends": MEETING_DAY,
        "label": "Training",
        "source": "page",
    }
    append(store, nats, school_subject("oak", "2026-27"), Event("ClosureAdded", inset))
    assert appears(nats, store, "m1", "ClashFound")
    assert clashes(nats, store, "m1") == ["INSET day at Oak Primary on Tue 9 March"]
    assert clashes(nats, store, "m2") == []


def test_a_school_moving_its_half_term_onto_the_date_alerts_the_meeting(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    append(store, nats, meeting_subject("m1"), schedule("m1", MEETING_DAY, [("sal", True)]))
    append(store, nats, meeting_subject("m2"), schedule("m2", MEETING_DAY, [("sam", True)]))
    spring = [
        {"term": 3, "name": "Spring 1", "starts": date(2027, 1, 5), "ends": date(2027, 2, 12)},
        {"term": 4, "name": "Spring 2", "starts": date(2027, 2, 22), "ends": date(2027, 3, 26)},
    ]
    year = {"year_id": "2026-27", "starts": date(2026, 9, 1), "ends": date(2027, 8, 31)}
    append(store, nats, year_subject("2026-27"), Event("YearSet", {**year, "terms": spring}))
    own = [{**spring[0], "ends": date(2027, 3, 5)}, {**spring[1], "starts": date(2027, 3, 15)}]
    terms = {"school_id": "oak", "year_id": "2026-27", "terms": own}
    append(store, nats, school_subject("oak", "2026-27"), Event("SchoolTermsSet", terms))
    assert appears(nats, store, "m1", "ClashFound")
    assert clashes(nats, store, "m1") == ["Half term at Oak Primary on Tue 9 March"]
    assert clashes(nats, store, "m2") == []  # judged first (the reaction meets m2 before m1)


def test_a_pd_day_on_the_date_alerts_the_meeting(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    append(store, nats, meeting_subject("m1"), schedule("m1", MEETING_DAY, [("sal", True)]))
    opens = datetime(2026, 9, 1, tzinfo=UTC)
    day = {
        "day_id": "d1",
        "date": MEETING_DAY,
        "academic_year": "2026-27",
        "term": 4,
        "title": "Spring PD day",
        "theme": "Reading",
        "venue": "Oak Primary",
        "opens": opens,
        "closes": opens,
        "slots": [],
    }
    append(store, nats, day_subject("d1"), Event("DayPlanned", day))
    assert appears(nats, store, "m1", "ClashFound")
    assert clashes(nats, store, "m1") == ["PD day on Tue 9 March: Spring PD day"]


def test_another_meeting_for_a_required_member_alerts_the_first(
    nats: NatsThread, store: EventStore, trust: Reactor
) -> None:
    append(
        store,
        nats,
        meeting_subject("m1"),
        schedule("m1", MEETING_DAY, [("sal", True), ("sam", False)]),
    )
    assert appears(nats, store, "m1", "AgendaSet")
    other = schedule("m2", MEETING_DAY, [("sam", True)], starts="17:00", ends="18:00")
    append(store, nats, meeting_subject("m2"), other)
    later = schedule("m3", MEETING_DAY, [("sal", True)], starts="17:00", ends="18:00")
    append(store, nats, meeting_subject("m3"), later)
    assert appears(nats, store, "m1", "ClashFound")
    assert clashes(nats, store, "m1") == ["SEN: 1 SENCO invited (Tue 9 March, 17:00 to 18:00)"]
    assert clashes(nats, store, "m3") == []  # its own warnings said so when it was booked
