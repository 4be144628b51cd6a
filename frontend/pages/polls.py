"""Date polls: the organiser finds dates (a window suggested from the network's cadence, a
length; the finder's proposals ranked and the excluded dates with their reasons), opens a
poll (options, invitees required or optional, a deadline, a venue or link); invitees answer
on a phone, one tap per option; a headteacher answers for an absent colleague of their
school; the organiser sees the tallies ("not answered" apart, never as "no"), nudges who is
missing, closes the poll and confirms a date after seeing the re-check's warnings.

Every form is a plain form (a 303 back, or the page again with its errors and a 422); htmx
swaps the part a form changed."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import ServiceUnavailable

from events.calendar import SCHOOL_TIME
from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.commands import NoAnswer, NotAnswering
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages import poll_forms as forms
from frontend.pages.meeting_access import (
    answers_for,
    colleagues,
    organised_meeting,
    organised_network,
    organises_meeting,
    sees_network,
    the_meeting,
)
from frontend.pages.service_rules import at_the_same_names, with_the_services
from readmodels.networks import polls_view as view
from services.networks.events import ANSWERS, VOCABULARIES

polls = Blueprint("polls", __name__)


@polls.app_template_filter("uk_day")
def uk_day(day: date | str | None) -> str:
    """A day as people in the UK write it: "Tue 3 March" (with the year if not this one)."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    shown = f"{day:%a} {day.day} {day:%B}"
    return shown if day.year == now().year else f"{shown} {day.year}"


def now() -> datetime:
    """The UK wall clock, naive, as a poll's deadline is kept."""
    return datetime.now(SCHOOL_TIME).replace(tzinfo=None, second=0, microsecond=0)


# Finding dates and opening the poll
def suggestion(network: Any) -> forms.Window:
    first, last = forms.suggested_window(now().date(), network.cadence_rule, network.cadence_count)
    return forms.Window(first, last, network.minutes)


def finder_context(network: Any, values: dict[str, str], errors: forms.Errors) -> dict[str, Any]:
    """The finder's proposal for the window asked (first, last, minutes), or for the window
    the service suggests from the cadence, the terms and the network's meetings so far
    (`suggestion` here only when the finder is away)."""
    asked = any(values.get(name) for name in ("first", "last", "minutes"))
    window, window_errors = forms.window(values, suggestion(network))
    errors = {**window_errors, **errors}
    proposal: dict[str, Any] = {"options": [], "excluded": [], "window": None}
    finder_down = False
    if not window_errors:
        try:
            if asked:
                proposal = service.find_dates(
                    network.network_id, window.first, window.last, window.minutes
                )
            else:
                proposal = service.find_dates(network.network_id)
        except service.Refused as refused:
            errors |= at_the_same_names(refused)
            errors.setdefault("first", refused.message)
        except (NotAnswering, NoAnswer, ServiceUnavailable):
            finder_down = True
    if not asked and proposal["window"]:
        window = forms.Window(**proposal["window"])
    options = proposal["options"]
    members = view.people_named(engine(), view.member_ids(engine(), network.network_id))
    ticked = forms.best_after(options, now())
    chosen = values.get("chosen_options") or [o["value"] for o in ticked]
    earliest = min((date.fromisoformat(o["date"]) for o in ticked), default=None)
    defaults = {
        "first": window.first.isoformat(),
        "last": window.last.isoformat(),
        "minutes": str(window.minutes),
        "title": f"{network.name} meeting",
        "deadline": forms.deadline_field(forms.default_deadline(now(), earliest)),
        "venue": network.venue,
        "join_link": "",
    }
    return {
        "network": network,
        "window": window,
        "suggested": window if not asked else None,
        "options": options,
        "excluded": proposal["excluded"],
        "chosen": set(chosen),
        "members": members,
        "values": {**defaults, **{k: v for k, v in values.items() if isinstance(v, str)}},
        "errors": errors,
        "finder_down": finder_down,
        "labels": VOCABULARIES,
    }


@polls.get("/networks/<network_id>/find-dates")
def find_dates(network_id: str) -> ResponseReturnValue:
    """The finder's dates for the window asked; a window asked that it cannot read is a 422,
    the form marking what is wrong (as a search's). Nothing asked is never the person's
    mistake: what the finder says of the suggested window is shown at 200."""
    network = organised_network(network_id)
    asked = {name: value for name, value in request.args.items() if value}
    context = finder_context(network, dict(request.args), {})
    return render_template("find_dates.html", **context), 422 if context[
        "errors"
    ] and asked else 200


