"""Each person's outbox: the decider of their messages and preferences (pure, no I/O).

A message goes queued -> sending (the sender's claim) -> sent; or, from queued or failed,
to skipped (no longer true, or turned off). A claim refused by the mail server is failed
and retried with backoff; one the server refused the address of for good is bounced. A
claim left unanswered (the sender stopped mid-conversation) stays `sending` until the
operator releases it: SMTP cannot be asked whether a message arrived, and a doubled
confirmation is worse than a late one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from events.decider import CommandRejected, Decider, Fact
from events.envelope import Event
from services.notifications.events import ALWAYS_SENT, DIGESTIBLE, UNKNOWN_AFTER, next_digest

MAX_BACKOFF = timedelta(hours=1)
SENDABLE = ("queued", "failed")


def backoff(attempt: int) -> timedelta:
    """1, 2, 4 ... minutes after the `attempt`th failure, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempt - 1, 10)), MAX_BACKOFF)


@dataclass(frozen=True)
class Message:
    kind: str
    status: str
    due: datetime
    attempt: int = 0
    claimed_at: datetime | None = None
    session_id: str | None = None
    """The session it is about, if any: what a cancellation would take out of a calendar."""
    meeting_id: str | None = None
    """The network meeting it is about, if any (the same, for a meeting's invitation)."""
    digest: bool = False
    """Held for the person's daily digest (its `due` is then a 07:00 UK)."""


@dataclass(frozen=True)
class Outbox:
    messages: Mapping[str, Message] = field(default_factory=dict)
    preferences: Mapping[str, str] = field(default_factory=dict)
    bounced: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Queue:
    message_id: str
    person_id: str
    kind: str
    about: Mapping[str, Any]
    cause_id: str
    due: datetime
    digest: bool = False
    again: bool = False
    """Queue it again if it was skipped (a reminder for a day booked anew)."""


@dataclass(frozen=True)
class Reschedule:
    message_id: str
    due: datetime


@dataclass(frozen=True)
class Claim:
    message_id: str
    now: datetime


@dataclass(frozen=True)
class MarkSent:
    message_id: str
    to: str
    subject: str
    smtp_id: str
    sent_at: datetime


@dataclass(frozen=True)
class Skip:
    message_id: str
    reason: str


@dataclass(frozen=True)
class Fail:
    message_id: str
    error: str
    now: datetime


@dataclass(frozen=True)
class Bounce:
    message_id: str
    person_id: str
    address: str
    reason: str


@dataclass(frozen=True)
class Release:
    message_id: str
    by: str
    now: datetime


@dataclass(frozen=True)
class SetPreferences:
    person_id: str
    kinds: Mapping[str, str]


@dataclass(frozen=True)
class Several:
    """Commands for one outbox caused by one fact (a booking: its confirmation and the
    day's reminder), decided together: a reaction's commands on one subject share its
    idempotency key, so they must be one command."""

    commands: tuple[Any, ...]
    """Any outbox commands but Several; one refused refuses them all (a digest's claims:
    every message it carries, or none)."""


OutboxCommand = (
    Queue
    | Reschedule
    | Claim
    | MarkSent
    | Skip
    | Fail
    | Bounce
    | Release
    | SetPreferences
    | Several
)


def the(state: Outbox, message_id: str) -> Message:
    found = state.messages.get(message_id)
    if found is None:
        raise CommandRejected("no_such_message", "There is no such message.", 404)
    return found


def queue(command: Queue, state: Outbox) -> list[Event]:
    known = state.messages.get(command.message_id)
    if known is not None and not (command.again and known.status == "skipped"):
        return []  # a reaction delivered again: queued once
    digest = command.digest or (
        command.kind in DIGESTIBLE and state.preferences.get(command.kind) == "digest"
    )
    data = {
        "message_id": command.message_id,
        "person_id": command.person_id,
        "kind": command.kind,
        "about": dict(command.about),
        "cause_id": command.cause_id,
        "due": next_digest(command.due) if digest else command.due,
        "digest": digest,
    }
    return [Event("MessageQueued", data)]


def reschedule(command: Reschedule, state: Outbox) -> list[Event]:
    message = state.messages.get(command.message_id)
    due = next_digest(command.due) if message is not None and message.digest else command.due
    if message is None or message.status not in SENDABLE or message.due == due:
        return []
    return [Event("MessageRescheduled", {"message_id": command.message_id, "due": due})]


def claim(command: Claim, state: Outbox) -> list[Event]:
    message = the(state, command.message_id)
    if message.status not in SENDABLE:
        raise CommandRejected("not_sendable", f"The message is {message.status}.")
    data = {"message_id": command.message_id, "attempt": message.attempt + 1}
    return [Event("MessageSending", {**data, "claimed_at": command.now})]


def claimed(state: Outbox, message_id: str) -> Message:
    message = the(state, message_id)
    if message.status != "sending":
        raise CommandRejected("not_claimed", f"The message is {message.status}, not sending.")
    return message


def mark_sent(command: MarkSent, state: Outbox) -> list[Event]:
    claimed(state, command.message_id)
    data = {
        "message_id": command.message_id,
        "to": command.to,
        "subject": command.subject,
        "smtp_id": command.smtp_id,
        "sent_at": command.sent_at,
    }
    return [Event("MessageSent", data)]


def skip(command: Skip, state: Outbox) -> list[Event]:
    message = the(state, command.message_id)
    if message.status in ("sent", "skipped", "bounced"):
        return []
    return [Event("MessageSkipped", {"message_id": command.message_id, "reason": command.reason})]


