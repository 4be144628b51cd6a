"""Each request in `staffroom up`'s access log once: the gateway's gunicorn keeps it, the
others keep none (not even one formatted and thrown away)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from deploy.launcher import NO_ACCESS_LOG, access_log_once

CONFIG = Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"


def accesslog(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> object:
    monkeypatch.delenv(NO_ACCESS_LOG, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(CONFIG))["accesslog"]


@pytest.mark.parametrize("process", ["frontend", "trustdays", "directory"])
def test_only_the_gateway_keeps_an_access_log(monkeypatch, process):
    assert accesslog(monkeypatch, access_log_once("gateway", {})) == "-"
    assert accesslog(monkeypatch, access_log_once(process, {})) is None


def test_asked_for_all_every_process_keeps_one(monkeypatch):
    env = access_log_once("frontend", {"STAFFROOM_ACCESS_LOG": "all"})
    assert accesslog(monkeypatch, env) == "-"


def test_gunicorn_arguments_of_your_own_are_left_alone():
    own = {"GUNICORN_CMD_ARGS": "--access-logfile /tmp/frontend.log"}
    assert access_log_once("frontend", own) == own