@polls.post("/networks/<network_id>/polls")
def open_poll(network_id: str) -> ResponseReturnValue:
    network = organised_network(network_id)
    members = [
        m.person_id for m in view.people_named(engine(), view.member_ids(engine(), network_id))
    ]
    chosen = request.form.getlist("option")
    body, errors = forms.poll_body(request.form, chosen, members, now())
    command = partial(service.open_poll, network_id, body, request.form.get("key"))
    meeting_id, status = "", 422
    if errors:
        errors = with_the_services(errors, command, at_the_same_names)
    else:
        try:
            meeting_id, status = command(), 200
        except service.Refused as refused:
            if refused.status not in (409, 422):
                raise
            errors = {**at_the_same_names(refused), "": refused.message}
            status = refused.status
    values: dict[str, Any] = dict(request.form.items())
    values["chosen_options"] = chosen

    def page() -> str:
        return render_template("find_dates.html", **finder_context(network, values, errors))

    back = url_for(".poll", meeting_id=meeting_id) if meeting_id else ""
    return form_answer(status, back, page, page)


# The poll
def poll_context(meeting: Any, **extra: Any) -> dict[str, Any]:
    options = view.poll_options(engine(), meeting.meeting_id)
    invited = view.invited(engine(), meeting.meeting_id)
    me = next((p for p in invited if p.person_id == g.identity.person_id), None)
    wanted = request.args.get("for") or request.form.get("person_id") or ""
    voter = next((p for p in invited if p.person_id == wanted), None) or me
    if voter is not None and not answers_for(g.identity, voter):
        voter = me
    complete = view.answered_every_date(invited, options)
    missing = [p for p in invited if p.person_id not in complete]
    deadline_passed = meeting.deadline is not None and meeting.deadline <= now()
    return {
        "meeting": meeting,
        "options": options,
        "invited": invited,
        "tallies": view.tallies(options, invited),
        "me": me,
        "voter": voter,
        "colleagues": colleagues(g.identity, invited),
        "complete": complete,
        "missing": missing,
        "missing_required": [p for p in missing if p.required],
        "organiser": organises_meeting(g.identity, meeting),
        "sees_network": sees_network(g.identity, meeting),
        "voter_is_me": voter is not None and voter.person_id == g.identity.person_id,
        "vote_url": url_for("polls.vote", meeting_id=meeting.meeting_id),
        "by_link": False,
        "open": meeting.status == "polling" and not deadline_passed,
        "deadline_passed": deadline_passed,
        "answers": ANSWERS,
        "labels": VOCABULARIES,
        "prefix": forms.ANSWER_PREFIX,
        **extra,
    }


def poll_part(meeting_id: str, block: str, **extra: Any) -> str:
    """A part of the poll page after a command, read again (the write is projected), with
    the poll's state out of band (the vote that completes the answers closes it)."""
    shown = poll_context(the_meeting(meeting_id), **extra)
    return render_block("poll.html", block, **shown) + render_block(
        "poll.html", "state", **shown, oob=True
    )


def poll_page(meeting_id: str, **extra: Any) -> str:
    return render_template("poll.html", **poll_context(the_meeting(meeting_id), **extra))


@polls.get("/meetings/<meeting_id>/poll")
def poll(meeting_id: str) -> str:
    meeting = the_meeting(meeting_id)
    if not meeting.polled:
        abort(404, "This meeting was booked without a poll.")
    return render_template("poll.html", **poll_context(meeting))


@polls.post("/meetings/<meeting_id>/poll/votes")
def vote(meeting_id: str) -> ResponseReturnValue:
    meeting = the_meeting(meeting_id)
    shown = poll_context(meeting)
    voter = shown["voter"]
    if voter is None:
        abort(403, "Only the people invited answer this poll (or a headteacher for a colleague).")
    option_ids = [o.option_id for o in shown["options"]]
    answers = forms.vote_answers(request.form, option_ids, ANSWERS)
    comment = forms.text(request.form, "comment")
    message, status = attempt(
        lambda: service.vote(
            meeting_id, voter.person_id, answers, comment, request.form.get("key")
        ),
        "Saved." if voter.person_id == g.identity.person_id else f"Saved for {voter.name}.",
    )
    said = {"vote_message": message, "vote_status": status}
    back = url_for(".poll", meeting_id=meeting_id, _anchor="vote")
    if voter.person_id != g.identity.person_id:
        back = url_for(".poll", meeting_id=meeting_id, _anchor="vote", **{"for": voter.person_id})
    return form_answer(
        status,
        back,
        lambda: poll_page(meeting_id, **said),
        lambda: poll_part(meeting_id, "vote", **said),
    )


