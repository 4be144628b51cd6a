"""The morning bookings open: over 100 concurrent clients through the real HTTP API, two
instances of the service (as two processes would be), booking, cancelling, moving and
rebooking at random, some retrying with the same idempotency key. Then an independent
replay of the log, which knows nothing of the deciders, checks that no rule ever broke.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest

from events.decider import command_id
from services.trustdays.events import slot_subject
from tests.support.people import join
from tests.support.replay import replay
from tests.support.trustdays import a_rush_request, manager, open_day, staff, trustdays

CLIENTS = 120
STAFF = 400
SESSIONS = 5
CAPACITY = 30
ACTIONS_PER_PERSON = 6


@dataclass
class Acknowledged:
    key: str
    seq: int
    events: list[str]
    person: str


@dataclass
class Client:
    urls: list[str]
    day: dict
    rng: random.Random
    acknowledged: list[Acknowledged] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self, people: list[str]) -> None:
        with httpx.Client(timeout=60) as http:
            for _ in range(ACTIONS_PER_PERSON):
                for person in people:
                    self.act(http, person)

    def act(self, http: httpx.Client, person: str) -> None:
        method, path, body = a_rush_request(self.rng, self.day, person)
        url = self.rng.choice(self.urls) + path
        key = uuid.uuid4().hex
        for _ in range(2 if self.rng.random() < 0.25 else 1):  # some retry with the same key
            headers = {**staff(person), "Idempotency-Key": key}
            answer = http.request(method, url, json=body, headers=headers)
            if answer.status_code in (200, 201):
                reply = answer.json()
                self.acknowledged.append(Acknowledged(key, reply["seq"], reply["events"], person))
            elif answer.status_code not in (404, 409):  # rules refused: expected in a rush
                self.failures.append(f"{method} {url}: {answer.status_code} {answer.text}")


@pytest.mark.slow
def test_a_booking_rush_breaks_no_rule(nats, nats_server, store, stream_settings):
    people = [f"person-{n:03d}" for n in range(STAFF)]
    join(nats, store, *people)
    with trustdays(nats_server.url, stream_settings, apps=2) as urls:
        with httpx.Client(base_url=urls[0]) as setup:
            day = open_day(setup, sessions=SESSIONS, capacity=CAPACITY)
        clients = [Client(urls, day, random.Random(n)) for n in range(CLIENTS)]
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            done = [pool.submit(client.run, people[n::CLIENTS]) for n, client in enumerate(clients)]
            for future in done:
                future.result()
        shown = httpx.get(f"{urls[0]}/days/{day['day_id']}", headers=manager()).json()

    failures = [failure for client in clients for failure in client.failures]
    assert failures == []
    subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    events, _ = nats.run(store.load(subject))
    seats_held = replay(events)

    acknowledged = [ack for client in clients for ack in client.acknowledged]
    assert len(acknowledged) > STAFF
    by_key: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.causation_id:
            by_key[event.causation_id].add(event.seq)
    for ack in acknowledged:
        key = command_id(subject, ack.person, ack.key)  # what the log records as the cause
        if ack.events:
            assert by_key[key] == {ack.seq}, f"{ack.key} is not in the log exactly once"
        elif key in by_key:
            assert by_key[key] == {ack.seq}, f"a retry of {ack.key} answered another seq"

    breakout = next(s for s in shown["slots"] if s["slot_id"] == day["slot_id"])
    assert {s["session_id"]: s["booked"] for s in breakout["sessions"]} == seats_held
    kinds = {event.type for event in events}
    assert {"WaitlistJoined", "PromotedFromWaitlist", "BookingCancelled"} <= kinds, "a real rush"
