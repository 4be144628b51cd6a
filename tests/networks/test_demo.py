"""The demo trust's networks (services/networks/demo.py), loaded through the networks' own
deciders into a real log after the directory's demo, dated from today."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from events import Event
from events.connection import NatsThread
from events.store import EventStore, StreamSettings
from services.directory import demo as directory_demo
from services.networks import demo
from services.networks.demo_meetings import demo_id
from services.networks.domain import MeetingDecider, SeriesDecider
from services.networks.events import meeting_subject, series_subject
from services.networks.facts import Facts, FactsReader
from services.networks.reactions import REACTIONS
from services.trustyear.events import year_subject
from tests.support.reactor import running_reactor
from tests.support.trustdays import append
from tests.support.waiting import wait_until

TODAY = date(2026, 12, 1)
Loaded = tuple[EventStore, str, Facts]
TERMS = [
    (1, date(2026, 9, 3), date(2026, 10, 23)),
    (2, date(2026, 11, 2), date(2026, 12, 18)),
    (3, date(2027, 1, 5), date(2027, 2, 12)),
    (4, date(2027, 2, 22), date(2027, 3, 26)),
    (5, date(2027, 4, 12), date(2027, 5, 28)),
    (6, date(2027, 6, 7), date(2027, 7, 21)),
]


@pytest.fixture(scope="module")
def loaded(nats: NatsThread) -> Iterator[tuple[EventStore, str, Facts]]:
    """The directory's demo, a trust year of six terms, then the networks' demo (once for the
    module: it is a few thousand events)."""
    settings = StreamSettings(name="TNETDEMO", subjects=("tnetdemo.>",), duplicate_window=120)
    store = EventStore(nats.nc, settings)
    nats.run(store.ensure_stream())
    nats.run(directory_demo.load(store))
    terms = [{"term": n, "name": f"Term {n}", "starts": a, "ends": b} for n, a, b in TERMS]
    year = {"year_id": "2026-27", "starts": date(2026, 9, 1), "ends": date(2027, 8, 31)}
    append(store, nats, year_subject("2026-27"), Event("YearSet", {**year, "terms": terms}))
    said = nats.run(demo.load(store, TODAY))
    yield store, said, nats.run(FactsReader()(store))
    nats.run(store.js.delete_stream(settings.name))


def meeting(nats: NatsThread, store: EventStore, meeting_id: str):  # type: ignore[no-untyped-def]
    events, _ = nats.run(store.load(store.subject(*meeting_subject(meeting_id))))
    return MeetingDecider().fold(events), events


def test_the_networks_of_the_year_with_their_rules(loaded: Loaded) -> None:
    _, said, facts = loaded
    networks = facts.networks.values()
    by_name = {n.name: n for n in networks}
    heads = [
        p for p, posts in facts.directory.posts.items() if any(x == "headteacher" for x, _ in posts)
    ]
    assert len(networks) == len(demo.NETWORKS) + len(heads)
    assert said.startswith(f"{len(networks)} networks")
    for name in (
        "English network",
        "Maths network",
        "PSHE network",
        "Pastoral leads network",
        "SENCO network",
    ):
        assert (by_name[name].cadence_rule, by_name[name].cadence_count) == ("per_year", 3)
    for name in (
        "Disadvantaged leads network",
        "Attendance and data network",
        "CPD leads network",
        "Teaching and learning network",
    ):
        assert by_name[name].cadence_count == 2
    assert by_name["Science network"].cadence_count == 1
    assert by_name["School improvement team"].cadence_rule == "per_term"
    elg = by_name["Executive leadership group (ELG)"]
    assert elg.cadence_rule == "fortnightly"
    ceo = elg.facilitator_id
    assert ("ceo", None) in facts.directory.posts[ceo]
    assert sorted(facts.member_ids(elg.network_id)) == sorted([*heads, ceo])
    one_to_ones = [n for n in networks if n.kind == "one_to_one"]
    assert len(one_to_ones) == len(heads)
    assert all(
        n.private and n.facilitator_id == ceo and len(n.member_ids) == 1 for n in one_to_ones
    )
    english = by_name["English network"]
    assert len(facts.member_ids(english.network_id)) >= 7
    assert english.facilitator_id != ceo and english.agenda_lead_id is not None


def test_meetings_held_this_year_have_registers_minutes_and_actions(
    nats: NatsThread, loaded: Loaded
) -> None:
    store, _, facts = loaded
    held = [m for m in facts.meetings.values() if m.date is not None and m.date < TODAY]
    assert len(held) >= len(facts.networks)  # each network met; ELG twice
    overdue = 0
    for fact in held:
        state, events = meeting(nats, store, fact.meeting_id)
        types = Counter(e.type for e in events)
        assert types["RegisterTaken"] == 1 and types["MinutesRecorded"] == 1
        assert fact.date is not None and fact.date.weekday() < 5
        marks = Counter(m.mark for m in state.register)
        assert marks["present"] >= marks["apologies"] + marks["absent"]
        overdue += sum(1 for a in state.actions.values() if a.status == "open" and a.due < TODAY)
    assert overdue >= len(held) // 2


def test_a_poll_is_open_now_with_some_votes(nats: NatsThread, loaded: Loaded) -> None:
    store, said, _ = loaded
    english = demo_id("network", "english")
    state, _ = meeting(nats, store, demo_id(english, "poll"))
    assert state.status == "polling"
    assert len(state.votes) == 3 and said.endswith("a poll open with 3 votes")
    assert all(o.date > TODAY and o.date.weekday() < 5 for o in state.options.values())
    assert state.missing()


def test_elg_is_a_series_every_other_tuesday_in_term(nats: NatsThread, loaded: Loaded) -> None:
    store, _, _ = loaded
    elg = demo_id("network", "elg")
    events, _ = nats.run(store.load(store.subject(*series_subject(demo_id("series", elg)))))
    plan = SeriesDecider().fold(events).plan
    assert plan is not None and plan.weekday == 1 and plan.every_weeks == 2
    dates = [o.date for o in plan.occurrences]
    assert dates[0] > TODAY and all(d.weekday() == 1 for d in dates)
    assert not [d for d in dates if date(2026, 12, 19) <= d <= date(2027, 1, 4)]  # Christmas
    assert len(dates) >= 12


def test_loading_again_changes_nothing(nats: NatsThread, loaded: Loaded) -> None:
    store, said, _ = loaded
    last = nats.run(store.last_seq())
    assert nats.run(demo.load(store, TODAY)) == said
    assert nats.run(store.last_seq()) == last


@pytest.mark.slow
def test_the_reactor_books_the_series_meetings(nats: NatsThread, loaded: Loaded) -> None:
    store, _, _ = loaded
    elg = demo_id("network", "elg")
    events, _ = nats.run(store.load(store.subject(*series_subject(demo_id("series", elg)))))
    plan = SeriesDecider().fold(events).plan
    assert plan is not None
    last = plan.occurrences[-1].meeting_id
    with running_reactor(nats, store, REACTIONS):
        assert wait_until(lambda: meeting(nats, store, last)[0].status == "confirmed", 120)
    state, _ = meeting(nats, store, last)
    assert state.when.date == plan.occurrences[-1].date
    assert timedelta(0) < state.when.date - TODAY
