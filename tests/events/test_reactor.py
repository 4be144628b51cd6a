"""The reactor's pieces that need no running service: loading reactions by name, and the
reactor processes of the Procfile (the trust days' reaction runs in tests/trustdays)."""

from __future__ import annotations

import pytest

from deploy import launcher
from events.config import Settings
from events.nats_access import permissions
from events.reactor import load_reactions
from events.store import StreamSettings
from services.trustdays.reactions import CLOSE_SLOTS_OF_A_CANCELLED_DAY, REACTIONS
from tests.support.identity import SECRET_KEY


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
