"""What every process of `staffroom up` is given besides its own port and NATS user."""

from __future__ import annotations

import pytest

from deploy.launcher import process_env
from events import StreamSettings
from events.config import Settings
from tests.support.identity import SECRET_KEY

SETTINGS = Settings("", "sqlite://", StreamSettings(), SECRET_KEY)


def test_each_process_keeps_two_malloc_arenas_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    env = process_env(["gateway", "trustdays"], SETTINGS, "", 8000)
    assert env["MALLOC_ARENA_MAX"] == "2"
    assert env["DATABASE_URL"] == "sqlite://" and env["GATEWAY_PORT"] == "8000"


@pytest.mark.parametrize("chosen", ["1", "8"])
def test_an_operator_s_own_malloc_arenas_are_kept(monkeypatch, chosen):
    monkeypatch.setenv("MALLOC_ARENA_MAX", chosen)
    assert process_env(["gateway"], SETTINGS, "", 8000)["MALLOC_ARENA_MAX"] == chosen
