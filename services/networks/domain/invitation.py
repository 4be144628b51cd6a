"""An invitee's answer to a dated meeting's invitation: accepted or declined (the email's
signed links, or the page). Only an invitee answers, once the meeting has a date and before
it starts; a cancelled meeting refuses (MeetingDecider refuses every command on it); the
same answer again decides nothing; a move asks everyone again (meeting_state)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events import Event
from services.networks.domain.common import rejected, starts_at
from services.networks.domain.meeting_state import Meeting
from services.networks.events import INVITATION_ANSWERS


@dataclass(frozen=True)
class AnswerInvitation:
    person_id: str
    answer: str
    """accepted or declined (events.INVITATION_ANSWERS)."""
    now: datetime
    """The UK wall clock, naive."""
    note: str = ""
    """For the organiser (optional)."""


def answer_invitation(command: AnswerInvitation, state: Meeting) -> list[Event]:
    if command.answer not in INVITATION_ANSWERS:
        raise rejected("unknown_answer", "Accept or decline.", 422)
    if command.person_id not in state.invitees:
        raise rejected("not_invited", "Only the people invited answer the invitation.", 403)
    when = state.when
    if when is None:
        raise rejected("not_dated", "The meeting has no date yet: answer its poll.")
    if starts_at(when.date, when.starts) <= command.now:
        raise rejected("already_held", "That meeting has already started.")
    person = command.person_id
    if state.invitation_answers.get(person) == command.answer and (
        state.invitation_notes.get(person, "") == command.note
    ):
        return []
    data = {
        "meeting_id": state.meeting_id,
        "person_id": command.person_id,
        "answer": command.answer,
    }
    if command.note:
        data["note"] = command.note
    return [Event("InvitationAnswered", data)]
