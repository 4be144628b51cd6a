"""The frontend with what stands behind it, in-process but real: the trust days and
directory services on sockets, a projector following the stream into the database, and
the trust days' reactor."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from events.config import Settings
from events.connection import NatsThread
from events.db import migrate
from events.identity import IDENTITY_HEADER, Identity
from events.projection import status
from events.projector import Projector
from events.store import EventStore
from frontend import create_app
from readmodels import PACKAGE_DIR
from readmodels.registry import PROJECTIONS
from readmodels.trustdays import queries as pd_queries
from services.directory import create_app as directory_app
from services.networks import create_app as networks_app
from services.networks.reactions import REACTIONS as NETWORKS_REACTIONS
from services.notifications import create_app as notifications_app
from services.trustdays import create_app as trustdays_app
from services.trustdays.reactions import REACTIONS as TRUSTDAYS_REACTIONS
from services.trustyear import create_app as trustyear_app
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed
from tests.support.reactor import running_reactor


@dataclass
class Stack:
    app: Flask
    engine: Engine
    services: dict[str, str]

    def client(self, identity: Identity) -> FlaskClient:
        """A browser of `identity` behind the gateway (which signs each request afresh)."""
        client = self.app.test_client()
        client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(identity)[IDENTITY_HEADER]
        return client


@contextmanager
def running_projector(nats: NatsThread, store: EventStore, engine: Engine) -> Iterator[None]:
    projector = Projector(store, engine, PROJECTIONS, idle_wait=0.2)
    stop = asyncio.Event()
    running = asyncio.run_coroutine_threadsafe(projector.run(stop), nats.loop)
    try:
        yield
    finally:
        nats.loop.call_soon_threadsafe(stop.set)
        running.result(timeout=10)


@contextmanager
def pd_stack(
    nats: NatsThread,
    nats_url: str,
    store: EventStore,
    database_url: str,
    engine: Engine,
    projector: bool = True,
) -> Iterator[Stack]:
    """The frontend with every service, the trust days' reactor and (unless told otherwise:
    a test then runs `running_projector` itself, for a while) the projector."""
    migrate(engine, [PACKAGE_DIR])
    settings = Settings(nats_url, database_url, store.settings, SECRET_KEY)
    with ExitStack() as stack:
        services = {
            "trustdays": stack.enter_context(serve(trustdays_app(settings))),
            "directory": stack.enter_context(serve(directory_app(settings))),
            "trustyear": stack.enter_context(serve(trustyear_app(settings))),
            "networks": stack.enter_context(serve(networks_app(settings))),
            "notifications": stack.enter_context(serve(notifications_app(settings))),
        }
        if projector:
            stack.enter_context(running_projector(nats, store, engine))
        stack.enter_context(running_reactor(nats, store, TRUSTDAYS_REACTIONS))
        app = create_app(settings, services)
        yield Stack(app, engine, services)
        app.extensions["engine"].dispose()


@contextmanager
def networks_stack(
    nats: NatsThread, nats_url: str, store: EventStore, database_url: str, engine: Engine
) -> Iterator[Stack]:
    """The frontend with the networks service and its reactor (series occurrences, agendas,
    clash alerts), the directory, and the projector."""
    migrate(engine, [PACKAGE_DIR])
    settings = Settings(nats_url, database_url, store.settings, SECRET_KEY)
    with ExitStack() as stack:
        services = {
            "networks": stack.enter_context(serve(networks_app(settings))),
            "directory": stack.enter_context(serve(directory_app(settings))),
            "trustyear": stack.enter_context(serve(trustyear_app(settings))),
        }
        stack.enter_context(running_projector(nats, store, engine))
        stack.enter_context(running_reactor(nats, store, NETWORKS_REACTIONS))
        app = create_app(settings, services)
        yield Stack(app, engine, services)
        app.extensions["engine"].dispose()


def projected(engine: Engine, day: dict) -> bool:
    """Whether a day made by `open_day` is in the read models: published, every session."""
    found = pd_queries.find_day(engine, day["day_id"])
    shown = pd_queries.timetable(engine, day["day_id"], slot_id=day["slot_id"])
    return bool(
        found
        and found.status == "published"
        and shown
        and len(shown[0].sessions) == len(day["sessions"])
    )


def projected_all(nats: NatsThread, store: EventStore, engine: Engine) -> bool:
    """Whether every projection has applied the log as it stands (a fixture that appends
    its world waits for this before a test reads a page)."""
    return projections_reached(engine, nats.run(store.last_seq()))


def projections_reached(engine: Engine, seq: int) -> bool:
    """Whether every projection's checkpoint is at `seq` or beyond."""
    return all(status(engine, projection.name).last_seq >= seq for projection in PROJECTIONS)
