"""The notifications' facts: each person's outbox of messages, from queued to sent.

A message is queued by a reaction to another service's fact (a booking, a promotion from
a waitlist, a cancelled day), sent by the sender process when it is due, and every step is
an event on the recipient's outbox, `notifications.person.<person>`. A message's id is
derived from what caused it, whom it is for and its kind (`message_id`), so a reaction
delivered twice queues it once.

This module is the notifications' contract: the event types and schemas, the subject
(`person_subject`, `parse_subject`), the kinds and every vocabulary with its labels.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate

from events import registry

SERVICE = "notifications"
NAMESPACE = uuid.UUID("6a0f7d59-5a4e-4d4b-9f61-2b8f3c1e9d10")
"""Fixed for ever: message ids made from it must come out the same on every delivery."""

KINDS = {
    "booking_confirmed": "Booking confirmed",
    "booking_changed": "Booking changed",
    "booking_cancelled": "Booking cancelled",
    "waitlist_promoted": "Promoted from a waitlist",
    "day_reminder": "PD day reminder",
    "meeting_invitation": "Meeting invitation",
    "meeting_changed": "Meeting changed",
    "meeting_cancelled": "Meeting cancelled",
    "meeting_reminder": "Meeting reminder",
    "poll_invitation": "Date poll invitation",
    "poll_reminder": "Date poll reminder",
    "action_due": "Action due soon",
    "invitation_answered": "An invitee answered",
    "booking_nudge": "Nudge to book",
    "digest": "Daily digest",
}
ALWAYS_SENT = frozenset(
    {
        "booking_confirmed",
        "booking_changed",
        "booking_cancelled",
        "waitlist_promoted",
        "meeting_changed",
        "meeting_cancelled",
    }
)
"""What a person cannot turn off: what happened to their own booking or meeting."""
CHOICES = {"now": "Straight away", "digest": "In the daily digest", "off": "Not at all"}
DIGESTIBLE = frozenset(
    {
        "day_reminder",
        "meeting_reminder",
        "poll_invitation",
        "poll_reminder",
        "action_due",
        "invitation_answered",
    }
)
"""What may wait for the daily digest: nothing with a calendar to answer (a meeting's
invitation), nothing always sent at once, and not the CPD manager's nudge to book (it is
about a booking window that closes)."""
UK = ZoneInfo("Europe/London")
DIGEST_AT = time(7, 0)
"""The daily digest goes at 07:00 UK time (Europe/London: GMT in winter, BST in summer)."""
STATUSES = {
    "queued": "Queued",
    "sending": "Sending",
    "sent": "Sent",
    "failed": "Failed, will retry",
    "skipped": "Not sent",
    "bounced": "Bounced",
}
SKIP_REASONS = {
    "no_longer_booked": "The booking no longer holds",
    "cancelled": "It was cancelled",
    "rebooked": "The place was taken again",
    "turned_off": "Turned off in preferences",
    "no_address": "No email address",
    "address_bounced": "The address bounced before",
    "past": "Too late to be of use",
    "never_told": "They were never told of what it cancels",
    "answered": "They had answered already",
    "poll_closed": "The poll had closed",
    "moved": "The meeting moved (a reminder of its new time was queued)",
    "declined": "They declined the meeting",
    "done": "The action was done",
    "superseded": "A later answer replaced it",
    "booked": "They had booked every slot",
    "booking_closed": "Booking had closed",
}
VOCABULARIES = {"kind": KINDS, "choice": CHOICES, "status": STATUSES, "reason": SKIP_REASONS}
"""Each vocabulary, by the field that holds it, as value -> the label pages show."""
CAUSE_ID = validate.Length(min=1, max=80)
"""A message's cause: an event's id, or a name such as `day:<day_id>` or
`meeting:<meeting_id>:<date>T<HH:MM>` (61 characters); the read model keeps 80."""
UNKNOWN_AFTER = timedelta(minutes=5)
"""A claim this old without an answer is unknown: the operator may release it."""


def next_digest(after: datetime) -> datetime:
    """The first 07:00 UK time at or after `after`, as UTC: when a message held for the
    digest goes (07:00 exists on every day: the clocks change at 01:00 and 02:00)."""
    local = after.astimezone(UK)
    at = datetime.combine(local.date(), DIGEST_AT, UK)
    if at < local:
        at = datetime.combine(local.date() + timedelta(days=1), DIGEST_AT, UK)
    return at.astimezone(ZoneInfo("UTC"))


def digest_id(message_ids: list[str]) -> str:
    """The id of the one email carrying these messages (its Message-ID is made from it)."""
    return str(uuid.uuid5(NAMESPACE, "digest:" + ",".join(sorted(message_ids))))


def message_id(cause_id: str, person_id: str, kind: str) -> str:
    """The one id of the message `kind` for `person_id` caused by `cause_id` (an event's
    id, or a stable name such as `day:<day_id>` for a reminder that several facts lead to)."""
    return str(uuid.uuid5(NAMESPACE, f"{cause_id}:{person_id}:{kind}"))


def person_subject(person_id: str) -> tuple[str, ...]:
    """The tokens of a person's outbox: their messages and their preferences."""
    return (SERVICE, "person", person_id)


