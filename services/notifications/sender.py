"""The sender (`staffroom sender`): sends each message when it is due, at most once.

For each due message of the read model it reads what the message would say now
(letters.py); a message that no longer holds is skipped. Otherwise it claims the message
in the recipient's outbox (MessageSending, decided on the outbox's last sequence, so two
senders never both win), hands it to the SMTP server, and records what happened: sent;
failed (certainly not delivered: tried again with backoff); bounced; or, if the
conversation broke after the message was handed over, nothing: the claim stays, shown to
the operator as unknown, never sent again blindly. A person's messages held for the daily
digest go after their others, together, as one email (digest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from events.config import Settings
from events.decider import CommandLoop, CommandRejected
from events.envelope import Metadata, new_id, utcnow
from events.outage import Outage
from events.store import EventStore
from readmodels.notifications import queries
from services.notifications import digest, letters, mime, unsubscribe
from services.notifications.domain import (
    Bounce,
    Claim,
    Fail,
    MarkSent,
    OutboxCommand,
    OutboxDecider,
    Reschedule,
    Several,
    Skip,
    told_of,
)
from services.notifications.events import person_subject
from services.notifications.smtp import Delivery, Mailer, Outcome

log = logging.getLogger(__name__)
ACTOR = "notifications_sender"


@dataclass(frozen=True)
class SenderConfig:
    base_url: str
    """The public address of Staffroom, ending in /: links in messages."""
    secret_key: str
    sender: str
    """The From header (STAFFROOM_MAIL_FROM)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderConfig:
        """STAFFROOM_PUBLIC_URL (ending in /) and STAFFROOM_MAIL_FROM as Settings read and
        checked them; the secret key that signs the links."""
        return cls(settings.public_url, settings.require_secret_key(), settings.mail_from)


WORKERS = 8
"""People whose messages are sent at once, each on an SMTP connection of its own (one
person's messages go in order: a cancellation never overtakes its confirmation)."""


