"""A node can die: a booking rush through two trust days services on a three-node
JetStream cluster (stream replicas 3, every write synced, each process its own NATS
user), with the projector following into PostgreSQL, while the stream leader's node is
killed (SIGKILL) and started again, and then the new leader is asked to step down.

Writes go on; every acknowledged command is in the log exactly once; an independent
replay finds no broken rule; the read models equal a rebuild from the log."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select, text

from events.connection import NatsThread, close_process_connection
from events.db import create_db_engine, migrate
from events.decider import command_id
from events.nats_access import ADMIN, users
from events.projection import checkpoint, rebuild
from events.store import EventStore, StreamSettings
from readmodels import PACKAGE_DIR as READMODELS
from readmodels.registry import PROJECTIONS
from readmodels.trustdays import queries as pd_queries
from services.trustdays.events import slot_subject
from tests.support.cluster import LoopbackCluster
from tests.support.people import join
from tests.support.replay import replay
from tests.support.stack import running_projector
from tests.support.trustdays import a_rush_request, open_day, staff, trustdays
from tests.support.waiting import wait_until

STREAM = StreamSettings(name="STAFFROOM", subjects=("events.>",), replicas=3)
PROCESSES = ["trustdays", "projector"]
CLIENTS = 40
STAFF = 240
SESSIONS = 5
CAPACITY = 30
RETRIES = 8
"""A client told 503 (not confirmed, busy) sends the same command again with its key."""


@dataclass
class Command:
    key: str
    person: str
    seq: int | None = None
    """The sequence the service acknowledged; None while the outcome is unknown."""
    events: list[str] = field(default_factory=list)
    at: float = 0.0
    """When it was acknowledged (time.monotonic)."""


@dataclass
class Client:
    urls: list[str]
    day: dict
    rng: random.Random
    commands: list[Command] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    unconfirmed: int = 0

    def run(self, people: list[str], stop: threading.Event) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                for person in people:
                    self.act(http, person)

    def act(self, http: httpx.Client, person: str) -> None:
        method, path, body = a_rush_request(self.rng, self.day, person)
        command = Command(uuid.uuid4().hex, person)
        self.commands.append(command)
        for _ in range(RETRIES):
            url = self.rng.choice(self.urls) + path
            headers = {**staff(person), "Idempotency-Key": command.key}
            answer = http.request(method, url, json=body, headers=headers)
            if answer.status_code in (200, 201):
                command.seq, command.events = answer.json()["seq"], answer.json()["events"]
                command.at = time.monotonic()
                return
            if answer.status_code in (404, 409):  # a rule refused it: expected in a rush
                return
            if answer.status_code != 503:
                self.failures.append(f"{method} {path}: {answer.status_code} {answer.text}")
                return
            self.unconfirmed += 1
            time.sleep(0.2)
        self.failures.append(f"{method} {path}: never confirmed after {RETRIES} tries")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LoopbackCluster]:
    passwords = {name: uuid.uuid4().hex for name in [ADMIN, *PROCESSES]}
    close_process_connection()  # the served apps must connect to this cluster, not the suite's
    with LoopbackCluster(tmp_path, users(passwords, STREAM.name, STREAM.prefix)) as running:
        yield running
        close_process_connection()


def stream_leader(nats: NatsThread) -> str:
    """The node leading the stream now; "" while it is being elected."""
    try:
        info = nats.run(nats.nc.jetstream().stream_info(STREAM.name), timeout=3)
    except Exception:  # no leader to answer yet
        return ""
    return (info.cluster and info.cluster.leader) or ""


def elected(nats: NatsThread, other_than: str) -> str:
    assert wait_until(lambda: stream_leader(nats) not in ("", other_than), 20, every=0.1)
    return stream_leader(nats)


def step_down(nats: NatsThread) -> None:
    subject = f"$JS.API.STREAM.LEADER.STEPDOWN.{STREAM.name}"
    answer = nats.run(nats.nc.request(subject, b"", timeout=5))
    assert b'"success":true' in answer.data, answer.data


def kill_restart_and_step_down(
    cluster: LoopbackCluster, admin: NatsThread
) -> tuple[list[str], dict[str, float]]:
    """The stream leader's node killed, started again, then the new leader stepped down:
    what happened, for the test's message, and when."""
    said, when = [], {}
    time.sleep(1.5)
    victim = elected(admin, other_than="")
    cluster.kill(victim)
    when["killed"] = time.monotonic()
    said.append(f"killed {victim} (the stream leader)")
    said.append(f"leader now {elected(admin, other_than=victim)}")
    time.sleep(2.0)
    when["restarting"] = time.monotonic()
    cluster.restart(victim)
    said.append(f"restarted {victim}")
    time.sleep(1.0)
    before = elected(admin, other_than="")
    step_down(admin)
    when["stepped down"] = time.monotonic()
    said.append(f"{before} stepped down, leader now {elected(admin, other_than=before)}")
    time.sleep(1.5)
    return said, when


