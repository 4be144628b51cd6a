"""The NATS connection for every process."""

import asyncio

import nats.errors
import pytest

from events.connection import connect, disconnect
from events.embedded import free_port


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
