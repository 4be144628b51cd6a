"""A batch of mixed events applied in one go (each projection's fold, all projections in one
transaction) leaves the read models exactly as the handlers applying them one message at a
time do; and the seats it counts are the independent replay's."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import groupby

import httpx
from sqlalchemy import select

from events.envelope import Batch
from events.projection import Projection, apply, apply_all, checkpoint, reset
from readmodels.registry import PROJECTIONS
from readmodels.trustdays.tables import pd_sessions
from services.trustdays.events import slot_subject
from tests.support.people import join
from tests.support.replay import replay
from tests.support.trustdays import (
    a_rush_request,
    manager,
    open_day,
    session_fields,
    staff,
    trustdays,
)

PEOPLE = [f"person-{n:02d}" for n in range(30)]


def whole_log(nats, store, trusted: bool = False):
    async def read():
        return [event async for batch in store.read(1, trusted=trusted) for event in batch.events]

    return nats.run(read())


def read_models(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.c))]
            for projection in PROJECTIONS
            for table in projection.tables
        }


def a_mixed_morning(nats, store, nats_server, stream_settings) -> dict:
    """Bookings, cancels, moves, waitlists and promotions on small sessions, with a change
    of capacity and a cancelled session in between (events that are not places)."""
    join(nats, store, *PEOPLE)
    rng = random.Random(14)
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as http:
        day = open_day(http, sessions=4, capacity=3)
        sessions = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
        for n in range(150):
            person = rng.choice(PEOPLE)
            method, path, body = a_rush_request(rng, day, person)
            http.request(method, path, json=body, headers=staff(person))
            if n == 60:
                wider = session_fields("Session 1", capacity=5)
                changed = http.put(
                    f"{sessions}/{day['sessions'][0]}", json=wider, headers=manager()
                )
                assert changed.status_code == 200, changed.text
            if n == 100:
                cancel = f"{sessions}/{day['sessions'][3]}/cancel"
                cancelled = http.post(cancel, json={"reason": "Ill"}, headers=manager())
                assert cancelled.status_code == 200, cancelled.text
        # Last, after places in it: the session's and the day's versions are this event's
        last = session_fields("Session 2, retitled", capacity=3)
        retitled = http.put(f"{sessions}/{day['sessions'][1]}", json=last, headers=manager())
        assert retitled.status_code == 200, retitled.text
    return day


def by_message(events) -> list[list]:
    return [list(group) for _, group in groupby(events, key=lambda event: event.seq)]


def by_handlers(projection: Projection) -> Projection:
    return replace(projection, fold=None)


def test_one_batch_equals_one_message_at_a_time_and_the_replay(
    nats, nats_server, store, stream_settings, engine
):
    day = a_mixed_morning(nats, store, nats_server, stream_settings)
    events = whole_log(nats, store)
    kinds = {event.type for event in events}
    assert {"WaitlistJoined", "PromotedFromWaitlist", "BookingCancelled"} <= kinds
    assert {"SessionUpdated", "SessionCancelled"} <= kinds

    for projection in PROJECTIONS:
        reset(engine, projection)
    for message in by_message(events):
        for projection in PROJECTIONS:
            apply(engine, by_handlers(projection), Batch.of(message))
    one_at_a_time = read_models(engine)

    for projection in PROJECTIONS:
        reset(engine, projection)
    assert apply_all(engine, PROJECTIONS, Batch.of(events)) == []
    assert read_models(engine) == one_at_a_time
    assert {checkpoint(engine, p.name) for p in PROJECTIONS} == {events[-1].seq}

    slot = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    seats = replay([event for event in events if event.subject == slot])
    with engine.connect() as connection:
        rows = connection.execute(select(pd_sessions.c.session_id, pd_sessions.c.booked))
        booked = {row.session_id: row.booked for row in rows}
    assert {s: n for s, n in booked.items() if n} == {s: n for s, n in seats.items() if n}


def test_a_batch_split_anywhere_applies_the_same(nats, nats_server, store, stream_settings, engine):
    a_mixed_morning(nats, store, nats_server, stream_settings)
    events = whole_log(nats, store)
    messages = by_message(events)
    for projection in PROJECTIONS:
        reset(engine, projection)
    apply_all(engine, PROJECTIONS, Batch.of(events))
    in_one = read_models(engine)

    for projection in PROJECTIONS:
        reset(engine, projection)
    rng = random.Random(7)
    start = 0
    while start < len(messages):
        end = start + rng.randint(1, 12)
        batch = [event for message in messages[start:end] for event in message]
        assert apply_all(engine, PROJECTIONS, Batch.of(batch)) == []
        start = end
    assert read_models(engine) == in_one


def test_the_projector_s_trusted_read_folds_as_a_validated_one_at_a_time(
    nats, nats_server, store, stream_settings, engine
):
    """The projector reads the log without validating each event again (events.trusted)
    and folds a batch at a time: the read models end as the schemas' validated events
    applied one message at a time by the handlers leave them."""
    a_mixed_morning(nats, store, nats_server, stream_settings)
    validated, trusted = whole_log(nats, store), whole_log(nats, store, trusted=True)
    assert trusted == validated

    for projection in PROJECTIONS:
        reset(engine, projection)
    for message in by_message(validated):
        for projection in PROJECTIONS:
            apply(engine, by_handlers(projection), Batch.of(message))
    one_at_a_time = read_models(engine)

    for projection in PROJECTIONS:
        reset(engine, projection)
    messages = by_message(trusted)
    for start in range(0, len(messages), 25):
        batch = [event for message in messages[start : start + 25] for event in message]
        assert apply_all(engine, PROJECTIONS, Batch.of(batch)) == []
    assert read_models(engine) == one_at_a_time
