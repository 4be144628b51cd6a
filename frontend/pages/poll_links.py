"""A date poll's personal link (/polls/<token>): the poll's invitation and reminders carry it,
signed for one person and one meeting (services/notifications/invitations.py), so a busy
head answers each date from their phone's mail app without signing in. The page is the
poll's page (poll.html) showing that person's own answers alone (no tallies, no one else's
answers); each tap is sent as that person (the link is their say-so), whoever is signed in,
and the page says so when it is someone else. A closed poll says so and takes no answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row

from events.identity import Identity
from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages import poll_forms as forms
from frontend.pages.meeting_access import sees_network
from frontend.pages.polls import now
from readmodels.networks import polls_view as view
from services.networks.events import ANSWERS, VOCABULARIES
from services.notifications import invitations as signed

poll_links = Blueprint("poll_links", __name__)
COMMENT_LENGTH = 2000
"""As the networks service takes a vote's comment (services/networks/schemas.py VoteIn)."""


def signed_link(token: str) -> tuple[str, Row]:
    """The person the link names and their poll; 404 for a forged or damaged link (or one of
    another kind: an invitation's, an unsubscribe), or a meeting booked without a poll."""
    found = signed.read_poll(current_app.extensions["settings"].require_secret_key(), token)
    if found is None:
        abort(404, "This link is not one of ours, or it is damaged: open it from the email again.")
    person_id, meeting_id = found
    meeting = view.find_meeting(engine(), meeting_id)
    if meeting is None or not meeting.polled:
        abort(404, "There is no such poll: it may have been taken out of Staffroom.")
    return person_id, meeting


def link_context(token: str, **extra: Any) -> dict[str, Any]:
    """poll.html's context for the person the link names: their own answers, nobody else's."""
    person_id, meeting = signed_link(token)
    options = view.poll_options(engine(), meeting.meeting_id)
    voter = next(
        (p for p in view.invited(engine(), meeting.meeting_id) if p.person_id == person_id), None
    )
    if voter is None:
        abort(403, "This link's person is no longer invited to the poll.")
    deadline_passed = meeting.deadline is not None and meeting.deadline <= now()
    viewer = g.get("identity")
    return {
        "meeting": meeting,
        "options": options,
        "voter": voter,
        "voter_is_me": True,
        "someone_else": viewer is not None and viewer.person_id != person_id,
        "by_link": True,
        "vote_url": url_for(".vote", token=token),
        "colleagues": [],
        "organiser": False,
        "sees_network": not meeting.private
        or (viewer is not None and sees_network(viewer, meeting)),
        "open": meeting.status == "polling" and not deadline_passed,
        "deadline_passed": deadline_passed,
        "answers": ANSWERS,
        "labels": VOCABULARIES,
        "prefix": forms.ANSWER_PREFIX,
        **extra,
    }


@poll_links.get("/polls/<token>")
def poll(token: str) -> str:
    return render_template("poll.html", **link_context(token))


@poll_links.post("/polls/<token>")
def vote(token: str) -> ResponseReturnValue:
    """A tap (or the comment saved) as the person the link names: their whole vote."""
    shown = link_context(token)
    meeting, voter = shown["meeting"], shown["voter"]
    answers = forms.vote_answers(request.form, [o.option_id for o in shown["options"]], ANSWERS)
    comment = forms.text(request.form, "comment")
    if len(comment) > COMMENT_LENGTH:
        message: str | None = f"Keep the comment to {COMMENT_LENGTH} characters."
        status = 422
    else:
        them = Identity(person_id=voter.person_id, name="", email="", school_id=None)
        key = request.form.get("key") or None
        message, status = attempt(
            lambda: service.vote_by_link(meeting.meeting_id, them, answers, comment, key),
            "Saved.",
        )
    said = {"vote_message": message, "vote_status": status}

    def part() -> str:
        again = link_context(token, **said)
        return render_block("poll.html", "vote", **again) + render_block(
            "poll.html", "state", **again, oob=True
        )

    return form_answer(
        status,
        url_for(".poll", token=token, _anchor="vote"),
        lambda: render_template("poll.html", **link_context(token, **said)),
        part,
    )
