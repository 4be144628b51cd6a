"""nats-server stopped and started again while a client appends."""

import threading
import time

import pytest

from events import CommandLoop, EventStore, StreamSettings
from events.connection import NatsThread
from events.embedded import EmbeddedNats
from tests.support.counter import CounterDecider, Increment


@pytest.mark.slow
def test_client_goes_on_through_a_server_restart_and_loses_no_acknowledged_event(tmp_path):
    server = EmbeddedNats(tmp_path / "nats").start()
    client = NatsThread(server.url, name="restart-test")
    store = EventStore(client.nc, StreamSettings(name="RESTART", subjects=("restart.>",)))
    client.run(store.ensure_stream())
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "1")
    acknowledged: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def append_until_stopped() -> None:
        while not stop.is_set():
            try:
                outcome = client.run(loop.execute(subject, Increment(by=1)), timeout=60)
            except BaseException as error:
                failures.append(error)
                return
            acknowledged.append(outcome.seq)

    writer = threading.Thread(target=append_until_stopped)
    writer.start()
    try:
        while len(acknowledged) < 200:
            time.sleep(0.01)
        server.stop()
        before_restart = len(acknowledged)
        time.sleep(1.0)  # the client is appending into the void
        during_outage = len(acknowledged) - before_restart
        server.start()
        while len(acknowledged) < before_restart + 200 and not failures:
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(timeout=90)
    try:
        assert failures == []
        assert during_outage <= 1  # at most one ack was already on its way: the outage was real
        events, _ = client.run(store.load(subject))
        assert len(events) == len(acknowledged) == len(set(acknowledged))
        assert {event.seq for event in events} == set(acknowledged)
        assert CounterDecider().fold(events) == len(acknowledged)
    finally:
        client.close()
        server.stop()
