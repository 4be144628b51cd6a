"""NATS stopped and started again under a reactor: one line says it is away, one that it is
back, and no traceback for each retry in between; a failure that is not NATS keeps its
traceback."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import pytest

from events.connection import NatsThread
from events.outage import Outage, nats_is_away
from events.reactor import Reaction
from events.store import EventStore, StreamSettings
from services.trustdays.domain import DayDecider
from services.trustdays.events import day_subject
from tests.support.reactor import running_reactor
from tests.support.waiting import wait_until


def nothing(*_: object) -> list:
    return []


QUIET = Reaction(
    "quiet", day_subject("*"), frozenset({"DayCancelled"}), DayDecider(), DayDecider(), nothing
)
ALSO = replace(QUIET, name="also")
"""Two reactions of one reactor: still one line for the outage."""


@pytest.mark.slow
def test_an_outage_is_two_lines_not_a_traceback_a_retry(own_nats_server, caplog):
    nats = NatsThread(own_nats_server.url, name="outage-logs")
    store = EventStore(nats.nc, StreamSettings(name="OUTAGE", subjects=("outage.>",)))
    nats.run(store.ensure_stream())
    caplog.set_level(logging.DEBUG, logger="events")
    try:
        with running_reactor(nats, store, [QUIET, ALSO], retry=0.1, idle_wait=0.1):
            time.sleep(0.5)
            own_nats_server.stop()
            time.sleep(8)  # dozens of reconnection attempts; the reactor's fetch times out
            own_nats_server.start()
            assert wait_until(lambda: "reactor: NATS is back" in caplog.text, 30), caplog.text
            said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    finally:
        nats.close()
    assert [r for r in said if r.exc_info] == []
    messages = [r.getMessage() for r in said]
    assert sum("reactor: NATS is away; retrying" in m for m in messages) == 1, messages
    assert sum("reactor: NATS is back" in m for m in messages) == 1, messages
    assert sum(m.startswith("NATS: disconnected") for m in messages) == 1, messages
    assert sum(m.startswith("NATS: reconnected") for m in messages) == 1, messages
    assert len(said) <= 6, messages  # an error, disconnected, away, reconnected, back


def test_only_nats_out_of_reach_is_an_outage(caplog):
    import nats.errors
    import nats.js.errors

    assert nats_is_away(nats.errors.ConnectionClosedError())
    assert nats_is_away(nats.js.errors.ServiceUnavailableError())
    assert not nats_is_away(nats.js.errors.NotFoundError())
    assert not nats_is_away(KeyError("a bug"))
    outage = Outage(logging.getLogger("events.test"), "reactor")
    try:
        raise KeyError("a bug")
    except KeyError as bug:
        outage.failed(bug, "reaction r")
        outage.failed(bug, "reaction r")
    assert [bool(r.exc_info) for r in caplog.records] == [True, True]
