"""The log's health, as the operator's page shows it: never raises, whatever is down."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from nats.js.errors import NotFoundError
from sqlalchemy import Engine, Row
from sqlalchemy.exc import SQLAlchemyError

from events.config import Settings
from events.connection import process_connection
from events.projection import Status, status
from events.store import EventStore
from readmodels.log_stats import event_counts
from readmodels.registry import PROJECTIONS


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


@dataclass(frozen=True)
class Health:
    stream: str
    nats_ok: bool
    last_seq: int | None
    db_ok: bool
    projections: list[ProjectionHealth] = field(default_factory=list)
    counts: list[Row] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))


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


def stream_last_seq(settings: Settings) -> tuple[bool, int | None]:
    """(NATS reachable, the stream's last sequence or None if it is not there)."""
    if not nats_listening(settings.nats_url):
        return False, None
    try:
        nats = process_connection(settings.nats_url, name="frontend")
        return True, nats.run(EventStore(nats.nc, settings.stream).last_seq(), timeout=2)
    except NotFoundError:
        return True, None
    except Exception:  # reconnecting, timed out: for this page, NATS is away
        return False, None


def projection_health(
    now: Status, last_seq: int | None, unread_since: datetime | None = None
) -> ProjectionHealth:
    lag = None if last_seq is None else max(last_seq - now.last_seq, 0)
    progress = now.progress(last_seq or 0, unread_since, datetime.now(UTC))
    return ProjectionHealth(now.name, now.last_seq, lag, now.failed_seq, now.failure, progress)


def appended_at(settings: Settings, seq: int) -> datetime | None:
    """When message `seq` was appended to the log (None if NATS cannot say now)."""
    try:
        nats = process_connection(settings.nats_url, name="frontend")
        store = EventStore(nats.nc, settings.stream)
        message = nats.run(store.js.get_msg(store.stream, seq), timeout=2)
    except Exception:  # reconnecting, timed out: unknown, and the page says catching up
        return None
    at = message.time
    return datetime.fromisoformat(at) if isinstance(at, str) else at


def read_health(settings: Settings, engine: Engine) -> Health:
    nats_ok, last_seq = stream_last_seq(settings)
    try:
        applied = [status(engine, p.name) for p in PROJECTIONS]
        counts = list(event_counts(engine))
    except SQLAlchemyError:
        return Health(settings.stream.name, nats_ok, last_seq, db_ok=False)
    unread = {s.last_seq + 1 for s in applied if last_seq and s.last_seq < last_seq}
    since = {seq: appended_at(settings, seq) for seq in unread}
    projections = [projection_health(s, last_seq, since.get(s.last_seq + 1)) for s in applied]
    return Health(settings.stream.name, nats_ok, last_seq, True, projections, counts)
