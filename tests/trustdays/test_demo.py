"""The demo trust's PD days, loaded through the real commands into a real log."""

from __future__ import annotations

from collections import Counter

from services.directory import demo as directory_demo
from services.trustdays import demo
from services.trustdays.domain import DayDecider, SlotDecider


def test_both_pd_days_have_a_keynote_and_three_slots_of_twenty_sessions(nats, store):
    nats.run(directory_demo.load(store))
    said = nats.run(demo.load(store))
    assert said == "2 PD days with 122 sessions"
    terms = []
    for record in demo.DAYS:
        day_id = demo.demo_id(f"{record.academic_year}-term-{record.term}")
        events, _ = nats.run(store.load(store.subject("trustdays", "day", day_id)))
        day = DayDecider().fold(events)
        assert day.status == "published"
        terms.append(day.record.term)
        kinds = Counter(slot.kind for slot in day.slots.values())
        assert kinds == {"keynote": 1, "breakout": 3}
        for slot in day.slots.values():
            subject = store.subject("trustdays", "day", day_id, "slot", slot.slot_id)
            sessions = SlotDecider().fold(nats.run(store.load(subject))[0]).sessions.values()
            if slot.kind == "breakout":
                assert len(sessions) == 20
                assert len({s.community for s in sessions}) >= 12
                assert sum(s.leader.person_id is not None for s in sessions) >= 15
    assert terms == [2, 6]


def test_loading_the_demo_days_again_appends_nothing(nats, store):
    nats.run(directory_demo.load(store))
    nats.run(demo.load(store))
    before = nats.run(store.last_seq())
    nats.run(demo.load(store))
    assert nats.run(store.last_seq()) == before
