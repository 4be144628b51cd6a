"""Waiting for another process to get somewhere, without timing anything."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 60, every: float = 0.005) -> bool:
    """True as soon as `condition()` holds; False if it still does not after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True
