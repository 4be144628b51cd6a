"""The notifications running as their processes would, on a test's NATS and database: the
projector, the notifications' reactor, the sender into a real SMTP server; and a PD day
written straight into the log to react to."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from events import Event
from events.connection import NatsThread
from events.db import migrate
from events.store import EventStore
from readmodels import PACKAGE_DIR
from readmodels.notifications import queries
from services.notifications.reactions import CONFIRMATION_SETTLES, REACTIONS
from services.notifications.sender import Sender, SenderConfig
from services.notifications.smtp import Mailer, SmtpSettings
from services.trustdays.events import day_subject, slot_subject
from tests.support.identity import SECRET_KEY
from tests.support.mailbox import TestMailbox
from tests.support.people import join
from tests.support.reactor import running_reactor
from tests.support.stack import running_projector
from tests.support.trustdays import RECORD, append
from tests.support.waiting import wait_until

SENDER = "Staffroom <staffroom@trust.example>"
BREAKOUT = "breakout"


@dataclass
class Clock:
    """The sender's now: real time, moved ahead by `ahead`: by default a booking's settling
    minute (a confirmation goes at once; tests/notifications/test_settling.py sets 0)."""

    ahead: timedelta = CONFIRMATION_SETTLES

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@dataclass
class Running:
    nats: NatsThread
    store: EventStore
    engine: Engine
    mailbox: TestMailbox
    clock: Clock
    senders: list[Sender] = field(default_factory=list)

    def statuses(self) -> dict[str, int]:
        return queries.counts(self.engine)

    def settled(self, **wanted: int) -> bool:
        """Wait until the read model has exactly these counts by status."""
        if wait_until(lambda: self.statuses() == wanted, timeout=30):
            return True
        print("statuses:", self.statuses())
        return False


@contextmanager
def running_sender(
    nats: NatsThread,
    store: EventStore,
    engine: Engine,
    mailbox: TestMailbox,
    clock: Callable[[], datetime],
    after_claim: Callable[[str], Awaitable[None]] | None = None,
) -> Iterator[Sender]:
    config = SenderConfig("https://staffroom.test/", SECRET_KEY, SENDER)
    smtp = SmtpSettings.from_url(mailbox.url, SENDER)
    sender = Sender(store, engine, lambda: Mailer(smtp, timeout=5), config, clock, 0.1, after_claim)
    stop = asyncio.Event()
    running = asyncio.run_coroutine_threadsafe(sender.run(stop), nats.loop)
    try:
        yield sender
    finally:
        nats.loop.call_soon_threadsafe(stop.set)
        if not running.done():
            running.result(timeout=15)


@contextmanager
def notifications(
    nats: NatsThread,
    store: EventStore,
    engine: Engine,
    mailbox: TestMailbox,
    sending: bool = True,
    projecting: bool = True,
) -> Iterator[Running]:
    """The notifications' reactor and sender (and the projector, unless another stack
    runs one on the same database)."""
    migrate(engine, [PACKAGE_DIR])
    clock = Clock()
    running = Running(nats, store, engine, mailbox, clock)
    with ExitStack() as stack:
        if projecting:
            stack.enter_context(running_projector(nats, store, engine))
        stack.enter_context(running_reactor(nats, store, REACTIONS))
        if sending:
            running.senders.append(
                stack.enter_context(running_sender(nats, store, engine, mailbox, clock))
            )
        yield running


def session(session_id: str, capacity: int = 1, **changes: Any) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "title": f"Session {session_id}",
        "description": "Reading in every lesson",
        "community": "whole_staff",
        "leader": {"person_id": None, "name": "Ada Byron", "bio": ""},
        "room": "Room 4",
        "capacity": capacity,
        "audience": "all",
        "phase": "all",
        "mode": "in_person",
        "join_link": "",
        **changes,
    }


def a_day(
    nats: NatsThread,
    store: EventStore,
    day_id: str,
    on: date,
    sessions: tuple[str, ...] = ("s1", "s2"),
    capacity: int = 1,
) -> None:
    """A published PD day with a keynote and a breakout of `sessions`, in the log."""
    slots = [
        {
            "slot_id": "keynote",
            "kind": "keynote",
            "title": "Keynote",
            "speaker": "",
            "starts": "09:00",
            "ends": "10:00",
        },
        {
            "slot_id": BREAKOUT,
            "kind": "breakout",
            "title": "Breakout 1",
            "speaker": "",
            "starts": "10:15",
            "ends": "11:30",
        },
    ]
    record = {**RECORD, "day_id": day_id, "date": on}
    append(store, nats, day_subject(day_id), Event("DayPlanned", {**record, "slots": slots}))
    append(store, nats, day_subject(day_id), Event("DayPublished", {"day_id": day_id}))
    added = [Event("SessionAdded", session(s, capacity)) for s in sessions]
    append(store, nats, slot_subject(day_id, BREAKOUT), *added)


def people(nats: NatsThread, store: EventStore, *person_ids: str) -> None:
    join(nats, store, *person_ids)


def place(
    nats: NatsThread,
    store: EventStore,
    day_id: str,
    kind: str,
    person: str,
    session_id: str,
    **more: str,
) -> None:
    """A place's event in the day's breakout (SessionBooked, BookingCancelled...)."""
    data = {"person_id": person, "session_id": session_id, **more}
    append(store, nats, slot_subject(day_id, BREAKOUT), Event(kind, data))
