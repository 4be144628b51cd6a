"""Foreign facts: what a service knows of another service's facts, folded from the log.

A service never asks another service before it decides (docs/architecture.md). When it
must know another's facts (the trust's people, from the directory) it folds that
service's subject into a small view of its own, in memory, and keeps it up to date by
reading only what is newer than the last sequence it folded.

`FoldedSubject` is the view itself (asyncio, usable by any code holding an EventStore);
`ForeignFacts` is the same for Flask views, on the process's NATS connection. In a rush a
check costs no round trip: the view is trusted for `max_age` seconds, and a fact it does
not hold yet (someone who joined a moment ago) makes it catch up once before saying no.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Collection, Sequence
from typing import Generic, TypeVar

from events.config import Settings
from events.connection import NatsThread, process_connection
from events.envelope import RecordedEvent
from events.store import EventStore

View = TypeVar("View")
Fold = Callable[[View, Sequence[RecordedEvent]], View]
"""A view with newer events applied, in order: a pure function, like a decider's evolve."""


class FoldedSubject(Generic[View]):
    """One subject of the log, folded into a view of the event types in `types`."""

    def __init__(
        self,
        store: EventStore,
        subject: str,
        types: Collection[str],
        initial: View,
        fold: Fold[View],
    ):
        self.store = store
        self.subject = subject
        self.types = frozenset(types)
        self.fold = fold
        self.view = initial
        self.seq = 0
        """The last stream sequence folded into `view`."""
        self.checked_at = float("-inf")
        """When (time.monotonic) a catch-up that `view` includes began."""
        self._lock: asyncio.Lock | None = None

    def recent(self, max_age: float) -> View | None:
        """The view, if it was the head of the log at most `max_age` seconds ago. Safe from
        any thread: the view is replaced whole, never changed in place."""
        if time.monotonic() - self.checked_at <= max_age:
            return self.view
        return None

    async def catch_up(self) -> View:
        """The view with everything the subject held when this was called. Callers at the
        same time share a read: those who asked while one was under way share the next."""
        asked = time.monotonic()
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.checked_at >= asked:  # a read that began after we asked has finished
                return self.view
            started = time.monotonic()
            events, self.seq = await self._newer(self.seq)
            if events:
                self.view = self.fold(self.view, events)
            self.checked_at = started
            return self.view

    async def _newer(self, after: int) -> tuple[list[RecordedEvent], int]:
        # The store skips (and logs) a message that is not events: nothing another service
        # writes can stop this one deciding.
        events, last = await self.store.load(self.subject, after)
        return [event for event in events if event.type in self.types], last


class ForeignFacts(Generic[View]):
    """A FoldedSubject for Flask code: one per process, on its NATS connection.

    `holds(test)` answers from a view at most `max_age` seconds old when the test passes;
    when it fails the view catches up once and the test is asked again, so a fact appended
    a moment ago is never refused, and a refusal always reflects the head of the log.
    """

    def __init__(
        self,
        *subject: str,
        types: Collection[str],
        initial: View,
        fold: Fold[View],
        max_age: float = 1.0,
    ):
        self.subject = subject
        self.types = types
        self.initial = initial
        self.fold = fold
        self.max_age = max_age

    def holds(self, test: Callable[[View], bool]) -> bool:
        if test(self.view()):
            return True
        return test(self.view(max_age=0.0))

    def view(self, max_age: float | None = None) -> View:
        """The view, caught up unless it was the head of the log at most `max_age` ago."""
        from events.service import time_left_for_nats

        connection, folded = self._folded()
        recent = folded.recent(self.max_age if max_age is None else max_age)
        if recent is not None:
            return recent
        return connection.run(folded.catch_up(), timeout=time_left_for_nats())

    def _folded(self) -> tuple[NatsThread, FoldedSubject[View]]:
        # Flask's imported here: a reactor imports a service's facts and never asks them.
        from flask import current_app

        # One view per app and process: after a gunicorn fork the parent's is not ours.
        settings: Settings = current_app.extensions["settings"]
        connection = process_connection(settings.nats_url, current_app.name)
        key = f"foreign.{id(self)}"
        owner, folded = current_app.extensions.get(key, (None, None))
        if owner != os.getpid() or folded is None:
            store = EventStore(connection.nc, settings.stream)
            subject = store.subject(*self.subject)
            folded = FoldedSubject(store, subject, self.types, self.initial, self.fold)
            current_app.extensions[key] = (os.getpid(), folded)
        return connection, folded
