"""A PD-day session that is a network's meeting: its network in the read model, kept with
each whole record (changed, or cleared), and none for sessions written before networks."""

from __future__ import annotations

from sqlalchemy import select

from events import Event
from events.projection import rebuild
from readmodels.trustdays.projection import trustdays
from readmodels.trustdays.tables import pd_sessions
from services.trustdays.events import day_subject, slot_subject
from tests.readmodels.trustdays.test_projection import session
from tests.support.trustdays import DAY_ID, RECORD, append


def networks_of(engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        rows = connection.execute(select(pd_sessions.c.session_id, pd_sessions.c.network_id))
        return {row.session_id: row.network_id for row in rows}


def test_a_sessions_network_is_stored_changed_and_cleared(nats, store, engine):
    slot = {"slot_id": "b1", "kind": "breakout", "title": "Breakout 1"}
    slots = [{**slot, "starts": "10:00", "ends": "11:00"}]
    append(store, nats, day_subject(DAY_ID), Event("DayPlanned", {**RECORD, "slots": slots}))
    append(
        store,
        nats,
        slot_subject(DAY_ID, "b1"),
        Event("SessionAdded", session("maths", None, network_id="maths-network")),
        Event("SessionAdded", session("older", None)),
        Event("SessionAdded", session("senco", None, network_id="senco-network")),
        Event("SessionUpdated", session("senco", None)),
    )
    nats.run(rebuild(store, engine, trustdays))
    assert networks_of(engine) == {"maths": "maths-network", "older": None, "senco": None}
