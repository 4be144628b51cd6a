"""The reactor's pieces that need no running service: loading reactions by name, the
reactor processes of the Procfile, and a failing event giving back the rest of its batch
(the trust days' reaction runs in tests/trustdays)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deploy import launcher
from events import Event
from events.config import Settings
from events.connection import NatsThread
from events.envelope import RecordedEvent
from events.nats_access import permissions
from events.reactor import Reaction, load_reactions
from events.store import EventStore, StreamSettings
from services.trustdays.domain import DayDecider
from services.trustdays.events import day_subject
from services.trustdays.reactions import CLOSE_SLOTS_OF_A_CANCELLED_DAY, REACTIONS
from tests.support.identity import SECRET_KEY
from tests.support.reactor import running_reactor
from tests.support.trustdays import append
from tests.support.waiting import wait_until


def test_reactions_are_named_as_one_or_as_a_list():
    assert load_reactions("services.trustdays.reactions:REACTIONS") == REACTIONS
    one = "services.trustdays.reactions:CLOSE_SLOTS_OF_A_CANCELLED_DAY"
    assert load_reactions(one) == [CLOSE_SLOTS_OF_A_CANCELLED_DAY]
    with pytest.raises(TypeError, match="is not a Reaction"):
        load_reactions("services.trustdays.reactions:close_each_slot")


def test_a_services_reactor_has_the_services_rights_and_no_route_of_the_gateway():
    assert permissions("trustdays_reactions", "S", "events") == permissions(
        "trustdays", "S", "events"
    )
    settings = Settings("nats://127.0.0.1:4222", "sqlite://", StreamSettings(), SECRET_KEY)
    env = launcher.process_env(["gateway", "trustdays", "trustdays_reactions"], settings, "", 8000)
    assert "STAFFROOM_SERVICE_TRUSTDAYS_URL" in env
    assert not any(key.startswith("STAFFROOM_SERVICE_TRUSTDAYS_REACTIONS") for key in env)


def test_an_event_that_fails_gives_back_the_rest_of_its_batch_to_come_again_soon(
    nats: NatsThread, store: EventStore
) -> None:
    """d1 fails once; d2, fetched in the same batch, comes again after `retry` (not after
    `ack_wait`, long after the wait below gives up)."""
    seen: list[str] = []

    async def nothing_more(store: EventStore, event: RecordedEvent) -> None:
        return None

    def react(event: RecordedEvent, _: Any) -> Iterator[tuple[tuple[str, ...], object]]:
        seen.append(event.data["day_id"])
        if seen == ["d1"]:
            raise ConnectionError("NATS did not confirm in time")
        return iter(())

    for day_id in ("d1", "d2"):
        append(
            store,
            nats,
            day_subject(day_id),
            Event("DayCancelled", {"day_id": day_id, "reason": "Snow"}),
        )
    noting = Reaction(
        "noting",
        day_subject("*"),
        frozenset({"DayCancelled"}),
        DayDecider(),
        DayDecider(),
        react,
        nothing_more,
    )
    with running_reactor(nats, store, [noting], ack_wait=120, retry=0.1):
        assert wait_until(lambda: "d2" in seen, 30), seen
    assert seen.count("d1") == 2
