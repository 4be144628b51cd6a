"""What the notifications' tests share: a real SMTP server (aiosmtpd) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.mailbox import TestMailbox, smtp_server


@pytest.fixture
def mailbox() -> Iterator[TestMailbox]:
    with smtp_server() as box:
        yield box
