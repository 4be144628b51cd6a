"""How the suite splits between pytest-xdist's workers (`-n 4 --dist loadgroup`, pyproject's
addopts). A work unit goes to one worker whole, its tests in the order they were collected:

- A module is one unit, or two when its tests are parametrized first by database
  ("[sqlite-...]", "[postgresql-...]"): test_who_may's world on SQLite and its world on
  PostgreSQL (module-scoped fixtures, each asked in turn by the cells that follow) are two
  units, which two workers may run at once; a module's shared world is still built once
  per database.
- GROUPS put several modules in one unit: the clusters' tests, each of which starts three
  nats-servers and kills them, run one after another rather than all at once.

- ALONE: a long test whose module's other tests need nothing it leaves is a unit of its
  own (each of its parametrized cases: one per database, per half), so a module's long tests may run
  on several workers at once: test_cli's tests that start `staffroom up` (each in its own
  tmp_path, no module-scoped fixture), and the two halves of test_bad_input's walk of every
  form with hostile input on each database (each builds a world of its own, 4 s, beside a
  walk of a minute or more; the module's other tests, 15 s, share theirs).

Units are handed out browser and other in turn (each browser module starts its own demo
trust, the longest set-up of the suite; only two start at once), and among the others the
known long ones first (LONGEST, longest first: longest-processing-time-first), then the
rest in the order of collection: a long unit started last would keep one worker busy while
the others idle at the end of the run.

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
CLI = "tests/deploy/test_cli.py::"
BAD_INPUT = "tests/frontend/test_bad_input.py"
HOSTILE = f"{BAD_INPUT}::test_hostile_fields_are_refused_clearly_and_change_nothing"
KILLED = f"{CLI}test_killed_processes_and_nats_server_come_back_unattended"
MAKE_RUN = f"{CLI}test_make_run_lets_a_newcomer_sign_in_as_the_demo_cpd_manager"
DEMO_LOAD = f"{CLI}test_demo_load_creates_the_stream_and_loading_again_changes_nothing"
ALONE = (
    HOSTILE,
    KILLED,
    MAKE_RUN,
    DEMO_LOAD,
    f"{CLI}test_up_serves_the_pages_through_the_gateway_and_stops_on_sigint",
    f"{CLI}test_a_process_that_cannot_start_stops_everything_in_one_sentence",
)
"""Tests (node ids without their parameters) whose every case is a unit of its own."""
LONGEST = (
    DEMO_LOAD,
    f"{HOSTILE}[postgresql-half0]",
    f"{HOSTILE}[postgresql-half1]",
    f"{HOSTILE}[sqlite-half0]",
    f"{HOSTILE}[sqlite-half1]",
    "clusters",
    KILLED,
    MAKE_RUN,
    "tests/frontend/test_who_may.py postgresql",
    "tests/frontend/test_who_may.py sqlite",
)
"""The longest units besides the browser modules, longest first (from CI's per-test times,
`--junitxml`, summed per work_unit: docs/testing.md), handed out before the others. An
estimate, kept by hand: a unit missing here only starts later, in its order of collection."""
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
    first = name.partition("[")[2].split("-", 1)[0].rstrip("]")
    database = f" {first}" if first in DATABASES else ""
    if nodeid.partition("[")[0] in ALONE:
        return nodeid
    group = next((unit for prefix, unit in GROUPS.items() if path.startswith(prefix)), None)
    return group or path + database


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
                """Browser units and others in turn: the next browser unit in collection
                order, or the longest other (LONGEST), else the next in collection order."""
                wanted = self.browser_next
                self.browser_next = not wanted
                unit = None if wanted else next((u for u in LONGEST if u in self.workqueue), None)
                if unit is None:
                    unit = next(
                        (u for u in self.workqueue if u.startswith(BROWSER) == wanted), None
                    )
                if unit is not None:
                    self.workqueue.move_to_end(unit, last=False)
                super()._assign_work_unit(node)

        config.option.loadscopereorder = False  # the order of collection: see above
        return WorkUnits(config, log)
