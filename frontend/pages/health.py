"""The log's health, as the operator's page shows it: never raises, whatever is down. Each
projection's state is said by events/projection_health.py, as `staffroom projections
status` says it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, Row
from sqlalchemy.exc import SQLAlchemyError

from events.config import Settings
from events.connection import NatsThread, process_connection
from events.projection_health import ProjectionHealth, projections_health, stream_last_seq
from readmodels.log_stats import event_counts
from readmodels.registry import PROJECTIONS


@dataclass(frozen=True)
class Health:
    stream: str
    nats_ok: bool
    last_seq: int | None
    db_ok: bool
    projections: list[ProjectionHealth] = field(default_factory=list)
    counts: list[Row] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def read_health(settings: Settings, engine: Engine) -> Health:
    def nats() -> NatsThread:
        return process_connection(settings.nats_url, name="frontend")

    nats_ok, last_seq = stream_last_seq(settings, nats)
    names = [p.name for p in PROJECTIONS]
    try:
        projections = projections_health(settings, engine, names, last_seq, nats)
        counts = list(event_counts(engine))
    except SQLAlchemyError:
        return Health(settings.stream.name, nats_ok, last_seq, db_ok=False)
    return Health(settings.stream.name, nats_ok, last_seq, True, projections, counts)
