"""The reaction to a cancelled day closes each of its slots, once: when the reactor stops
halfway and another takes over, and when the event is delivered again."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from nats.js.errors import NotFoundError

from events.decider import CommandLoop, Decider
from events.envelope import RecordedEvent
from events.reactor import Reactor
from services.trustdays.domain import CancelDay, CloseSlot, DayDecider, DayRecord, PlanDay, Slot
from services.trustdays.events import day_subject, slot_subject
from services.trustdays.reactions import (
    CLOSE_SLOTS_OF_A_CANCELLED_DAY,
    REACTIONS,
    close_the_removed_slot,
)
from tests.support.launch import ROOT, STAFFROOM, environment, stream_env
from tests.support.people import join
from tests.support.reactor import running_reactor
from tests.support.trustdays import manager, open_day, staff, trustdays
from tests.support.waiting import wait_until

REACTION = CLOSE_SLOTS_OF_A_CANCELLED_DAY


def booked_day(client: httpx.Client) -> dict:
    """A day with two slots, Amy and Bob holding seats in its breakout."""
    day = open_day(client, sessions=2, capacity=5)
    shown = client.get(f"/days/{day['day_id']}", headers=manager()).json()
    places = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{day['sessions'][0]}/places"
    for person in ("amy", "bob"):
        assert client.post(places, json={}, headers=staff(person)).status_code == 201
    return {**day, "slots": [slot["slot_id"] for slot in shown["slots"]]}


def cancel(client: httpx.Client, day: dict) -> None:
    answer = client.post(
        f"/days/{day['day_id']}/cancel", json={"reason": "Snow"}, headers=manager()
    )
    assert answer.status_code == 200, answer.text


def events_of_slots(nats, store, day: dict) -> Counter[str]:
    """How many of each event type the day's slots hold in the log."""
    counted: Counter[str] = Counter()
    for slot_id in day["slots"]:
        events, _ = nats.run(store.load(store.subject(*slot_subject(day["day_id"], slot_id))))
        counted.update(event.type for event in events)
    return counted


def done(nats, store) -> bool:
    """Whether the reaction's consumer has been given every event and acked them all."""
    try:
        info = nats.run(store.js.consumer_info(store.stream, REACTION.durable))
    except NotFoundError:
        return False
    return info.num_pending == 0 and info.num_ack_pending == 0 and info.delivered.stream_seq > 0


CLOSED_ONCE = {"SessionBooked": 2, "BookingCancelled": 2, "SessionAdded": 2, "SlotClosed": 2}


@pytest.fixture
def people(nats, store):
    join(nats, store, "amy", "bob")


def test_a_cancelled_day_has_each_slot_closed_once_by_the_reactor(
    people, nats, nats_server, store, stream_settings
):
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        day = booked_day(c)
        cancel(c, day)
        assert wait_until(lambda: events_of_slots(nats, store, day)["SlotClosed"] == 2, 30)
        assert wait_until(lambda: done(nats, store), 30)
    assert events_of_slots(nats, store, day) == CLOSED_ONCE


class KilledHalfway(Reactor):
    """A reactor that runs one command, then hangs there until it is killed."""

    def __init__(self, *args: Any, **options: Any):
        super().__init__(*args, **options)
        self.ran = 0
        self.hanging = threading.Event()

    def command_loop(self, decider: Decider[Any, Any]) -> CommandLoop[Any, Any]:
        loop = super().command_loop(decider)
        execute = loop.execute

        async def once_then_hang(*args: Any, **kwargs: Any) -> Any:
            if self.ran:
                self.hanging.set()
                await asyncio.Event().wait()
            self.ran += 1
            return await execute(*args, **kwargs)

        loop.execute = once_then_hang  # type: ignore[method-assign]
        return loop


