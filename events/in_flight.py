"""At most so many requests at once to each service, from one process: a paused or hung
service would otherwise hold every worker thread of the front door (each request waiting
for its timeout) and stop the pages of every other service too. Past the limit, while the
oldest has waited too long, a request is refused at once, before it is sent: nothing was
done. The limit is a setting (events.config.Settings.in_flight_per_service,
STAFFROOM_IN_FLIGHT_PER_SERVICE)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_LIMIT = 8
"""Half the front door's 16 threads (docs/deploy.md): a stuck service leaves the rest."""
STUCK_AFTER = 2.0
"""Seconds the oldest request must have waited before the limit applies: in a booking rush
a healthy service's requests last milliseconds, and more than `limit` at once are served."""


class Full(Exception):
    """As many requests as allowed are waiting on this service, the oldest for too long."""


class InFlight:
    """Each target's requests under way: past `limit` while the oldest has waited more than
    `stuck_after` seconds, the next one is refused."""

    def __init__(
        self,
        limit: int,
        stuck_after: float = STUCK_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.stuck_after, self.clock = limit, stuck_after, clock
        self._lock = threading.Lock()
        self._started: dict[str, dict[object, float]] = {}

    def take(self, target: str) -> object:
        """One more request to `target` (its token, to give back), or Full."""
        token = object()
        with self._lock:
            started = self._started.setdefault(target, {})
            now = self.clock()
            if len(started) >= self.limit and now - min(started.values()) > self.stuck_after:
                raise Full(target)
            started[token] = now
        return token

    def give_back(self, target: str, token: object) -> None:
        with self._lock:
            self._started[target].pop(token, None)

    @contextmanager
    def holding(self, target: str) -> Iterator[None]:
        token = self.take(target)
        try:
            yield
        finally:
            self.give_back(target, token)
