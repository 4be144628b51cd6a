"""Answering a meeting's invitation: the email's signed accept and decline links open
/invitations/<token> without signing in (the token names the person and the meeting, and is
their say-so: the gateway lets it through with no session and no CSRF token); the page
records the answer, with an optional note for the organiser, with one click, never on the
GET, which mail scanners fetch. An invitee answers on the meeting's page too. The organiser
sees every answer on the meeting's page (`invitation_answers`, a template global) and is
told by email (the notifications)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from events.identity import Identity
from frontend.clients import networks
from frontend.commands import Refused
from frontend.database import engine
from frontend.pages.meeting_access import the_meeting
from frontend.pages.service_rules import at_the_same_names, with_the_services
from readmodels.networks import letters as reads
from readmodels.networks.invitations import answer_and_note, answer_of, invitation_answers
from readmodels.notifications.queries import recipient
from services.networks.events import INVITATION_ANSWERS, INVITATION_NOTE_LENGTH
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
    """(person, meeting) the link names; 404 for a forged or damaged link, or a link of
    another kind (a poll's, an unsubscribe: each has its own salt)."""
    secret = current_app.extensions["settings"].require_secret_key()
    found = signed.read(secret, token)
    if found is None:
        abort(404, "This link is not one of ours, or it is damaged: open it from the email again.")
    return found


def record(person_id: str, meeting_id: str, answer: str, note: str) -> None:
    """As the person the link was signed for (the link is their say-so); returns once the
    networks' read model has the answer. No idempotency key: the page's buttons share one
    form, so a key would make Decline after Accept (the back button) the first answer's
    replay; the decider already makes the same answer twice one fact."""
    them = Identity(person_id=person_id, name="", email="", school_id=None)
    networks.answer_invitation(meeting_id, answer, None, acting_for=them, note=note)


def page_of(token: str, chosen: str | None, status: int = 200, **said: Any) -> ResponseReturnValue:
    person_id, meeting_id = signed_link(token)
    meeting = reads.meeting(engine(), meeting_id)
    if meeting is None:
        abort(404, "There is no such meeting: it may have been taken out of Staffroom.")
    viewer = g.get("identity")
    given = answer_and_note(engine(), meeting_id, person_id)
    person = recipient(engine(), person_id)
    someone_else = viewer is not None and viewer.person_id != person_id
    page = render_template(
        "invitation.html",
        token=token,
        meeting=meeting,
        person=person,
        someone_else=someone_else,
        who_has=f"{person.name if person else 'They'} has" if someone_else else "You have",
        chosen=chosen if chosen in INVITATION_ANSWERS else None,
        given=given,
        answer_labels=INVITATION_ANSWERS,
        note_length=INVITATION_NOTE_LENGTH,
        values=said.pop("values", {"note": given.note if given else ""}),
        errors=said.pop("errors", {}),
        **said,
    )
    return page, status


@answers.get("/invitations/<token>")
def invitation(token: str) -> ResponseReturnValue:
    """The meeting and the two buttons, the one the email's link named highlighted: a GET
    records nothing (mail scanners open every link in a message)."""
    return page_of(token, request.args.get("answer"))


def answer_form(form: Any) -> tuple[str, str, dict[str, str]]:
    """The answer and the note, and what is wrong with them, at their fields."""
    answer, note = form.get("answer", ""), form.get("note", "").strip()
    errors = {}
    if answer not in INVITATION_ANSWERS:
        errors["answer"] = "Choose Accept or Decline."
    if len(note) > INVITATION_NOTE_LENGTH:
        errors["note"] = f"Keep the note to {INVITATION_NOTE_LENGTH} characters."
    return answer, note, errors


@answers.post("/invitations/<token>")
def answer_by_link(token: str) -> ResponseReturnValue:
    """One click records the answer as the person the link names, whoever is signed in."""
    person_id, meeting_id = signed_link(token)
    answer, note, errors = answer_form(request.form)
    values = {"note": note}
    command = partial(record, person_id, meeting_id, answer, note)
    if errors:
        errors = with_the_services(errors, command, at_the_same_names)
        return page_of(token, answer, 422, errors=errors, values=values)
    try:
        command()
    except Refused as refused:
        message = MESSAGES.get(refused.rule, refused.message)
        fields = at_the_same_names(refused)
        return page_of(token, answer, refused.status, error=message, errors=fields, values=values)
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
