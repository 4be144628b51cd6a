"""The suite's real parts: a nats-server of its own on a free port (JetStream in a temp
folder), a fresh stream per test, and a fresh database per test (SQLite, and PostgreSQL
too when TEST_DATABASE_URL is set). Under pytest-xdist each worker has its own of each
(session scope is a worker's), and tests/support/parallel.py says which tests share one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from events.connection import NatsThread, close_process_connection
from events.db import create_db_engine, migrate
from events.embedded import EmbeddedNats
from events.store import EventStore, StreamSettings
from tests.support import counter  # noqa: F401  (registers the test event types)
from tests.support.databases import DATABASES, POSTGRES_URL, fresh_schema
from tests.support.identity import SECRET_KEY
from tests.support.parallel import Scheduling, stable_id

# Every app and process the suite starts signs and checks identities with the same key.
os.environ["STAFFROOM_SECRET_KEY"] = SECRET_KEY
os.environ.pop("STAFFROOM_DEV", None)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, the work units of tests/support/parallel.py."""
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(Scheduling(), "staffroom-work-units")


def pytest_make_parametrize_id(val: object) -> str | None:
    return stable_id(val)


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    """Refuses anonymous clients like every embedded server: `url` carries the password
    of a user that may do everything (tests/events/test_nats_auth.py starts one with the users of
    `staffroom up`)."""
    with EmbeddedNats(tmp_path_factory.mktemp("nats")) as server:
        yield server
        close_process_connection()  # the served apps' connection, before its server goes


@pytest.fixture(scope="session")
def nats(nats_server: EmbeddedNats) -> Iterator[NatsThread]:
    connection = NatsThread(nats_server.url, name="tests")
    yield connection
    connection.close()


@pytest.fixture
def own_nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server of the test's own, to stop and start (the session's is shared); the
    apps the test serves connect to it, not to the session's."""
    server = EmbeddedNats(tmp_path / "nats").start()
    close_process_connection()
    yield server
    close_process_connection()
    server.stop()


@pytest.fixture
def stream_settings() -> StreamSettings:
    name = f"T{uuid.uuid4().hex[:12]}"
    return StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)


@pytest.fixture
def store(nats: NatsThread, stream_settings: StreamSettings) -> Iterator[EventStore]:
    event_store = EventStore(nats.nc, stream_settings)
    nats.run(event_store.ensure_stream())
    yield event_store
    nats.run(event_store.js.delete_stream(stream_settings.name))


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert POSTGRES_URL  # the parameter exists only when it is set
    with fresh_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    db = create_db_engine(database_url)
    migrate(db)
    yield db
    db.dispose()
