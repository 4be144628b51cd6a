"""`make bench --only notifications`: messages a second the sender hands to the local mail
server, and how far behind the log they are, during a booking rush.

A published PD day; RUSH people book its breakout as fast as one writer appends (the trust
days' events, one booking a message, as the service writes them). The projector, the
notifications' reactor and the sender run as their processes would (each on its own NATS
connection and thread; one Python process, so they share one core's worth of GIL), and
the sender sends through SMTP into the embedded mailbox (aiosmtpd, Maildir). Printed: the
confirmations sent a second from the first booking to the last message, and the lag of
each message behind its booking (booking appended -> mail accepted by the server), the
sender's clock a settling minute ahead (services/notifications/reactions.py
CONFIRMATION_SETTLES) so that each confirmation is due when it is queued.
"""

from __future__ import annotations

import statistics
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from events import Event, mailbox
from events.connection import NatsThread
from events.db import create_db_engine, migrate
from events.envelope import Metadata
from events.store import EventStore, StreamSettings
from readmodels import PACKAGE_DIR
from readmodels.notifications import queries
from services.notifications.reactions import CONFIRMATION_SETTLES, REACTIONS
from services.trustdays.events import slot_subject
from tests.bench.report import heading
from tests.support.mailbox import TestMailbox
from tests.support.notifications import BREAKOUT, a_day, people, running_sender
from tests.support.reactor import running_reactor
from tests.support.stack import running_projector

RUSH = 500


class LocalMailbox(TestMailbox):
    """The embedded mailbox (Maildir) on a port of its own, with the tests' URL."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def up(self) -> None:
        self._controller = mailbox.serve(self.folder, port=self.port)


def run(nats_url: str, folder: Path) -> None:
    heading(f"Notifications: a rush of {RUSH} bookings, confirmations into the local server")
    name = f"B{uuid.uuid4().hex[:10]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    threads = {part: NatsThread(nats_url, name=part) for part in ("writer", "p", "r", "s")}
    writer = threads["writer"]
    stores = {part: EventStore(t.nc, stream) for part, t in threads.items()}
    store = stores["writer"]
    writer.run(store.ensure_stream())
    engine = create_db_engine(f"sqlite:///{folder / 'notifications-bench.db'}")
    migrate(engine, [PACKAGE_DIR])
    box = LocalMailbox(folder / "bench-mailbox")
    box.up()
    day = (datetime.now(UTC) + timedelta(days=30)).date()
    staff = [f"p{n:05}" for n in range(RUSH)]
    try:
        a_day(writer, store, "bench-day", day, sessions=("s1",), capacity=RUSH)
        people(writer, store, *staff)
        with ExitStack() as stack:
            stack.enter_context(running_projector(threads["p"], stores["p"], engine))
            stack.enter_context(running_reactor(threads["r"], stores["r"], REACTIONS))
            # the sender a settling minute ahead: each confirmation is due at once
            clock = lambda: datetime.now(UTC) + CONFIRMATION_SETTLES  # noqa: E731
            stack.enter_context(running_sender(threads["s"], stores["s"], engine, box, clock))
            started = time.perf_counter()
            booked_at = writer.run(book(store, staff), timeout=300)
            booking_seconds = time.perf_counter() - started
            while queries.counts(engine).get("sent", 0) < RUSH:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
        report(engine, staff, booked_at, booking_seconds, seconds)
    finally:
        box.down()
        engine.dispose()
        writer.run(store.js.delete_stream(name))
        for thread in threads.values():
            thread.close()


async def book(store: EventStore, staff: list[str]) -> dict[str, datetime]:
    """Each person's booking, one message each, as fast as one writer goes; when each was
    appended."""
    subject = store.subject(*slot_subject("bench-day", BREAKOUT))
    _, seq = await store.load(subject)
    appended: dict[str, datetime] = {}
    for person in staff:
        booked = Event("SessionBooked", {"person_id": person, "session_id": "s1"})
        seq = (await store.append(subject, [booked], seq, meta=Metadata("bench"))).seq
        appended[person] = datetime.now(UTC)
    return appended


def report(
    engine, staff: list[str], booked_at: dict[str, datetime], booking: float, total: float
) -> None:  # type: ignore[no-untyped-def]
    lags = []
    for person in staff:
        sent = [r for r in queries.told(engine, person) if r.kind == "booking_confirmed"]
        lags.append((sent[0].sent_at - CONFIRMATION_SETTLES - booked_at[person]).total_seconds())
    lags.sort()
    print(
        f"  bookings appended                               {RUSH / booking:>10,.0f} /s  "
        f"{RUSH} in {booking:.2f} s"
    )
    print(
        f"  confirmations sent into the local SMTP server   {RUSH / total:>10,.0f} /s  "
        f"{RUSH} in {total:.2f} s (first booking to last message)"
    )
    p50, p99 = statistics.median(lags), lags[int(len(lags) * 0.99) - 1]
    print(
        f"  lag behind the log (booking -> mail accepted)   p50 {p50:.2f} s  p99 {p99:.2f} s"
        f"  max {lags[-1]:.2f} s"
    )
