"""Read your writes: a page waits (bounded) until the projection it reads has applied the
sequence its command was given. One watch per process and engine reads the checkpoints for
every waiter (events.projection.wait_for), when they change: on PostgreSQL it LISTENs for
the NOTIFY a trigger on the checkpoints sends when the projector commits (migration
events_0003); SQLite tells no other process, so there it looks at the database's files."""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine, Select

log = logging.getLogger(__name__)
CHANNEL = "staffroom_checkpoints"
"""What the checkpoints' trigger notifies on PostgreSQL (events/migrations, events_0003).
A notification only says "read again": channels are the database's, not a schema's, so
another schema's projector (a parallel test's) may send one too."""


class CheckpointWatches:
    """A watch per engine, made when someone first waits on it."""

    def __init__(self, query: Select):
        self.query = query
        """Every checkpoint: (name, last_seq) rows."""
        self._watches: weakref.WeakKeyDictionary[Engine, CheckpointWatch] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def wait_for(self, engine: Engine, name: str, seq: int, timeout: float) -> bool:
        with self._lock:
            watch = self._watches.get(engine)
            if watch is None:
                watch = self._watches[engine] = CheckpointWatch(engine, self.query)
        return watch.wait_for(name, seq, timeout)


class CheckpointWatch:
    """Read your writes for a whole process. While anyone waits, one thread reads every
    checkpoint and wakes the waiters whose sequence has been applied, and only them: a
    hundred pages waiting cost one small query, not one each. It reads on a connection of
    its own, straight through the driver (through the engine's pool each read cost ten times
    the query). On SQLite it looks every `interval` whether the database's files changed (a
    stat, not a query) and reads only then, or at least every `read_every`: a page wakes
    within about 2 ms of the projector's commit. On PostgreSQL it waits for the checkpoints'
    notification instead (polling with a query every 2 ms cost the frontend about as much
    there), reads anyway every `listening_read_every` in case one was lost, and stays
    `linger` seconds after the last waiter, so a burst of taps connects once."""

    def __init__(
        self,
        engine: Engine,
        query: Select,
        interval: float = 0.002,
        read_every: float = 0.02,
        listening_read_every: float = 0.25,
        linger: float = 10.0,
    ):
        self._engine = weakref.ref(engine)  # the engine's own life decides when it goes
        self.query = query
        self._sql = str(
            query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        )
        self.interval, self.read_every = interval, read_every
        self.listening_read_every, self.linger = listening_read_every, linger
        self._files = _database_files(engine)
        self._listens = engine.url.get_backend_name() == "postgresql"
        self._reached: dict[str, int] = {}
        self._waiters: list[_Waiter] = []
        self._waited_at = 0.0
        self._lock = threading.Lock()
        self._watching = False

    def wait_for(self, name: str, seq: int, timeout: float) -> bool:
        with self._lock:
            if self._reached.get(name, 0) >= seq:  # lower bounds while the watch runs
                return True
            waiter = _Waiter(name, seq)
            self._waiters.append(waiter)
            self._start()
        woke = waiter.woken.acquire(timeout=timeout)
        with self._lock:
            self._waiters.remove(waiter)
            self._waited_at = time.monotonic()
            return woke or self._reached.get(name, 0) >= seq

    def _start(self) -> None:
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, name="checkpoint-watch", daemon=True).start()

    def _watch(self) -> None:
        if self._listens:
            try:
                self._listen()
            except Exception:  # any driver's error: poll instead
                log.warning("could not listen for checkpoints; polling", exc_info=True)
                self._listens = False
            else:
                return
        self._poll()

    def _still_waited_for(self, linger: float = 0.0) -> bool:
        """Whether to go on watching: while anyone waits, and `linger` seconds after."""
        with self._lock:
            if self._waiters:
                return True
            if time.monotonic() - self._waited_at < linger and self._engine() is not None:
                return True
            # Stale values are only lower bounds while the thread runs; a rebuild may lower
            # a checkpoint, so a new watch starts from nothing.
            self._watching, self._reached = False, {}
            return False

    def _tell(self, reached: dict[str, int]) -> None:
        """The checkpoints as read: wake each waiter whose sequence they reach."""
        with self._lock:
            self._reached.update(reached)
            for waiter in self._waiters:
                if not waiter.told and self._reached.get(waiter.name, 0) >= waiter.seq:
                    waiter.told = True
                    waiter.woken.release()

    def _connect(self) -> Any:
        """A connection of the watch's own, through the driver, each query its own
        transaction (None if the engine is gone)."""
        engine = self._engine()
        if engine is None:
            return None
        args, options = engine.dialect.create_connect_args(engine.url)
        if self._listens:
            options.setdefault("connect_timeout", 5)
        connection = engine.dialect.loaded_dbapi.connect(*args, **options)
        if engine.url.get_backend_name() == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        return connection

    def _poll(self) -> None:
        seen, read_at, connection = None, 0.0, None
        try:
            while self._still_waited_for():
                stamp, now = self._stamp(), time.monotonic()
                if stamp is None or stamp != seen or now - read_at >= self.read_every:
                    seen, read_at = stamp, now  # stamped before reading: a later change is seen
                    connection = connection or self._connect()
                    try:
                        self._tell(self._read(connection))
                    except Exception:  # any driver's error: a new connection, a moment later
                        log.warning("could not read the projections' checkpoints", exc_info=True)
                        _close(connection)
                        connection = None
                        time.sleep(0.1)
                time.sleep(self.interval)
        finally:
            _close(connection)

    def _listen(self) -> None:
        """PostgreSQL: LISTEN, read the checkpoints once listening (a commit before is read,
        one after notifies), then again after each notification, or every
        `listening_read_every` at the latest."""
        connection = self._connect()
        try:
            if connection is None:
                return
            connection.execute(f"LISTEN {CHANNEL}")
            while self._still_waited_for(self.linger):
                self._tell(self._read(connection))
                if list(connection.notifies(timeout=self.listening_read_every, stop_after=1)):
                    list(connection.notifies(timeout=0))  # those come meanwhile: one read
        finally:
            _close(connection)

    def _read(self, connection: Any) -> dict[str, int]:
        if connection is None:  # the engine is gone
            return {}
        cursor = connection.cursor()
        try:
            cursor.execute(self._sql)
            return {name: seq for name, seq in cursor.fetchall()}
        finally:
            cursor.close()

    def _stamp(self) -> tuple[tuple[int, int], ...] | None:
        """When and how big the database's files are; None: not files to look at."""
        if not self._files:
            return None
        stamps = []
        for path in self._files:
            try:
                found = os.stat(path)
            except OSError:  # no -wal file yet
                stamps.append((0, 0))
            else:
                stamps.append((found.st_mtime_ns, found.st_size))
        return tuple(stamps)


class _Waiter:
    """A page waiting for `name` to reach `seq`: `woken` is held until it has."""

    __slots__ = ("name", "seq", "told", "woken")

    def __init__(self, name: str, seq: int):
        self.name, self.seq, self.told = name, seq, False
        self.woken = threading.Lock()
        self.woken.acquire()


def _close(connection: Any) -> None:
    if connection is not None:
        with suppress(Exception):
            connection.close()


def _database_files(engine: Engine) -> tuple[str, ...]:
    """A SQLite database's file and its write-ahead log, where a commit writes: () for any
    other database (or one in memory)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return ()
    return (database, f"{database}-wal")
