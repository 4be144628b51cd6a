"""`staffroom up` lives as long as the stack, and every `staffroom` process (the projector,
the reactors, the sender, the mailbox) starts from deploy/cli.py: neither loads a service,
a read side, the frontend or SQL until a command needs it (docs/performance.md, Memory)."""

from __future__ import annotations

import pytest

from tests.events.test_imports import MIGRATING, WEB, loaded, packages

APPS = {"services", "readmodels", "frontend", "gateway", "sqlalchemy", "icalendar", "holidays"}


@pytest.mark.parametrize("module", ["deploy.cli", "deploy.launcher"])
def test_the_command_and_the_launcher_load_no_app_read_side_nor_sql(module):
    assert not packages(loaded(module)) & (APPS | WEB | MIGRATING)


def test_the_projector_loads_the_read_sides_and_no_web_app():
    modules = loaded("deploy.cli", "deploy.lease", "events.projector", "readmodels.registry")
    assert not packages(modules) & (WEB | MIGRATING | {"frontend", "gateway"})


def test_gunicorn_s_arbiter_loads_the_loop_worker_class_without_nats_nor_the_app():
    """The trust days' arbiter imports deploy.loop_worker for its worker class; only the
    worker it starts needs NATS, h11 and greenlet."""
    modules = loaded("deploy.loop_worker")
    assert not packages(modules) & (APPS | WEB | {"nats", "h11", "greenlet", "events"})