def test_a_reactor_killed_halfway_is_finished_by_the_next_with_no_event_twice(
    people, nats, nats_server, store, stream_settings
):
    with (
        trustdays(nats_server.url, stream_settings, reactions=False) as (url,),
        httpx.Client(base_url=url) as c,
    ):
        day = booked_day(c)
        cancel(c, day)
        killed = KilledHalfway(store, REACTIONS, idle_wait=0.2, ack_wait=1.0)
        running = asyncio.run_coroutine_threadsafe(killed.run(asyncio.Event()), nats.loop)
        assert killed.hanging.wait(30), "the first slot closed, the reactor hangs at the second"
        running.cancel()  # killed: it neither acks nor gives the event back
        assert events_of_slots(nats, store, day)["SlotClosed"] == 1

        with running_reactor(nats, store, REACTIONS, ack_wait=1.0):
            assert wait_until(lambda: events_of_slots(nats, store, day)["SlotClosed"] == 2, 30)
            assert wait_until(lambda: done(nats, store), 30)
    assert events_of_slots(nats, store, day) == CLOSED_ONCE


def test_an_event_delivered_again_acts_once(people, nats, nats_server, store, stream_settings):
    with trustdays(nats_server.url, stream_settings) as (url,), httpx.Client(base_url=url) as c:
        day = booked_day(c)
        cancel(c, day)
        assert wait_until(lambda: done(nats, store), 30)
        last = nats.run(store.last_seq())

        # Forgotten: the reactor makes its consumer again, from the start of the log.
        nats.run(store.js.delete_consumer(store.stream, REACTION.durable))
        assert wait_until(lambda: done(nats, store), 30)
        again = Reactor(store, REACTIONS)  # and a reactor with nothing in its cache
        history, _ = nats.run(store.load(store.subject(*day_subject(day["day_id"]))))
        cancelled = next(event for event in history if event.type == "DayCancelled")
        nats.run(again.act(REACTION, cancelled))
    assert nats.run(store.last_seq()) == last
    assert events_of_slots(nats, store, day) == CLOSED_ONCE


def test_reactor_closes_a_cancelled_days_slots_and_stops_on_sigterm(
    nats, nats_server, store, stream_settings
):
    day_id = "d1"
    slots = [Slot(f"s{n}", "breakout", f"Slot {n}", f"1{n}:00", f"1{n}:30") for n in (1, 2)]
    days = CommandLoop(store, DayDecider())
    the_day = store.subject(*day_subject(day_id))
    nats.run(days.execute(the_day, PlanDay(a_day_record(day_id), slots)))
    nats.run(days.execute(the_day, CancelDay("Snow")))
    reactor = subprocess.Popen(
        [STAFFROOM, "reactor", "services.trustdays.reactions:REACTIONS"],
        env=environment(**stream_env(nats_server, stream_settings)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def closed(slot: Slot) -> bool:
        events, _ = nats.run(store.load(store.subject(*slot_subject(day_id, slot.slot_id))))
        return [event.type for event in events] == ["SlotClosed"]

    try:
        assert wait_until(lambda: all(closed(slot) for slot in slots), 30)
        reactor.send_signal(signal.SIGTERM)
        _, errors = reactor.communicate(timeout=30)
    finally:
        if reactor.poll() is None:
            reactor.kill()
    assert reactor.returncode == 0, errors
    assert "Traceback" not in errors, errors


def a_day_record(day_id: str) -> DayRecord:
    opens, closes = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 20, tzinfo=UTC)
    return DayRecord(day_id, date(2026, 10, 1), "2026-27", 1, "PD", "", "Hall", opens, closes)


def test_a_removed_slot_is_closed_in_its_own_aggregate_as_slot_removed():
    removed = RecordedEvent(
        id="e1",
        type="SlotRemoved",
        version=1,
        subject="t.trustdays.day.d1",
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        actor="manager",
        correlation_id=None,
        causation_id=None,
        data={"day_id": "d1", "slot_id": "s2", "reason": "A shorter day"},
    )
    assert close_the_removed_slot(removed, DayDecider().initial_state()) == [
        (slot_subject("d1", "s2"), CloseSlot("A shorter day", why="slot_removed"))
    ]
