"""The notifications' HTTP API: a person's preferences; the operator's release of a claim
whose outcome is unknown. Enforces access.py's rules."""

from __future__ import annotations

from flask import Response

from events.envelope import utcnow
from events.openapi import Blueprint
from events.service import Commands, accepted, identity, require
from services.notifications.access import runs_the_mail, sets_preferences
from services.notifications.domain import OutboxDecider, Release, SetPreferences
from services.notifications.events import person_subject
from services.notifications.schemas import Preferences, PreferencesIn, ReleaseIn

blp = Blueprint("notifications", __name__, description="What Staffroom emails, and to whom.")
outboxes = Commands(OutboxDecider())


@blp.get("/people/<person_id>/preferences")
@blp.response(200, Preferences)
def preferences(person_id: str) -> dict:
    """A person's choices by kind (what is not named is sent at once)."""
    require(sets_preferences(identity(), person_id), "Only the person sees their choices.")
    state = outboxes.state(outboxes.subject(*person_subject(person_id)))
    return {"person_id": person_id, "kinds": dict(state.preferences)}


@blp.put("/people/<person_id>/preferences")
@blp.arguments(PreferencesIn)
def set_preferences(fields: dict, person_id: str) -> Response:
    """Choose, per kind, now, in the daily digest or not at all (confirmations and
    cancellations are always sent at once: 422 always_sent)."""
    require(sets_preferences(identity(), person_id), "Only the person chooses what they get.")
    subject = outboxes.subject(*person_subject(person_id))
    return accepted(outboxes.execute(subject, SetPreferences(person_id, fields["kinds"])))


@blp.post("/messages/<message_id>/release")
@blp.arguments(ReleaseIn)
def release(fields: dict, message_id: str) -> Response:
    """Let a message whose sending is unknown (the sender stopped mid-conversation) be sent
    again, after checking the mail server's log that it did not arrive (trust admin)."""
    who = identity()
    require(runs_the_mail(who), "Only the trust admin releases a message.")
    subject = outboxes.subject(*person_subject(fields["person_id"]))
    return accepted(outboxes.execute(subject, Release(message_id, who.person_id, utcnow())))