SUBJECT = re.compile(rf"(?:^|\.){SERVICE}\.person\.([^.]+)$")


def parse_subject(subject: str) -> str:
    """The person whose outbox a full subject names; ValueError for any other subject."""
    found = SUBJECT.search(subject)
    if found is None:
        raise ValueError(f"{subject!r} is not a notifications subject")
    return found.group(1)


class About(Schema):
    """What a message is about, by the ids its service gives it."""

    service = fields.String(required=True)
    day_id = fields.String(load_default=None, allow_none=True)
    slot_id = fields.String(load_default=None, allow_none=True)
    session_id = fields.String(load_default=None, allow_none=True)
    meeting_id = fields.String(load_default=None, allow_none=True)
    reason = fields.String(load_default="")
    """Why it happened, in the cause's words (a booking cancelled: moved, day_cancelled...)."""


class MessageRef(Schema):
    message_id = fields.String(required=True)


@registry.event("MessageQueued")
class MessageQueued(MessageRef):
    person_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    about = fields.Nested(About, required=True)
    cause_id = fields.String(required=True, validate=CAUSE_ID)
    due = fields.AwareDateTime(required=True)
    digest = fields.Boolean(required=True)


@registry.event("MessageRescheduled")
class MessageRescheduled(MessageRef):
    """A reminder whose thing moved: its due time recomputed from the new start."""

    due = fields.AwareDateTime(required=True)


@registry.event("MessageSending")
class MessageSending(MessageRef):
    """The sender's claim, appended before it talks SMTP: a message is never claimed twice."""

    attempt = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    claimed_at = fields.AwareDateTime(required=True)


@registry.event("MessageSent")
class MessageSent(MessageRef):
    to = fields.String(required=True)
    subject = fields.String(required=True)
    smtp_id = fields.String(required=True)
    """The Message-ID header."""
    sent_at = fields.AwareDateTime(required=True)


@registry.event("MessageSkipped")
class MessageSkipped(MessageRef):
    reason = fields.String(required=True, validate=validate.OneOf(SKIP_REASONS))


@registry.event("SendFailed")
class SendFailed(MessageRef):
    """Certainly not delivered (refused connection, a 4xx): tried again at `retry_at`."""

    attempt = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    error = fields.String(required=True)
    retry_at = fields.AwareDateTime(required=True)


@registry.event("ClaimReleased")
class ClaimReleased(MessageRef):
    """The operator checked the mail server's log after a claim left unanswered (the
    sender stopped mid-conversation) and lets the message be sent again."""

    by = fields.String(required=True)


@registry.event("AddressBounced")
class AddressBounced(Schema):
    """The mail server refused the address for good (a 5xx to the recipient)."""

    person_id = fields.String(required=True)
    address = fields.String(required=True)
    reason = fields.String(required=True)
    message_id = fields.String(load_default=None, allow_none=True)


@registry.event("PreferencesSet")
class PreferencesSet(Schema):
    person_id = fields.String(required=True)
    kinds = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KINDS)),
        values=fields.String(validate=validate.OneOf(CHOICES)),
        required=True,
    )
