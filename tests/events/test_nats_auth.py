"""NATS users: anonymous connections are refused, a service writes only to its own
subjects, the projector and the frontend only read (events.nats_access)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from deploy.nats_config import deploy_config, password_variable
from events import CommandLoop, Event, EventStore, StreamSettings
from events.connection import NatsThread
from events.embedded import EmbeddedNats, nats_server_binary
from events.nats_access import ADMIN, READERS
from events.projection import checkpoint, reset
from events.projector import Projector
from events.reactor import Reactor
from services.directory import events as directory_events  # noqa: F401  (RoleGranted)
from services.trustdays.reactions import REACTIONS
from tests.support.counter import CounterDecider, Increment, projection
from tests.support.nats_users import nats_with_users
from tests.support.waiting import wait_until

STREAM = StreamSettings(name="AUTH", subjects=("events.>",))
PROCESSES = ["directory", "trustdays", "trustdays_reactions", *READERS]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    with nats_with_users(tmp_path_factory.mktemp("nats"), PROCESSES, STREAM) as running:
        yield running


@pytest.fixture
def connect_as(server: EmbeddedNats) -> Iterator:
    opened: list[NatsThread] = []

    def connect(name: str) -> EventStore:
        connection = NatsThread(server.url_for(name), name=name)
        opened.append(connection)
        store = EventStore(connection.nc, STREAM, publish_deadline=0.5)
        CONNECTIONS[id(store)] = connection
        return store

    yield connect
    for connection in opened:
        connection.close()


CONNECTIONS: dict[int, NatsThread] = {}


def run(store: EventStore, coroutine):
    """Run on the loop of the store's connection."""
    return CONNECTIONS[id(store)].run(coroutine)


def increments(n: int = 1) -> list[Event]:
    return [Event("TestCounterIncremented", {"by": n, "reason": "auth test"})]


def test_an_anonymous_client_is_refused(server):
    async def anonymous() -> None:
        await nats.connect(server.address, allow_reconnect=False, connect_timeout=2)

    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        asyncio.run(anonymous())


def test_a_wrong_password_is_refused(server):
    async def guess() -> None:
        url = server.url_for("directory").replace("@", "x@")
        await nats.connect(url, allow_reconnect=False, connect_timeout=2)

    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        asyncio.run(guess())


def refused(store: EventStore, subject: str, events: list[Event], caplog) -> None:
    before = last_seq_of(store)
    with (
        caplog.at_level(logging.WARNING, logger="events.connection"),
        pytest.raises(nats.errors.TimeoutError),
    ):
        run(store, store.append(subject, events, 0))
    assert f'permissions violation for publish to "{subject}"' in caplog.text
    assert last_seq_of(store) == before, "nothing reached the stream"


def last_seq_of(store: EventStore) -> int:
    return run(store, store.last_seq())


def test_a_service_cannot_publish_to_another_services_subjects(connect_as, caplog):
    directory = connect_as("directory")
    refused(directory, directory.subject("trustdays", "day", "d1"), increments(), caplog)


def test_a_forged_role_grant_from_the_trustdays_user_is_refused(connect_as, caplog):
    trustdays = connect_as("trustdays")
    grant = Event("RoleGranted", {"person_id": "p1", "role": "trust_admin", "school_id": None})
    refused(trustdays, trustdays.subject("directory", "person", "p1"), [grant], caplog)


def test_a_role_grant_the_trustdays_user_puts_on_its_own_subjects_is_read_by_nobody(
    connect_as, caplog
):
    """NATS lets it publish there; every reader (projections, a service's view of the
    directory, a service loading the aggregate) skips what only the directory may say."""
    trustdays = connect_as("trustdays")
    grant = Event("RoleGranted", {"person_id": "p3", "role": "trust_admin", "school_id": None})
    subject = trustdays.subject("trustdays", "forged", "p3")
    forged = run(trustdays, trustdays.append(subject, [grant], 0)).seq

    async def read_from(store: EventStore, seq: int) -> list:
        return [event async for batch in store.read(seq) for event in batch.events]

    reader = connect_as("projector")
    assert run(reader, read_from(reader, forged)) == []
    assert run(trustdays, trustdays.load(subject)) == ([], forged)
    assert "only directory publishes it, not trustdays" in caplog.text


def test_a_services_reactions_follow_the_log_and_publish_as_the_service_only(connect_as, caplog):
    reactions = connect_as("trustdays_reactions")
    subscription = run(reactions, Reactor(reactions, REACTIONS).subscribe(REACTIONS[0]))
    run(reactions, subscription.unsubscribe())
    own = run(
        reactions, reactions.append(reactions.subject("trustdays", "r", "1"), increments(), 0)
    )
    assert own.seq == last_seq_of(reactions)
    refused(reactions, reactions.subject("directory", "person", "p5"), increments(), caplog)


@pytest.mark.parametrize("reader", READERS)
def test_the_projector_and_the_frontend_cannot_publish_at_all(connect_as, reader, caplog):
    store = connect_as(reader)
    refused(store, store.subject("directory", "person", "p2"), increments(), caplog)
    with pytest.raises(nats.errors.TimeoutError):  # nor change the stream
        run(store, store.js.delete_stream(STREAM.name))


def test_each_user_can_do_its_own_work(connect_as, engine):
    directory = connect_as("directory")
    commands = CommandLoop(directory, CounterDecider())
    subject = directory.subject("directory", "counter", "own")
    run(directory, commands.execute(subject, Increment(by=2)))
    outcome = run(directory, commands.execute(subject, Increment(by=3)))

    async def whole_log(store: EventStore) -> list:
        return [event async for batch in store.read(1) for event in batch.events]

    assert [e.data["by"] for e in run(directory, whole_log(directory))][-2:] == [2, 3]
    assert last_seq_of(connect_as("frontend")) == outcome.seq

    projector_store = connect_as("projector")
    reset(engine, projection)
    stop = asyncio.Event()
    projector = Projector(projector_store, engine, [projection], idle_wait=0.2)
    loop = CONNECTIONS[id(projector_store)].loop
    running = asyncio.run_coroutine_threadsafe(projector.run(stop), loop)
    try:
        assert wait_until(lambda: checkpoint(engine, projection.name) == outcome.seq, 30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        running.result(timeout=10)


def test_the_deploy_configuration_is_the_generated_one_and_nats_server_reads_it(tmp_path):
    """deploy/nats.conf is made by deploy/nats_config.py: make it again with
    `python -m deploy.nats_config > deploy/nats.conf`."""
    written = (Path(__file__).parents[2] / "deploy" / "nats.conf").read_text()
    assert written == deploy_config()
    assert '"sync_interval": "always"' in written
    for process in PROCESSES:
        assert f'"password": ${password_variable(process)}' in written
    # Every process of the Procfile has a user: give each variable the file names a value.
    env = {name: "x" * 32 for name in re.findall(r"\$(STAFFROOM_NATS_\w+_PASSWORD)", written)}
    env |= {password_variable(name): "x" * 32 for name in [ADMIN, *PROCESSES]}
    config = tmp_path / "nats.conf"
    config.write_text(written.replace('"/data"', json.dumps(str(tmp_path))))
    checked = subprocess.run(
        [nats_server_binary(), "--config", str(config), "-t"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
