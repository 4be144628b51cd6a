"""One chromium per browser module (each test opens its own context: its own cookies and
storage). Per module, not per session: Playwright's sync API runs one at a time in a
thread, and test_overview.py starts its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import EXPECT_TIMEOUT_MS, chromium

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as chrome:
        yield chrome
