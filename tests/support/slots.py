"""At most a few of the xdist workers of one run doing one costly thing at once.

The browser modules are the first units of the run, so without this every worker starts
a demo trust (`staffroom up`, twenty processes) in the same minute, on two cores:
each start then takes four times as long, past its deadline. A slot is a file lock in the
temp folder, named after the run (PYTEST_XDIST_TESTRUNUID, the same in every worker of
one run); without xdist there is nobody to share with.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def one_of(name: str, slots: int) -> Iterator[None]:
    """Hold one of `slots` slots called `name` among this run's workers until the block ends."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        yield
        return
    folder = Path(tempfile.gettempdir()) / f"staffroom-slots-{run}"
    folder.mkdir(exist_ok=True)
    while True:
        for slot in range(slots):
            with open(folder / f"{name}-{slot}.lock", "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
                return
        time.sleep(0.2)
