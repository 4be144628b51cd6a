"""Each process imports what its job needs, and no more: every module imported is memory
held by every process of the stack for as long as it runs (docs/performance.md, Memory).
Each probe imports in a fresh interpreter and lists what that loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

SERVICES = ("directory", "networks", "notifications", "trustdays", "trustyear")
WEB = {"flask", "flask_smorest", "werkzeug", "apispec", "webargs", "jinja2"}
MIGRATING = {"alembic", "mako", "pygments"}


def loaded(*modules: str) -> set[str]:
    """Every module in sys.modules after importing `modules`, in a fresh interpreter."""
    probe = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *modules], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def packages(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_contract_loads_none_of_its_app(service):
    modules = loaded(*(f"services.{service}.{part}" for part in ("events", "schemas", "domain")))
    assert not packages(modules) & WEB
    assert f"services.{service}.api" not in modules
    others = {m.split(".")[1] for m in modules if m.startswith("services.")} - {service}
    assert others <= {"directory"}, "a contract names at most the directory's (people)"


def test_the_read_side_loads_the_services_contracts_not_their_apps():
    modules = loaded("readmodels.registry")
    assert not packages(modules) & (WEB | MIGRATING | {"frontend", "gateway", "icalendar"})
    assert not {m for m in modules if m.startswith("services.") and m.endswith(".api")}


def test_sql_loads_no_migrations_until_one_is_run():
    assert not packages(loaded("events.db")) & MIGRATING


@pytest.mark.parametrize("service", ["trustdays", "networks", "notifications"])
def test_a_reactor_loads_no_web_app_nor_sql(service):
    modules = loaded("deploy.cli", "events.reactor", f"services.{service}.reactions")
    assert not packages(modules) & (WEB | MIGRATING | {"sqlalchemy", "readmodels", "frontend"})


def test_nats_loads_no_websocket_client():
    """nats-py imports aiohttp, for a websocket transport Staffroom never uses, whenever it
    is installed (about 10 MB in each process): it is not, the benches use h11."""
    assert "aiohttp" not in packages(loaded("events", "nats.aio.client"))


def test_the_sender_loads_the_calendars_and_nothing_of_the_frontend():
    modules = loaded("deploy.cli", "services.notifications.process")
    assert "events.calendar" in modules  # the events its letters attach
    assert not packages(modules) & {"frontend", "gateway"}
