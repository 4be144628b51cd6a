"""The networks' foreign facts (services/networks/facts.py) folded from a real log: the
directory's people, schools and posts, the trust year, PD days and the networks' own
networks and meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from events import Event
from events.connection import NatsThread
from events.store import EventStore
from services.directory.events import TRUST_SUBJECT
from services.networks.events import meeting_subject, network_subject
from services.networks.facts import Facts, FactsReader, short_label
from services.trustdays.events import day_subject
from services.trustyear.events import school_subject, year_subject
from tests.support.networks_facts import network, person, post, two_sencos
from tests.support.trustdays import append

YEAR_ID = "2026-27"
TERMS = [
    {"term": 1, "name": "Autumn 1", "starts": date(2026, 9, 3), "ends": date(2026, 10, 23)},
    {"term": 2, "name": "Autumn 2", "starts": date(2026, 11, 2), "ends": date(2026, 12, 18)},
    {"term": 3, "name": "Spring 1", "starts": date(2027, 1, 5), "ends": date(2027, 2, 12)},
]


@pytest.fixture
def trust(nats: NatsThread, store: EventStore) -> FactsReader:
    """Two schools, two SENCOs, a maths lead and a facilitator; a SENCO network."""
    more = (person("mo", "oak"), person("fay", None), post("PostTaken", "mo", "maths_lead", "oak"))
    append(store, nats, TRUST_SUBJECT, *two_sencos(*more))
    append(
        store, nats, network_subject("sen"), network("sen", "SENCO network (SEN)", ["senco"], "fay")
    )
    return FactsReader()


def facts(nats: NatsThread, store: EventStore, reader: FactsReader) -> Facts:
    return nats.run(reader(store))


def test_members_follow_the_posts(nats: NatsThread, store: EventStore, trust: FactsReader) -> None:
    assert facts(nats, store, trust).member_ids("sen") == ["sal", "sam", "fay"]
    append(
        store,
        nats,
        TRUST_SUBJECT,
        post("PostLeft", "sam", "senco", "ash"),
        post("PostTaken", "mo", "senco", "oak"),
    )
    now = facts(nats, store, trust)
    assert now.member_ids("sen") == ["mo", "sal", "fay"]
    assert [(i.person_id, i.school_id, i.noun) for i in now.members_of("sen")] == [
        ("mo", "oak", "SENCO"),
        ("sal", "oak", "SENCO"),
        ("fay", None, "person"),
    ]
    append(store, nats, TRUST_SUBJECT, Event("PersonLeft", {"person_id": "sal"}))
    assert facts(nats, store, trust).member_ids("sen") == ["mo", "fay"]
    assert facts(nats, store, trust).member_ids("nothing") == []


def test_named_members_come_once(nats: NatsThread, store: EventStore, trust: FactsReader) -> None:
    updated = network("sen", "SENCO network", ["senco"], "fay", member_ids=["mo", "sal"])
    append(store, nats, network_subject("sen"), Event("NetworkUpdated", updated.data))
    assert facts(nats, store, trust).member_ids("sen") == ["sal", "sam", "mo", "fay"]


def test_the_trust_year_shuts_schools(
    nats: NatsThread, store: EventStore, trust: FactsReader
) -> None:
    year = {"year_id": YEAR_ID, "starts": date(2026, 9, 1), "ends": date(2027, 8, 31)}
    append(store, nats, year_subject(YEAR_ID), Event("YearSet", {**year, "terms": TERMS}))
    inset = {
        "school_id": "oak",
        "year_id": YEAR_ID,
        "closure_id": "c1",
        "kind": "inset",
        "starts": date(2026, 11, 16),
        "ends": date(2026, 11, 16),
        "label": "Staff training",
        "source": "page",
    }
    append(store, nats, school_subject("oak", YEAR_ID), Event("ClosureAdded", inset))
    ash_terms = [
        {**TERMS[0], "ends": date(2026, 10, 30)},
        {**TERMS[1], "starts": date(2026, 11, 9)},
    ]
    own = {"school_id": "ash", "year_id": YEAR_ID, "terms": ash_terms}
    append(store, nats, school_subject("ash", YEAR_ID), Event("SchoolTermsSet", own))
    calendar = facts(nats, store, trust).calendar(date(2026, 10, 1), date(2026, 11, 30))
    assert calendar.year is not None and calendar.year.year_id == YEAR_ID
    assert calendar.closed["oak"][date(2026, 11, 16)] == "INSET day"
    assert calendar.closed["oak"][date(2026, 10, 26)] == "Half term"
    assert date(2026, 10, 26) not in calendar.closed["ash"]
    assert calendar.closed["ash"][date(2026, 11, 2)] == "Half term"
    assert calendar.bank_holidays == {}
    removed = {"school_id": "oak", "year_id": YEAR_ID, "closure_id": "c1"}
    append(store, nats, school_subject("oak", YEAR_ID), Event("ClosureRemoved", removed))
    calendar = facts(nats, store, trust).calendar(date(2026, 10, 1), date(2026, 11, 30))
    assert date(2026, 11, 16) not in calendar.closed["oak"]


def pd_day(day_id: str, day: date) -> dict[str, Any]:
    opens = datetime(2026, 9, 1, tzinfo=UTC)
    return {
        "day_id": day_id,
        "date": day,
        "academic_year": YEAR_ID,
        "term": 2,
        "title": "Autumn PD day",
        "theme": "Reading",
        "venue": "Oak Primary",
        "opens": opens,
        "closes": opens,
    }


def test_pd_days_follow_the_trust_days(
    nats: NatsThread, store: EventStore, trust: FactsReader
) -> None:
    append(
        store,
        nats,
        day_subject("d1"),
        Event("DayPlanned", {**pd_day("d1", date(2026, 11, 20)), "slots": []}),
    )
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    assert facts(nats, store, trust).calendar(first, last).pd_days == {
        date(2026, 11, 20): "Autumn PD day"
    }
    append(store, nats, day_subject("d1"), Event("DayUpdated", pd_day("d1", date(2026, 11, 27))))
    assert list(facts(nats, store, trust).calendar(first, last).pd_days) == [date(2026, 11, 27)]
    append(
        store, nats, day_subject("d1"), Event("DayCancelled", {"day_id": "d1", "reason": "Snow"})
    )
    assert facts(nats, store, trust).calendar(first, last).pd_days == {}


def poll(meeting_id: str) -> Event:
    option = {"option_id": "o1", "date": date(2026, 11, 10), "starts": "16:00", "ends": "17:30"}
    return Event(
        "PollOpened",
        {
            "meeting_id": meeting_id,
            "network_id": "sen",
            "title": "SENCO network",
            "organiser_id": "fay",
            "minutes": 90,
            "options": [option],
            "invitees": [
                {"person_id": "sal", "required": True},
                {"person_id": "sam", "required": False},
            ],
            "deadline": datetime(2026, 11, 1, 17, 0),
        },
    )


def when(meeting_id: str, day: date, **more: Any) -> dict[str, Any]:
    return {"meeting_id": meeting_id, "date": day, "starts": "16:00", "ends": "17:30", **more}


def test_the_networks_own_meetings_are_bookings(
    nats: NatsThread, store: EventStore, trust: FactsReader
) -> None:
    append(store, nats, meeting_subject("m1"), poll("m1"))
    now = facts(nats, store, trust)
    assert now.meetings["m1"].status == "polling" and now.bookings() == []
    assert [(i.person_id, i.required) for i in now.invitees_of("m1")] == [
        ("sal", True),
        ("sam", False),
    ]
    confirmed = when("m1", date(2026, 11, 10), option_id="o1")
    append(store, nats, meeting_subject("m1"), Event("MeetingConfirmed", confirmed))
    (booking,) = facts(nats, store, trust).bookings()
    assert (booking.label, booking.date, booking.people) == (
        "SEN",
        date(2026, 11, 10),
        {"sal", "sam"},
    )
    moved = when("m1", date(2026, 11, 12), reason="Clash")
    append(store, nats, meeting_subject("m1"), Event("MeetingMoved", moved))
    now = facts(nats, store, trust)
    assert now.held("sen", date(2026, 9, 1), date(2027, 8, 31)) == [date(2026, 11, 12)]
    assert now.held("sen", date(2026, 9, 1), date(2027, 8, 31), skip="m1") == []
    append(
        store,
        nats,
        meeting_subject("m1"),
        Event("MeetingCancelled", {"meeting_id": "m1", "reason": "No"}),
    )
    assert facts(nats, store, trust).bookings() == []


def test_a_short_label_is_the_name_in_brackets() -> None:
    assert short_label("Executive leadership group (ELG)") == "ELG"
    assert short_label("Maths network") == "Maths network"


def test_a_reaction_sees_the_facts_as_of_its_event(
    nats: NatsThread, store: EventStore, trust: FactsReader
) -> None:
    """However late a reactor gets to an event, and when it meets it again, it decides on
    what the log held then: a later post changes nothing of it."""
    append(store, nats, meeting_subject("m1"), poll("m1"))
    (opened,), _ = nats.run(store.load(store.subject(*meeting_subject("m1"))))
    append(store, nats, TRUST_SUBJECT, post("PostLeft", "sam", "senco", "ash"))
    assert nats.run(trust(store, opened)).member_ids("sen") == ["sal", "sam", "fay"]
    assert facts(nats, store, trust).member_ids("sen") == ["sal", "fay"]
    assert nats.run(trust(store, opened)).member_ids("sen") == ["sal", "sam", "fay"]


def test_a_reaction_going_through_the_log_reads_each_message_once(
    nats: NatsThread, store: EventStore, trust: FactsReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        append(store, nats, meeting_subject(f"m{n}"), poll(f"m{n}"))
    everything, _ = nats.run(store.load(store.subject("networks", "meeting", "*")))
    read: list[int] = []
    load = store.load

    async def counted(subject: str, after: int = 0) -> tuple[list[Any], int]:
        events, last = await load(subject, after)
        read.extend({e.seq for e in events})  # the messages read
        return events, last

    monkeypatch.setattr(store, "load", counted)
    for event in everything:  # as a reactor meets them, each as of itself
        assert set(nats.run(trust(store, event)).meetings) == {
            e.data["meeting_id"] for e in everything if e.seq <= event.seq
        }
    assert len(read) == len(set(read))