class Sender:
    def __init__(
        self,
        store: EventStore,
        engine: Engine,
        mailer: Callable[[], Mailer],
        config: SenderConfig,
        clock: Callable[[], datetime] = utcnow,
        idle_wait: float = 0.5,
        after_claim: Callable[[str], Awaitable[None]] | None = None,
        workers: int = WORKERS,
    ):
        self.store = store
        self.engine = engine
        self.mailers = [mailer() for _ in range(workers)]
        self.config = config
        self.clock = clock
        self.idle_wait = idle_wait
        self.after_claim = after_claim
        """A test's hook between the claim and the SMTP conversation."""
        self.outboxes: CommandLoop = CommandLoop(store, OutboxDecider())
        self._seen: dict[str, int] = {}
        """Message to the row version last acted on: a read model a moment behind does
        not make the sender judge the same row again."""
        self.sent = 0
        self.outage = Outage(log, "sender")

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    done = await self.once()
                    if done:  # it claimed and recorded through NATS: NATS answers
                        self.outage.worked()
                except Exception as error:  # NATS or the database away a moment: try again
                    self.outage.failed(error, "sending")
                    done = 0
                if not done:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.idle_wait)
        finally:
            for mailer in self.mailers:
                await asyncio.to_thread(mailer.close)

    async def once(self) -> int:
        """Act on every message due now; how many were acted on. People at once, each
        person's messages in the order they came due."""
        rows = await asyncio.to_thread(queries.due_messages, self.engine, self.clock(), 400)
        fresh = [row for row in rows if self._seen.get(row.message_id) != row.version]
        per_person: dict[str, list] = {}
        for row in fresh:
            self._seen[row.message_id] = row.version
            per_person.setdefault(row.person_id, []).append(row)
        free: asyncio.Queue[Mailer] = asyncio.Queue()
        for mailer in self.mailers:
            free.put_nowait(mailer)

        async def in_turn(rows: list) -> None:  # type: ignore[type-arg]
            mailer = await free.get()
            try:
                for row in rows:
                    if row.digest:
                        continue  # after their own messages, in one email
                    try:
                        await self.handle(row, mailer)
                    except Exception:  # NATS or the database away: this person's next time
                        log.exception("message %s: not handled; tried again", row.message_id)
                        self._seen.pop(row.message_id, None)
                        return  # their later messages wait, to keep the order
                held = [row for row in rows if row.digest]
                if held:
                    try:
                        await digest.send(self, held, mailer)
                    except Exception:
                        log.exception("digest of %s: not handled; tried again", held[0].person_id)
                        for row in held:
                            self._seen.pop(row.message_id, None)
            finally:
                free.put_nowait(mailer)

        await asyncio.gather(*(in_turn(rows) for rows in per_person.values()))
        if len(self._seen) > 100_000:
            self._seen.clear()
        return len(fresh)

    async def told(self, person_id: str) -> frozenset[str]:
        """What the person was told of, from their outbox at the head of the log."""
        subject = self.store.subject(*person_subject(person_id))
        return told_of((await self.outboxes.load(subject)).state)

    async def judge(self, row, now: datetime, told: frozenset[str]) -> letters.Decision:  # type: ignore[no-untyped-def]
        """What the message would say now, or why it is not sent (or not yet)."""
        return await asyncio.to_thread(
            letters.decide,
            self.engine,
            row,
            now,
            self.config.base_url,
            told,
            self.config.secret_key,
        )

    async def handle(self, row, mailer: Mailer) -> None:  # type: ignore[no-untyped-def]
        now = self.clock()
        decision = await self.judge(row, now, await self.told(row.person_id))
        mid = row.message_id
        if isinstance(decision, letters.Skipped):
            await self.command(row.person_id, Skip(mid, decision.reason))
        elif isinstance(decision, letters.Later):
            await self.command(row.person_id, Reschedule(mid, decision.due))
        elif await self.command(row.person_id, Claim(mid, now)):
            if self.after_claim is not None:
                await self.after_claim(mid)
            await self.deliver(row.person_id, [mid], row.kind, mid, decision, mailer)

    async def deliver(
        self,
        person: str,
        carried: list[str],
        kind: str,
        email_id: str,
        letter: letters.Letter,
        mailer: Mailer,
    ) -> None:
        """Send one email, `email_id`, carrying the claimed messages `carried` (one; or a
        digest's), and record its outcome on every one of them, in one command."""
        now = self.clock()
        link = unsubscribe.link(self.config.base_url, self.config.secret_key, person, kind)
        message = mime.email(letter, email_id, self.config.sender, now, link)
        raw = mime.wire(message)
        delivery: Delivery = await asyncio.to_thread(mailer.send, letter.to, raw)
        outcome: list[OutboxCommand]
        if delivery.outcome is Outcome.SENT:
            self.sent += len(carried)
            smtp_id = message["Message-ID"]
            subject = mime.one_line(letter.subject)
            outcome = [MarkSent(m, letter.to, subject, smtp_id, now) for m in carried]
        elif delivery.outcome is Outcome.FAILED:
            outcome = [Fail(m, delivery.detail, self.clock()) for m in carried]
        elif delivery.outcome is Outcome.BOUNCED:
            outcome = [Bounce(m, person, letter.to, delivery.detail) for m in carried]
        else:
            log.error("email %s to %s: outcome unknown (%s)", email_id, letter.to, delivery.detail)
            return
        await self.command(person, outcome[0] if len(outcome) == 1 else Several(tuple(outcome)))

    async def command(self, person_id: str, command: OutboxCommand) -> bool:
        """Run a command on the person's outbox; whether it decided anything."""
        subject = self.store.subject(*person_subject(person_id))
        try:
            outcome = await self.outboxes.execute(subject, command, new_id(), Metadata(ACTOR))
        except CommandRejected as refused:  # another sender, or the read model behind
            log.info("%s: %s", subject, refused)
            return False
        return bool(outcome.events)
