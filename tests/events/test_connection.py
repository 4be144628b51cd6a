"""The NATS connection for every process."""

import asyncio

import nats.errors
import pytest

from events import snapshots
from events.connection import NatsThread, connect, disconnect
from events.embedded import free_port
from events.snapshots import Snapshots


def test_connect_gives_up_after_its_wait_when_no_server_answers():
    async def attempt():
        await connect(f"nats://127.0.0.1:{free_port()}", wait=0.5)

    with pytest.raises(nats.errors.NoServersError):
        asyncio.run(asyncio.wait_for(attempt(), 5))  # the outer bound only catches a hang


def test_connect_and_disconnect(nats_server):
    async def round_trip():
        nc = await connect(nats_server.url, wait=2)
        connected = nc.is_connected
        await disconnect(nc)
        return connected, nc.is_closed

    assert asyncio.run(round_trip()) == (True, True)


def test_a_closing_connection_lets_its_snapshot_writes_finish(nats_server, nats, stream_settings):
    """Nothing left pending when the loop closes (no "Task was destroyed but it is pending"
    at exit): the snapshot a command loop began to write in the background is written."""
    closing = NatsThread(nats_server.url, name="closing")
    writer = Snapshots(closing.nc.jetstream(), stream_settings.name)

    async def begin_writing() -> None:
        writer.write("Counter.a", {"seq": 7})

    closing.run(begin_writing())
    closing.close()
    assert not snapshots._writing
    reader = Snapshots(nats.nc.jetstream(), stream_settings.name)
    assert nats.run(reader.get("Counter.a")) == {"seq": 7}
    nats.run(reader.js.delete_key_value(reader.bucket))