def read_models(engine: Engine) -> dict[str, list[str]]:
    """Every row of every projection's tables, in an order that does not depend on
    how they were written."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                repr(sorted(row._mapping.items())) for row in connection.execute(select(table))
            )
            for projection in PROJECTIONS
            for table in projection.tables
        }


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_rush_survives_a_node_killed_and_a_leader_stepping_down(cluster, postgres_url):
    admin = NatsThread(cluster.url, name="admin")
    store = EventStore(admin.nc, STREAM)
    admin.run(store.ensure_stream())
    people = [f"person-{n:03d}" for n in range(STAFF)]
    join(admin, store, *people)
    engine = create_db_engine(postgres_url)
    migrate(engine, [READMODELS])
    projector = NatsThread(cluster.url_for("projector"), name="projector")
    stop = threading.Event()
    try:
        with (
            trustdays(cluster.url_for("trustdays"), STREAM, apps=2, reactions=False) as urls,
            running_projector(projector, EventStore(projector.nc, STREAM), engine),
        ):
            with httpx.Client(base_url=urls[0], timeout=30) as setup:
                day = open_day(setup, sessions=SESSIONS, capacity=CAPACITY)
            clients = [Client(urls, day, random.Random(n)) for n in range(CLIENTS)]
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                running = [
                    pool.submit(client.run, people[n::CLIENTS], stop)
                    for n, client in enumerate(clients)
                ]
                try:
                    said, when = kill_restart_and_step_down(cluster, admin)
                finally:
                    stop.set()
                    for future in running:
                        future.result()
            end = admin.run(store.last_seq())
            assert wait_until(lambda: checkpoint(engine, "trustdays") >= end, 30, every=0.1)

        failures = [failure for client in clients for failure in client.failures]
        assert failures == [], said
        commands = [command for client in clients for command in client.commands]
        acknowledged = [c for c in commands if c.seq is not None and c.events]
        print(
            f"\n{len(commands)} commands, {len(acknowledged)} appended, "
            f"{sum(c.unconfirmed for c in clients)} answers 503 retried; " + "; ".join(said)
        )
        assert len(acknowledged) >= 50, "a rush (however slow the machine)"
        down = [c for c in acknowledged if when["killed"] < c.at < when["restarting"]]
        after = [c for c in acknowledged if c.at > when["stepped down"]]
        assert down and after, "writes went on with a node down and after the step-down"

        subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
        events, _ = admin.run(store.load(subject))
        seats_held = replay(events)
        exactly_once(events, commands, subject)

        shown = pd_queries.timetable(engine, day["day_id"], slot_id=day["slot_id"])[0]
        assert {s.session_id: s.booked for s in shown.sessions} == {
            session: seats_held.get(session, 0) for session in day["sessions"]
        }
        assert_equal_to_a_rebuild(admin, store, engine, postgres_url)
    finally:
        stop.set()
        projector.close()
        admin.close()
        engine.dispose()


def exactly_once(events, commands: list[Command], subject: str) -> None:
    """Every acknowledged command's events are in one message, the one it was told; a
    command never confirmed is there at most once."""
    by_cause: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.causation_id:
            by_cause[event.causation_id].add(event.seq)
    for command in commands:
        cause = by_cause.get(command_id(subject, command.person, command.key), set())
        if command.seq is not None and command.events:
            assert cause == {command.seq}, f"{command.key} is not in the log exactly once"
        else:
            assert len(cause) <= 1, f"{command.key} was appended twice"


def assert_equal_to_a_rebuild(
    admin: NatsThread, store: EventStore, followed: Engine, postgres_url: str
) -> None:
    """The projector's read models, row for row, against every projection rebuilt from
    sequence 1 into a schema of its own."""
    schema = f"r_{uuid.uuid4().hex[:12]}"
    base = postgres_url.rpartition("options=")[0].rstrip("?&")
    owner = create_db_engine(base)
    with owner.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    rebuilt = create_db_engine(f"{base}{separator}options=-csearch_path%3D{schema}")
    try:
        migrate(rebuilt, [READMODELS])
        for projection in PROJECTIONS:
            admin.run(rebuild(store, rebuilt, projection), timeout=120)
        assert read_models(followed) == read_models(rebuilt)
    finally:
        rebuilt.dispose()
        with owner.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        owner.dispose()