def fail(command: Fail, state: Outbox) -> list[Event]:
    message = claimed(state, command.message_id)
    data = {
        "message_id": command.message_id,
        "attempt": message.attempt,
        "error": command.error[:500],
        "retry_at": command.now + backoff(message.attempt),
    }
    return [Event("SendFailed", data)]


def bounce(command: Bounce, state: Outbox) -> list[Event]:
    claimed(state, command.message_id)
    data = {
        "person_id": command.person_id,
        "address": command.address,
        "reason": command.reason[:500],
        "message_id": command.message_id,
    }
    return [Event("AddressBounced", data)]


def release(command: Release, state: Outbox) -> list[Event]:
    message = claimed(state, command.message_id)
    if message.claimed_at is not None and command.now - message.claimed_at < UNKNOWN_AFTER:
        raise CommandRejected(
            "still_sending",
            "The sender may still be talking to the mail server: wait a few minutes.",
        )
    return [Event("ClaimReleased", {"message_id": command.message_id, "by": command.by})]


def set_preferences(command: SetPreferences, state: Outbox) -> list[Event]:
    fixed = sorted(k for k, choice in command.kinds.items() if k in ALWAYS_SENT and choice != "now")
    if fixed:
        raise CommandRejected(
            "always_sent", f"These are always sent at once: {', '.join(fixed)}.", 422
        )
    kinds = without_the_digest(command.kinds, state)
    waiting = sorted(k for k, c in kinds.items() if c == "digest" and k not in DIGESTIBLE)
    if waiting:
        raise CommandRejected(
            "not_digestible", f"These cannot wait for the digest: {', '.join(waiting)}.", 422
        )
    wanted = {**state.preferences, **kinds}
    if wanted == dict(state.preferences):
        return []
    data = {"person_id": command.person_id, "kinds": kinds}
    return [Event("PreferencesSet", data)]


def without_the_digest(kinds: Mapping[str, str], state: Outbox) -> dict[str, str]:
    """`{"digest": "off"}` (the digest's one-click unsubscribe) turns off every kind the
    person had put in the digest: no digest comes, and nothing in it comes another way."""
    chosen = {k: c for k, c in kinds.items() if k != "digest"}
    if "digest" not in kinds:
        return chosen
    if kinds["digest"] != "off":
        raise CommandRejected(
            "not_a_kind", "The digest is turned off, never chosen: choose for each kind.", 422
        )
    held = {k: "off" for k, c in state.preferences.items() if c == "digest"}
    return {**held, **chosen}


def several(command: Several, state: Outbox) -> list[Event]:
    decided: list[Event] = []
    for each in command.commands:
        events = DECISIONS[type(each)](each, state)
        state = OutboxDecider().fold(events, state)
        decided.extend(events)
    return decided


DECISIONS: dict[type, Any] = {
    Queue: queue,
    Reschedule: reschedule,
    Claim: claim,
    MarkSent: mark_sent,
    Skip: skip,
    Fail: fail,
    Bounce: bounce,
    Release: release,
    SetPreferences: set_preferences,
    Several: several,
}
STATUS_AFTER = {
    "MessageSent": "sent",
    "MessageSkipped": "skipped",
    "SendFailed": "failed",
    "ClaimReleased": "queued",
    "AddressBounced": "bounced",
}


def evolve_message(state: Outbox, event: Fact) -> Outbox:
    data = event.data
    messages = dict(state.messages)
    mid = data["message_id"]
    if event.type == "MessageQueued":
        about = data["about"]
        messages[mid] = Message(
            data["kind"],
            "queued",
            data["due"],
            session_id=about.get("session_id"),
            meeting_id=about.get("meeting_id"),
            digest=data["digest"],
        )
    elif event.type == "MessageRescheduled":
        messages[mid] = replace(messages[mid], due=data["due"])
    elif event.type == "MessageSending":
        sending = replace(messages[mid], status="sending", attempt=data["attempt"])
        messages[mid] = replace(sending, claimed_at=data["claimed_at"])
    elif event.type == "SendFailed":
        messages[mid] = replace(messages[mid], status="failed", due=data["retry_at"])
    elif event.type in STATUS_AFTER:
        messages[mid] = replace(messages[mid], status=STATUS_AFTER[event.type])
    return replace(state, messages=messages)


TOLD_OF_A_PLACE = ("booking_confirmed", "booking_changed", "waitlist_promoted")
TOLD_OF_A_MEETING = ("meeting_invitation", "meeting_changed")


def told_of(state: Outbox) -> frozenset[str]:
    """The sessions the person was sent (or may have been: an unknown claim) a message
    about their place in: a cancellation has something to take out of their calendar."""
    told = [m for m in state.messages.values() if m.status in ("sent", "sending")]
    sessions = {m.session_id for m in told if m.kind in TOLD_OF_A_PLACE and m.session_id}
    meetings = {m.meeting_id for m in told if m.kind in TOLD_OF_A_MEETING and m.meeting_id}
    return frozenset(sessions | meetings)


class OutboxDecider(Decider[Outbox, OutboxCommand]):
    def initial_state(self) -> Outbox:
        return Outbox()

    def decide(self, command: OutboxCommand, state: Outbox) -> Sequence[Event]:
        return DECISIONS[type(command)](command, state)

    def evolve(self, state: Outbox, event: Fact) -> Outbox:
        if event.type == "PreferencesSet":
            return replace(state, preferences={**state.preferences, **event.data["kinds"]})
        if event.type == "AddressBounced":
            bounced = replace(state, bounced=state.bounced | {event.data["address"].lower()})
            if event.data.get("message_id") in state.messages:
                return evolve_message(bounced, event)
            return bounced
        return evolve_message(state, event)
