"""How the suite splits between pytest-xdist's workers (`-n 4 --dist loadgroup`, pyproject's
addopts). A work unit goes to one worker whole, its tests in the order they were collected:

- A module is one unit, or two when its tests are parametrized first by database
  ("[sqlite-...]", "[postgresql-...]"): test_who_may's world on SQLite and its world on
  PostgreSQL (module-scoped fixtures, each asked in turn by the cells that follow) are two
  units, which two workers may run at once; a module's shared world is still built once
  per database.
- GROUPS put several modules in one unit: the clusters' tests, each of which starts three
  nats-servers and kills them, run one after another rather than all at once.

Units are handed out in the order of collection (the browser tests first, in turn with the
others: each browser module starts its own `staffroom up --demo`, the longest set-up of the
suite), each worker taking the next one as it finishes.

Why a scheduler of our own and not `xdist_group` marks: pytest 9.2 keeps a test's id where
xdist 3.8 no longer appends the mark's group to it, so the marks group nothing. The units
are read from the tests' ids alone, here, on the controller (which collects nothing).

Everything a worker starts is its own whatever the unit: a nats-server on a free port, a
temp folder (tmp_path_factory's, per worker), fresh PostgreSQL schemas and streams (named
by uuid4), `staffroom up` on free ports.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

GROUPS = {"tests/deploy/test_cluster": "clusters"}
"""A path prefix (from the repository) whose modules form one unit, and the unit's name."""
BROWSER = "tests/browser/"
"""Its units are handed out in turn with the others': each starts a demo trust, and only two
may start at once (tests/support/slots.py), so a worker waits less for its turn."""
DATABASES = ("sqlite", "postgresql")
"""The ids of tests/support/databases.py's parameters."""
RANDOM_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def stable_id(value: object) -> str | None:
    """The id of a parameter that is a fresh uuid4 ("uuid4", not its value), else None
    (pytest's own). Every worker collects the suite and the controller checks that all
    collected the same tests: an id made at random would stop the run at once."""
    return "uuid4" if isinstance(value, str) and RANDOM_UUID.fullmatch(value) else None


def work_unit(nodeid: str) -> str:
    """The unit of the test `nodeid`: its GROUPS', else its module's (and its database's,
    when that is its first parameter)."""
    path, _, name = nodeid.partition("::")
    group = next((unit for prefix, unit in GROUPS.items() if path.startswith(prefix)), None)
    if group:
        return group
    first = name.partition("[")[2].split("-", 1)[0].rstrip("]")
    return f"{path} {first}" if first in DATABASES else path


class Scheduling:
    """The plugin that hands xdist our scheduler when it runs with `--dist loadgroup`."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class WorkUnits(LoadScopeScheduling):
            browser_next = True

            def _split_scope(self, nodeid: str) -> str:
                return work_unit(nodeid)

            def _assign_work_unit(self, node: Any) -> None:
                """Browser units and others in turn, first of each in collection order."""
                wanted = self.browser_next
                self.browser_next = not wanted
                unit = next((u for u in self.workqueue if u.startswith(BROWSER) == wanted), None)
                if unit is not None:
                    self.workqueue.move_to_end(unit, last=False)
                super()._assign_work_unit(node)

        config.option.loadscopereorder = False  # the order of collection: see above
        return WorkUnits(config, log)
