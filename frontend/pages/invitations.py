"""Answering a meeting's invitation: the email's signed accept and decline links open
/invitations/<token> (the token names the person and the meeting; the page records the
answer with one click, never on the GET, which mail scanners fetch), and an invitee answers
on the meeting's page too. The organiser sees every answer on the meeting's page
(`invitation_answers`, a template global) and is told by email (the notifications)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from events.identity import Identity
from frontend.clients import networks
from frontend.commands import Refused
from frontend.database import engine
from frontend.pages.meeting_access import the_meeting
from readmodels.networks import letters as reads
from readmodels.networks.invitations import answer_of, invitation_answers
from readmodels.notifications.queries import recipient
from services.networks.events import INVITATION_ANSWERS
from services.notifications import invitations as signed

answers = Blueprint("invitation_answers", __name__)
MESSAGES = {
    "meeting_cancelled": "That meeting has been cancelled: there is nothing to answer.",
    "already_held": "That meeting has already started.",
    "not_invited": "You were not invited to that meeting.",
    "not_dated": "That meeting has no date yet.",
}


@answers.app_template_global("invitation_answers")
def answers_to(meeting_id: str) -> list[Any]:
    """Every answer to the meeting's invitation (the organiser's part of the meeting page)."""
    return invitation_answers(engine(), meeting_id)


@answers.app_template_global("my_invitation_answer")
def my_answer(meeting_id: str) -> str | None:
    return answer_of(engine(), meeting_id, g.identity.person_id)


@answers.app_template_global("invited_to")
def invited_to(meeting_id: str) -> bool:
    return reads.invited(engine(), meeting_id, g.identity.person_id)


def signed_link(token: str) -> tuple[str, str]:
    secret = current_app.extensions["settings"].require_secret_key()
    found = signed.read(secret, token)
    if found is None:
        abort(404, "This link is not one of ours, or it is damaged.")
    return found


def record(person_id: str, meeting_id: str, answer: str) -> None:
    """As the person the link was signed for (the link is their say-so); returns once the
    networks' read model has the answer."""
    them = Identity(person_id=person_id, name="", email="", school_id=None)
    networks.answer_invitation(meeting_id, answer, None, acting_for=them)


def page_of(token: str, chosen: str | None, status: int = 200, **said: Any) -> ResponseReturnValue:
    person_id, meeting_id = signed_link(token)
    meeting = reads.meeting(engine(), meeting_id)
    if meeting is None:
        abort(404, "There is no such meeting.")
    person = recipient(engine(), person_id)
    page = render_template(
        "invitation.html",
        token=token,
        meeting=meeting,
        person=person,
        chosen=chosen if chosen in INVITATION_ANSWERS else None,
        answer=answer_of(engine(), meeting_id, person_id),
        answer_labels=INVITATION_ANSWERS,
        **said,
    )
    return page, status


@answers.get("/invitations/<token>")
def invitation(token: str) -> ResponseReturnValue:
    return page_of(token, request.args.get("answer"))


@answers.post("/invitations/<token>")
def answer_by_link(token: str) -> ResponseReturnValue:
    person_id, meeting_id = signed_link(token)
    answer = request.form.get("answer", "")
    if answer not in INVITATION_ANSWERS:
        return page_of(token, None, 422, error="Accept or decline.")
    try:
        record(person_id, meeting_id, answer)
    except Refused as refused:
        message = MESSAGES.get(refused.rule, refused.message)
        return page_of(token, answer, refused.status, error=message)
    return page_of(token, answer, done=True)


@answers.post("/meetings/<meeting_id>/invitation")
def answer_on_the_page(meeting_id: str) -> ResponseReturnValue:
    """The signed-in invitee's own answer, from the meeting's page."""
    the_meeting(meeting_id)
    answer = request.form.get("answer", "")
    if answer not in INVITATION_ANSWERS:
        abort(422, "Accept or decline.")
    try:
        networks.answer_invitation(meeting_id, answer, request.form.get("key"))
    except Refused as refused:
        message = MESSAGES.get(refused.rule, refused.message)
        raise Refused(refused.status, refused.rule, message) from None
    return redirect(url_for("meetings.page", meeting_id=meeting_id, _anchor="when"), 303)
