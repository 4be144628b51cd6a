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

import sqlalchemy.exc
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
    checkpoint and wakes the waiters whose sequence has been applied: a hundred pages
    waiting cost one small query, not one each. On SQLite it looks every `interval` whether
    the database's files changed (a stat, not a query) and reads only then, or at least
    every `read_every`: polling with a query every 2 ms was about 6% of the frontend's CPU
    in the booking rush (make bench --only front); a page still wakes within about 2 ms of
    the projector's commit. On PostgreSQL it waits for a notification instead (no query
    until the projector commits; polling with a query every 2 ms cost the frontend about as
    much there), and reads anyway every `listening_read_every` in case one was lost."""

    def __init__(
        self,
        engine: Engine,
        query: Select,
        interval: float = 0.002,
        read_every: float = 0.02,
        listening_read_every: float = 0.25,
    ):
        self._engine = weakref.ref(engine)  # the engine's own life decides when it goes
        self.query = query
        self.interval, self.read_every = interval, read_every
        self.listening_read_every = listening_read_every
        self._files = _database_files(engine)
        self._listens = engine.url.get_backend_name() == "postgresql"
        self.linger = 10.0
        """Seconds a listening watch stays after its last waiter: its connection is made
        once for a burst of taps, not for each (nothing is read meanwhile but on a commit)."""
        self._waited_at = 0.0
        self._reached: dict[str, int] = {}
        self._waiting = 0
        self._changed = threading.Condition()
        self._watching = False

    def wait_for(self, name: str, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiting += 1
            try:
                self._start()
                while self._reached.get(name, 0) < seq:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
                return True
            finally:
                self._waiting -= 1

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
        with self._changed:
            if self._waiting:
                self._waited_at = time.monotonic()
            elif time.monotonic() - self._waited_at >= linger:
                # Stale values are only lower bounds while the thread runs; a rebuild
                # may lower a checkpoint, so a new watch starts from nothing.
                self._watching, self._reached = False, {}
                return False
            return True

    def _tell(self, reached: dict[str, int]) -> None:
        with self._changed:
            self._reached.update(reached)
            self._changed.notify_all()

    def _poll(self) -> None:
        seen, read_at = None, 0.0
        while self._still_waited_for():
            stamp, now = self._stamp(), time.monotonic()
            if stamp is None or stamp != seen or now - read_at >= self.read_every:
                seen, read_at = stamp, now  # stamped before reading: a later change is seen
                self._tell(self._read())
            time.sleep(self.interval)

    def _listen(self) -> None:
        """PostgreSQL: LISTEN on a connection of the watch's own, read the checkpoints once
        listening (a commit before is read, one after notifies), then again after each
        notification, or every `listening_read_every` at the latest."""
        engine = self._engine()
        if engine is None:
            return
        args, options = engine.dialect.create_connect_args(engine.url)
        options.setdefault("connect_timeout", 5)
        connection = engine.dialect.loaded_dbapi.connect(*args, **options)
        del engine  # the engine's own life decides when the watch goes
        try:
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            query = str(self.query.compile(compile_kwargs={"literal_binds": True}))
            while self._engine() is not None and self._still_waited_for(self.linger):
                self._tell({name: seq for name, seq in connection.execute(query)})
                if list(connection.notifies(timeout=self.listening_read_every, stop_after=1)):
                    list(connection.notifies(timeout=0))  # those come meanwhile: one read
        finally:
            connection.close()

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

    def _read(self) -> dict[str, int]:
        engine = self._engine()
        if engine is None:
            return {}
        try:
            with engine.connect() as connection:
                return {name: seq for name, seq in connection.execute(self.query)}
        except sqlalchemy.exc.SQLAlchemyError:
            log.warning("could not read the projections' checkpoints", exc_info=True)
            time.sleep(0.1)
            return {}


def _database_files(engine: Engine) -> tuple[str, ...]:
    """A SQLite database's file and its write-ahead log, where a commit writes: () for any
    other database (or one in memory)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return ()
    return (database, f"{database}-wal")
