"""One NATS connection per process and NATS user, on an event loop in a background thread.

Flask views are synchronous; nats-py is asyncio. Each process (each gunicorn worker: the
connection is made on first use, so after the fork) runs a loop thread per connection (one,
unless it serves several services: deploy/services_together.py) and views hand it
coroutines with `run()`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import nats
from nats.aio.client import Client as NATS

from events import loop_http
from events.nats_access import without_credentials
from events.snapshots import written

log = logging.getLogger(__name__)
T = TypeVar("T")
SNAPSHOT_WAIT = 2.0
"""Seconds a closing connection lets its snapshots finish writing before cancelling them."""


async def connect(url: str, name: str = "staffroom", wait: float = 10.0) -> NATS:
    """Connect, waiting up to `wait` seconds for the server; once connected, reconnect
    forever. (nats-py applies an unlimited reconnect count to the first connection too, so
    the wait is bounded here.) Raises NoServersError when no server answered in time."""
    connected = False
    reconnecting = False
    made: list[NATS] = []

    async def report_error(error: Exception) -> None:
        # Before the first connection the caller hears of it once, through the exception;
        # while reconnecting, each attempt that fails (4 a second) only at debug level: the
        # disconnect and the reconnect say the outage in two lines.
        level = logging.WARNING if connected and not reconnecting else logging.DEBUG
        log.log(level, "NATS: %s", error)

    async def report_disconnect() -> None:
        nonlocal reconnecting
        if made and (made[0].is_closed or made[0].is_draining):
            log.info("NATS: disconnected from %s", without_credentials(url))  # closed by us
            return
        reconnecting = True
        log.warning("NATS: disconnected from %s; reconnecting", without_credentials(url))

    async def report_reconnect() -> None:
        nonlocal reconnecting
        reconnecting = False
        log.warning("NATS: reconnected to %s", without_credentials(url))

    connecting = nats.connect(
        # Several servers (a cluster) comma-separated: nats-py wants them as a list.
        [server.strip() for server in url.split(",")],
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        ping_interval=10,
        max_outstanding_pings=3,
        connect_timeout=2,
        error_cb=report_error,
        disconnected_cb=report_disconnect,
        reconnected_cb=report_reconnect,
    )
    try:
        nc = await asyncio.wait_for(connecting, wait)
    except TimeoutError:
        raise nats.errors.NoServersError() from None
    connected = True
    made.append(nc)
    return nc


async def disconnect(nc: NATS, timeout: float = 5.0) -> None:
    """Drain (deliver what is pending, then close) if connected; with the server gone there
    is nothing to drain and no reason to wait."""
    if not nc.is_connected:
        await nc.close()
        return
    try:
        await asyncio.wait_for(nc.drain(), timeout)
    except (TimeoutError, nats.errors.Error) as error:
        log.info("NATS: drain did not finish (%s); closing", error)
        await nc.close()


class NotConfirmed(TimeoutError):
    """The work handed to NATS did not finish in time and was cancelled: whatever it sent
    may or may not have reached the server (a command retried with the same idempotency
    key learns which)."""


class NatsThread:
    """A NATS connection owned by a background event loop, usable from any thread."""

    def __init__(self, url: str, name: str = "staffroom"):
        self.url = url
        self.name = name
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="nats", daemon=True)
        self._thread.start()
        self.nc: NATS = self.run(connect(url, name))

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 30.0) -> T:
        """Run a coroutine on the connection's loop and wait for its result. After `timeout`
        seconds the coroutine is cancelled (it does not go on behind the caller's back) and
        NotConfirmed is raised.

        From a request served on this loop itself (events.loop_http) nothing crosses a
        thread: the loop awaits the coroutine while it serves other requests."""
        if loop_http.awaiting() and threading.get_ident() == self._thread.ident:
            return loop_http.wait(self._bounded(coroutine, timeout))
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            if not future.cancel():  # it had finished: its own result, or its own error
                return future.result()
            raise NotConfirmed(f"NATS did not answer within {timeout} s") from None

    @staticmethod
    async def _bounded(coroutine: Coroutine[Any, Any, T], timeout: float | None) -> T:
        """`run`'s deadline on the loop: cancelled after `timeout` s, NotConfirmed."""
        deadline = asyncio.timeout(timeout)
        try:
            async with deadline:
                return await coroutine
        except TimeoutError:
            if deadline.expired():
                raise NotConfirmed(f"NATS did not answer within {timeout} s") from None
            raise  # the coroutine's own (a NATS request's): as `run` raises it

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.run(written(timeout=SNAPSHOT_WAIT), timeout=10)
        self.run(disconnect(self.nc), timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


_connections: dict[str, NatsThread] = {}
"""This process's connections, by URL (each URL names its NATS user)."""
_owner: int | None = None
"""The process `_connections` belong to: after a fork they are the parent's, not ours."""
_lock = threading.Lock()


def process_connection(url: str, name: str = "staffroom") -> NatsThread:
    """This process's connection to `url`, made on first use (so after a gunicorn fork).

    One per URL, not one per process: services served in one process (deploy/
    services_together.py) each connect as their own NATS user, with their own rights."""
    global _owner
    with _lock:
        if _owner != os.getpid():
            _connections.clear()
            _owner = os.getpid()
        connection = _connections.get(url)
        if connection is None:
            connection = _connections[url] = NatsThread(url, name)
            atexit.register(connection.close)
        return connection


def close_process_connection() -> None:
    """Close this process's connections now (at exit they close themselves)."""
    global _owner
    with _lock:
        if _owner == os.getpid():
            for connection in _connections.values():
                connection.close()
        _connections.clear()
        _owner = os.getpid()