@polls.post("/meetings/<meeting_id>/poll/nudges")
def nudge(meeting_id: str) -> ResponseReturnValue:
    meeting = organised_meeting(meeting_id)
    invited = view.invited(engine(), meeting_id)
    complete = view.answered_every_date(invited, view.poll_options(engine(), meeting_id))
    missing = {p.person_id for p in invited if p.person_id not in complete}
    chosen = [p for p in request.form.getlist("person_id") if p in missing] or sorted(missing)
    message: str | None
    if not chosen:
        message, status = "Everyone has answered: there is nobody to nudge.", 409
    else:
        message, status = attempt(
            lambda: service.nudge(meeting_id, chosen, request.form.get("key")),
            f"Nudged {len(chosen)}: they get a reminder with the poll's link.",
        )
    said = {"organiser_message": message}
    return form_answer(
        status,
        url_for(".poll", meeting_id=meeting.meeting_id, _anchor="organise"),
        lambda: poll_page(meeting_id, **said),
        lambda: poll_part(meeting_id, "organise", **said),
    )


@polls.post("/meetings/<meeting_id>/poll/close")
def close(meeting_id: str) -> ResponseReturnValue:
    organised_meeting(meeting_id)
    message, status = attempt(
        lambda: service.close_poll(meeting_id, request.form.get("key")),
        "The poll is closed: now confirm a date.",
    )
    said = {"organiser_message": message}
    return form_answer(
        status,
        url_for(".poll", meeting_id=meeting_id, _anchor="organise"),
        lambda: poll_page(meeting_id, **said),
        lambda: poll_page(meeting_id, **said),
    )


# Confirming a date
def confirm_context(meeting: Any, option_id: str, **extra: Any) -> dict[str, Any]:
    shown = poll_context(meeting)
    tally = next((t for t in shown["tallies"] if t.option.option_id == option_id), None)
    if tally is None:
        abort(404, "The poll offers no such date.")
    option = tally.option
    try:
        warnings = service.warnings_for(meeting.network_id, option.date, meeting.minutes)
    except (NotAnswering, NoAnswer, ServiceUnavailable):
        warnings = ["The date could not be checked again: the finder is not answering."]
    except service.Refused as refused:
        warnings = [f"The date could not be checked again: {refused.message}"]
    warnings += [f"{name} (required) said no." for name in tally.required_no]
    values = {"venue": meeting.venue, "join_link": meeting.join_link}
    return {
        **shown,
        "tally": tally,
        "option": option,
        "warnings": warnings,
        "values": values,
        **extra,
    }


@polls.get("/meetings/<meeting_id>/poll/confirm")
def confirm_page(meeting_id: str) -> str:
    meeting = organised_meeting(meeting_id)
    return render_template(
        "poll_confirm.html", **confirm_context(meeting, request.args.get("option", ""))
    )


@polls.post("/meetings/<meeting_id>/poll/confirm")
def confirm(meeting_id: str) -> ResponseReturnValue:
    meeting = organised_meeting(meeting_id)
    option_id = request.form.get("option", "")
    shown = confirm_context(meeting, option_id)
    venue, link = forms.text(request.form, "venue"), forms.text(request.form, "join_link")
    errors: forms.Errors = {}
    if not (venue or link):
        errors["venue"] = "Give a venue, an online link, or both."
    if link and not link.startswith(("https://", "http://")):
        errors["join_link"] = "Give the whole link, starting https://"
    command = partial(service.confirm, meeting_id, option_id, venue, link, request.form.get("key"))
    status = 422
    if errors:
        errors = with_the_services(errors, command, at_the_same_names)
    else:
        message, status = attempt(command)
        if message:
            errors[""] = message
    values = {"venue": venue, "join_link": link}

    def page() -> str:
        return render_template("poll_confirm.html", **{**shown, "values": values, "errors": errors})

    return form_answer(status, url_for("meetings.page", meeting_id=meeting_id), page, page)
