"""Where each projection is against the log, said once for the operator page and for
`staffroom projections status`: Status.progress decides (events/projection.py), and
ProjectionHealth says it in the same words for both."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from nats.js.errors import NotFoundError
from sqlalchemy import Engine

from events import projection
from events.config import Settings
from events.connection import NatsThread
from events.projection import Status, status
from events.store import EventStore

STATES = {"not moving": "Not moving", "catching up": "Catching up", "up to date": "Running"}
"""How each Status.progress but "stopped" is said (a stopped one names its sequence)."""
Connection = Callable[[], NatsThread]
"""The NATS connection to ask, made when first needed (the page's is its process's)."""


@dataclass(frozen=True)
class ProjectionHealth:
    name: str
    checkpoint: int | None
    lag: int | None
    failed_seq: int | None = None
    """The event this projection stopped at (it could not apply it), and why."""
    failure: str | None = None
    progress: str = "up to date"
    """Status.progress: up to date, catching up, not moving or stopped."""

    @property
    def state(self) -> str:
        """ "Stopped at sequence 7", "Not moving", "Catching up" or "Running"."""
        if self.failed_seq:
            return f"Stopped at sequence {self.failed_seq}"
        return STATES.get(self.progress, "Running")

    @property
    def why(self) -> str | None:
        """What the state means and what to look at, where there is something to say."""
        if self.failed_seq:
            return self.failure
        if self.progress == "not moving":
            seconds = projection.NOT_MOVING_AFTER.total_seconds()
            return f"behind the log, and no event read for {seconds:g} s: is the projector running?"
        return None

    @property
    def down(self) -> bool:
        """Stopped or not moving: someone must act."""
        return bool(self.failed_seq) or self.progress in ("stopped", "not moving")


def nats_listening(url: str, timeout: float = 0.5) -> bool:
    """A quick look before using the connection: connecting to a server that is down
    waits several seconds, and the page must answer at once either way."""
    for server in url.split(","):
        parts = urlsplit(server.strip() if "://" in server else f"nats://{server.strip()}")
        try:
            with socket.create_connection((parts.hostname, parts.port or 4222), timeout):
                return True
        except OSError:
            continue
    return False


def stream_last_seq(settings: Settings, nats: Connection) -> tuple[bool, int | None]:
    """(NATS reachable, the stream's last sequence or None if it is not there)."""
    if not nats_listening(settings.nats_url):
        return False, None
    try:
        connection = nats()
        return True, connection.run(
            EventStore(connection.nc, settings.stream).last_seq(), timeout=2
        )
    except NotFoundError:
        return True, None
    except Exception:  # reconnecting, timed out: for this page, NATS is away
        return False, None


def appended_at(settings: Settings, nats: Connection, seq: int) -> datetime | None:
    """When message `seq` was appended to the log (None if NATS cannot say now)."""
    try:
        connection = nats()
        store = EventStore(connection.nc, settings.stream)
        message = connection.run(store.js.get_msg(store.stream, seq), timeout=2)
    except Exception:  # reconnecting, timed out: unknown, and the page says catching up
        return None
    at = message.time
    return datetime.fromisoformat(at) if isinstance(at, str) else at


def projection_health(
    now: Status, last_seq: int | None, unread_since: datetime | None = None
) -> ProjectionHealth:
    lag = None if last_seq is None else max(last_seq - now.last_seq, 0)
    progress = now.progress(last_seq or 0, unread_since, datetime.now(UTC))
    return ProjectionHealth(now.name, now.last_seq, lag, now.failed_seq, now.failure, progress)


def projections_health(
    settings: Settings,
    engine: Engine,
    names: Sequence[str],
    last_seq: int | None,
    nats: Connection,
) -> list[ProjectionHealth]:
    """Each projection named against the log's `last_seq` (None: unknown). Raises
    SQLAlchemyError when the checkpoints cannot be read."""
    applied = [status(engine, name) for name in names]
    unread = {s.last_seq + 1 for s in applied if last_seq and s.last_seq < last_seq}
    since = {seq: appended_at(settings, nats, seq) for seq in unread}
    return [projection_health(s, last_seq, since.get(s.last_seq + 1)) for s in applied]
