"""Read your writes: a page waits (bounded) until the projection it reads has applied the
sequence its command was given (events.projection.wait_for). On PostgreSQL one thread per
process and engine LISTENs for the NOTIFY a trigger on the checkpoints sends when the
projector commits (migration events_0003) and wakes the waiters; SQLite tells no other
process, so there each waiting thread reads the checkpoints itself, every millisecond, on a
connection of its own."""

from __future__ import annotations

import logging
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
    """Read your writes for a whole process.

    On PostgreSQL, while anyone waits, one thread LISTENs for the checkpoints'
    notification, reads every checkpoint and wakes the waiters whose sequence has been
    applied, and only them: a hundred pages waiting cost one small query, not one each.
    It reads anyway every `listening_read_every` in case a notification was lost, and stays
    `linger` seconds after the last waiter, so a burst of taps connects once.

    On SQLite (or if listening fails) each waiting thread reads the checkpoints itself,
    every `interval`, on a connection of the thread's own, straight through the driver
    (through the engine's pool each read cost ten times the query). In the rush most pages
    find their write applied at the first read: the projector commits while the answer
    comes back. A watch thread looking at the database's files every 2 ms and waking the
    waiters cost a page a GIL hand-over or more per step, on two busy cores about 5 ms each
    (make bench --only front: the wait's p50 9-18 ms, against 0.1-5 ms now;
    docs/performance.md)."""

    def __init__(
        self,
        engine: Engine,
        query: Select,
        interval: float = 0.001,
        listening_read_every: float = 0.25,
        linger: float = 10.0,
    ):
        self._engine = weakref.ref(engine)  # the engine's own life decides when it goes
        self.query = query
        self._sql = str(
            query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        )
        self.interval = interval
        self.listening_read_every, self.linger = listening_read_every, linger
        self._listens = engine.url.get_backend_name() == "postgresql"
        self._reached: dict[str, int] = {}
        self._waiters: list[_Waiter] = []
        self._waited_at = 0.0
        self._lock = threading.Lock()
        self._watching = False
        self._here = threading.local()
        """Each waiting thread's own connection, where it reads for itself."""

    def wait_for(self, name: str, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if self._listens:
            notified = self._notified(name, seq, timeout)
            if notified or self._listens:  # still listening: it has read what there is
                return notified
        return self._read_until(name, seq, deadline)

    def _notified(self, name: str, seq: int, timeout: float) -> bool:
        """Whether the listening thread saw `seq` applied within `timeout`."""
        with self._lock:
            if self._reached.get(name, 0) >= seq:  # lower bounds while the watch runs
                return True
            waiter = _Waiter(name, seq)
            self._waiters.append(waiter)
            self._start()
        waiter.woken.acquire(timeout=timeout)
        with self._lock:
            self._waiters.remove(waiter)
            self._waited_at = time.monotonic()
            return self._reached.get(name, 0) >= seq

    def _read_until(self, name: str, seq: int, deadline: float) -> bool:
        """Read the checkpoints here until `seq` is applied, or once more at `deadline`."""
        while True:
            reached = self._read_here()
            if reached is not None and reached.get(name, 0) >= seq:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.interval if reached is not None else 0.1)

    def _read_here(self) -> dict[str, int] | None:
        """The checkpoints, read by this thread on its own connection (None: not read)."""
        connection = getattr(self._here, "connection", None)
        try:
            connection = self._here.connection = connection or self._connect()
            return self._read(connection)
        except Exception:  # any driver's error: a new connection next time
            log.warning("could not read the projections' checkpoints", exc_info=True)
            _close(connection)
            self._here.connection = None
            return None

    def _start(self) -> None:
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, name="checkpoint-watch", daemon=True).start()

    def _watch(self) -> None:
        try:
            self._listen()
        except Exception:  # any driver's error: each waiter reads for itself from now on
            log.warning("could not listen for checkpoints; polling", exc_info=True)
            with self._lock:
                self._listens, self._watching, self._reached = False, False, {}
                for waiter in self._waiters:
                    if not waiter.told:
                        waiter.told = True
                        waiter.woken.release()

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
        """A connection of the listening thread's own, or a waiting thread's, through the
        driver, each query its own transaction (None if the engine is gone)."""
        engine = self._engine()
        if engine is None:
            return None
        args, options = engine.dialect.create_connect_args(engine.url)
        sqlite = engine.url.get_backend_name() == "sqlite"
        if not sqlite:
            options.setdefault("connect_timeout", 5)
        connection = engine.dialect.loaded_dbapi.connect(*args, **options)
        if sqlite:
            connection.isolation_level = None
        else:
            connection.autocommit = True
        return connection

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
