"""One projector at a time: a lease on PostgreSQL (a session advisory lock).

Two projectors at once would be safe (each batch locks its projection's checkpoint row,
so no event is applied twice) but wasteful: each recreates the durable consumers at its
checkpoint when it starts, so they would keep taking them from each other. With the
lease a second projector waits as a standby and takes over within seconds of the first
one's death (its connection closes, the lock goes with it). A projector that loses its
lease's connection stops at once, and its restart policy makes it a standby again.

SQLite is one machine's database: there is nothing to share, and no lease.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
RETRY = 2.0
"""Seconds a standby waits between tries, and the holder between checks of its lease."""


class Lease:
    """Whether this process holds the lease now (for /readyz and /metrics)."""

    def __init__(self) -> None:
        self.held = threading.Event()


@contextmanager
def exclusive(database_url: str, name: str, lease: Lease | None = None) -> Iterator[Lease]:
    """Hold the lease `name` while the block runs, waiting for it first."""
    lease = lease or Lease()
    if not database_url.startswith("postgresql"):
        lease.held.set()
        yield lease
        return
    engine = create_engine(database_url, poolclass=NullPool)
    connection = engine.connect()
    try:
        wait_for_lock(connection, name)
        lease.held.set()
        stop = threading.Event()
        watching = threading.Thread(target=watch, args=(connection, stop), daemon=True)
        watching.start()
        try:
            yield lease
        finally:
            stop.set()
            watching.join()
    finally:
        lease.held.clear()
        connection.close()
        engine.dispose()


def wait_for_lock(connection: Connection, name: str) -> None:
    said = False
    while not connection.scalar(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": name}):
        connection.commit()
        if not said:
            log.info("standby: another process holds the lease %r; waiting for it", name)
            said = True
        threading.Event().wait(RETRY)
    connection.commit()
    log.info("holding the lease %r", name)


def watch(connection: Connection, stop: threading.Event) -> None:
    """Stop this process (SIGTERM, a clean stop) if the lease's connection is lost: the
    lock has gone with it, and a standby may already have taken over."""
    while not stop.wait(RETRY):
        try:
            connection.execute(text("SELECT 1"))
            connection.commit()
        except Exception:
            log.error("lost the lease's database connection: stopping")
            os.kill(os.getpid(), signal.SIGTERM)
            return
