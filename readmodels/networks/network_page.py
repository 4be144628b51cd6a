"""What a network's page adds to its meetings: the clash alerts found since each meeting's
date was last set (a school's INSET day added, a PD day moved, a required member booked
elsewhere), for its organisers to see at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, Row, select

from readmodels.networks.tables import network_clashes


def current_clashes(engine: Engine, meetings: Sequence[Row]) -> dict[str, list[str]]:
    """Meeting id -> the reasons of its clash alerts still current, oldest first."""
    timed = {m.meeting_id: m.timed_seq for m in meetings if m.date is not None}
    if not timed:
        return {}
    query = (
        select(network_clashes.c.meeting_id, network_clashes.c.seq, network_clashes.c.reason)
        .where(network_clashes.c.meeting_id.in_(list(timed)))
        .order_by(network_clashes.c.seq)
    )
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            if row.seq > timed[row.meeting_id] and row.reason not in found.get(row.meeting_id, []):
                found.setdefault(row.meeting_id, []).append(row.reason)
    return found
