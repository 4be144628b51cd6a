"""What the trust days' deciders share: how a rule refuses, and what a command about a
slot or a person's day must know of its day (read by the API, judged by the decider)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events import CommandRejected


def rejected(rule: str, message: str, status: int = 409) -> CommandRejected:
    return CommandRejected(rule, message, status)


@dataclass(frozen=True)
class Window:
    """What a slot must know of its day to judge a booking, read by the API."""

    status: str
    kind: str
    opens: datetime
    closes: datetime
    now: datetime
    as_manager: bool = False
