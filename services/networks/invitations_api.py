"""An invitee's answer to a dated meeting's invitation, over HTTP: accepted or declined. The
frontend's page behind the email's signed links calls it as the person the link was signed
for; anyone may call it for themselves (only an invitee is heard, as the decider rules)."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from events.openapi import Blueprint
from events.service import Accepted, accepted, identity
from services.networks.domain import AnswerInvitation
from services.networks.events import INVITATION_ANSWERS, INVITATION_NOTE_LENGTH
from services.networks.lookups import meeting_commands, meeting_subject, the_meeting, wall_clock

blp = Blueprint("invitations", __name__, description="Answers to meeting invitations.")


class InvitationIn(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(INVITATION_ANSWERS))
    note = fields.String(
        load_default="",
        validate=validate.Length(max=INVITATION_NOTE_LENGTH),
        metadata={"description": "for the organiser (optional): I will be 10 minutes late"},
    )


@blp.post("/meetings/<meeting_id>/invitation")
@blp.arguments(InvitationIn)
@blp.response(200, Accepted)
def answer(body: dict, meeting_id: str) -> Response:
    """Accept or decline the meeting (an invitee, for themselves), with a note for the
    organiser if they like. 403 not_invited; 409 not_dated (answer the poll), already_held,
    meeting_cancelled; the same answer and note again appends nothing."""
    the_meeting(meeting_id)
    note = body["note"].strip()
    command = AnswerInvitation(identity().person_id, body["answer"], wall_clock(), note)
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return accepted(outcome, id=meeting_id)
