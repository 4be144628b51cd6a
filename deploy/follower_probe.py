"""What the projector and the reactors report on STAFFROOM_PROBE_PORT (deploy/probe.py):
how far each projection is behind the stream, and how many events each reaction has yet
to act on. Asked of NATS and the database at most every few seconds, on a connection of
the probe's own, so a probe never waits on the work."""

from __future__ import annotations

from collections.abc import Sequence

from deploy.lease import Lease
from deploy.probe import Cached, Metric, append_metrics, database_answers, gauges, serve
from events.config import Settings
from events.connection import NatsThread
from events.db import create_db_engine
from events.projection import Projection, status
from events.reactor import Reaction
from events.store import EventStore


class LogReader:
    """The stream and its consumers as the probe sees them; None when NATS is away."""

    def __init__(self, settings: Settings, name: str):
        self.settings, self.name = settings, name
        self.nats: NatsThread | None = None

    def store(self) -> EventStore:
        if self.nats is None:
            self.nats = NatsThread(self.settings.nats_url, name=self.name)
        return EventStore(self.nats.nc, self.settings.stream)

    def last_seq(self) -> int | None:
        try:
            store = self.store()
            assert self.nats is not None
            return self.nats.run(store.last_seq(), timeout=3)
        except Exception:
            return None

    def pending(self, durable: str) -> int | None:
        try:
            store = self.store()
            assert self.nats is not None
            info = self.nats.run(store.js.consumer_info(store.stream, durable), timeout=3)
            return (info.num_pending or 0) + (info.num_ack_pending or 0)
        except Exception:
            return None

    def connected(self) -> bool:
        self.store()
        return self.nats is not None and self.nats.nc.is_connected


def projector_probe(
    settings: Settings, projections: Sequence[Projection], lease: Lease, port: int
) -> None:
    engine = create_db_engine(settings.database_url)
    reader = LogReader(settings, "projector-probe")
    last_seq = Cached(reader.last_seq)

    def metrics() -> list[Metric]:
        end = last_seq()
        now = [status(engine, p.name) for p in projections]
        stream: list[tuple[dict[str, str], float]] = [] if end is None else [({}, float(end))]
        return [
            gauges("staffroom_stream_last_seq", "The log's last sequence.", iter(stream)),
            gauges(
                "staffroom_projection_checkpoint",
                "The last sequence each projection applied.",
                (({"projection": s.name}, float(s.last_seq)) for s in now),
            ),
            gauges(
                "staffroom_projection_lag",
                "Messages of the log a projection has yet to apply.",
                (({"projection": s.name}, float(max(end - s.last_seq, 0))) for s in now)
                if end is not None
                else iter([]),
            ),
            gauges(
                "staffroom_projection_stopped",
                "1 when a projection stopped at an event it cannot apply.",
                (({"projection": s.name}, float(bool(s.failed_seq))) for s in now),
            ),
            gauges(
                "staffroom_lease_held",
                "1 while this projector holds the lease (0: a standby).",
                iter([({}, float(lease.held.is_set()))]),
            ),
        ]

    checks = {
        "lease": lease.held.is_set,
        "nats": reader.connected,
        "database": database_answers(settings.database_url),
    }
    serve(port, checks, metrics, settings.metrics_token)


def reactor_probe(settings: Settings, reactions: Sequence[Reaction], port: int) -> None:
    reader = LogReader(settings, "reactor-probe")
    pending = Cached(lambda: {r.name: reader.pending(r.durable) for r in reactions})

    def metrics() -> list[Metric]:
        known = {name: n for name, n in pending().items() if n is not None}
        return [
            gauges(
                "staffroom_reaction_pending",
                "Events a reaction has yet to act on (not delivered, or not yet acked).",
                (({"reaction": name}, float(n)) for name, n in sorted(known.items())),
            ),
            *append_metrics(),
        ]

    serve(port, {"nats": reader.connected}, metrics, settings.metrics_token)
