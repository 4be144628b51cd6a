"""A meeting: its date, time, venue or link; the agenda (items with owner and minutes, open
actions of earlier meetings pulled onto it), the minutes, the actions (owner, schools, due
date, status, the improvement plan priority each serves), the register by school (one tap a
person, on a phone), move and cancel; the clash alerts the organiser must see. A private
network's meetings (a one-to-one) only its members read.

The organiser (and the network's leads, the CPD team) write; everyone who may read sees the
same page without the forms; an action's owner updates its status."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block

from events.envelope import new_id
from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages import meeting_forms as forms
from frontend.pages.meeting_access import (
    organised_meeting,
    organises_meeting,
    reads_meeting_messages,
    sees_network,
    the_meeting,
)
from frontend.pages.polls import now
from frontend.pages.service_rules import at_the_same_names, with_the_services
from readmodels.networks import polls_view as view
from services.networks import access
from services.networks.events import VOCABULARIES

meetings = Blueprint("meetings", __name__)


def today() -> date:
    return now().date()


def context(meeting: Any, **extra: Any) -> dict[str, Any]:
    organiser = organises_meeting(g.identity, meeting)
    invited = view.invited(engine(), meeting.meeting_id)
    marks = view.register_marks(engine(), meeting.meeting_id)
    by_school: dict[str, list[Any]] = defaultdict(list)
    for person in sorted(invited, key=lambda p: (p.school, p.name)):
        by_school[person.school].append(person)
    school_ids = {p.school_id for p in invited if p.school_id}
    school_names = {p.school_id: p.school for p in invited if p.school_id}
    owners = {p.person_id: p.name for p in invited}
    owners.setdefault(meeting.organiser_id, meeting.organiser_name or "The organiser")
    actions = view.meeting_actions(engine(), meeting.meeting_id)
    priorities = view.priorities_of(engine(), school_ids)
    return {
        "meeting": meeting,
        "organiser": organiser,
        "reads_messages": reads_meeting_messages(g.identity, meeting),
        "sees_network": sees_network(g.identity, meeting),
        "agenda": view.agenda(engine(), meeting.meeting_id),
        "pulled": view.open_actions_before(engine(), meeting) if organiser else [],
        "actions": actions,
        "mine": {a.action_id for a in actions if a.owner_id == g.identity.person_id},
        "by_school": dict(by_school),
        "marks": marks,
        "present": sum(1 for m in marks.values() if m.mark == "present"),
        "clashes": view.clash_alerts(engine(), meeting) if organiser else [],
        "owners": owners,
        "schools": school_names,
        "priorities": priorities,
        "owner_choices": {"": "Choose…", **owners},
        "priority_choices": {
            "": "None",
            **{p.priority_id: f"{p.school}: {p.title}" for p in priorities},
        },
        "labels": VOCABULARIES,
        "dated": meeting.date is not None,
        "today": today(),
        "new_items": range(forms.NEW_ITEMS),
        "values": {},
        "errors": {},
        **extra,
    }


def whole(meeting_id: str, **extra: Any) -> str:
    return render_template("meeting.html", **context(the_meeting(meeting_id), **extra))


def part(meeting_id: str, block: str, **extra: Any) -> str:
    return render_block("meeting.html", block, **context(the_meeting(meeting_id), **extra))


def answer(
    meeting_id: str, block: str, status: int, message: str | None, **extra: Any
) -> ResponseReturnValue:
    """A section's form: that section again to htmx, a 303 to it, or the page with errors."""
    said = {f"{block}_message": message, f"{block}_status": status, **extra}
    return form_answer(
        status,
        url_for(".page", meeting_id=meeting_id, _anchor=block),
        lambda: whole(meeting_id, **said),
        lambda: part(meeting_id, block, **said),
    )


def with_mistakes(
    meeting_id: str,
    block: str,
    errors: forms.Errors,
    command: Callable[[], object],
    at_the_fields: Callable[[Refused], Mapping[str, str]] = at_the_same_names,
) -> ResponseReturnValue:
    """A section's form with mistakes, not sent: the section again with them and what the
    service says of its other fields."""
    errors = with_the_services(errors, command, at_the_fields)
    return answer(meeting_id, block, 422, None, errors=errors, values=request.form)


@meetings.get("/meetings/<meeting_id>")
def page(meeting_id: str) -> str:
    return render_template("meeting.html", **context(the_meeting(meeting_id)))


@meetings.post("/meetings/<meeting_id>/agenda")
def set_agenda(meeting_id: str) -> ResponseReturnValue:
    meeting = organised_meeting(meeting_id)
    kept = [item.item_id for item in view.agenda(engine(), meeting_id)]
    pulled = view.open_actions_before(engine(), meeting)
    items, errors, rows = forms.agenda_items(request.form, kept, pulled, new_id)
    command = partial(service.set_agenda, meeting_id, items, request.form.get("key"))
    if errors:
        at_the_rows = partial(forms.agenda_errors, rows=rows)
        return with_mistakes(meeting_id, "agenda", errors, command, at_the_rows)
    message, status = attempt(command, "Agenda saved.")
    return answer(meeting_id, "agenda", status, message)


@meetings.post("/meetings/<meeting_id>/minutes")
def record_minutes(meeting_id: str) -> ResponseReturnValue:
    organised_meeting(meeting_id)
    minutes = request.form.get("text", "")
    key = request.form.get("key")
    message, status = attempt(
        lambda: service.record_minutes(meeting_id, minutes, key), "Minutes saved."
    )
    return answer(meeting_id, "minutes", status, message)


@meetings.post("/meetings/<meeting_id>/actions")
def raise_action(meeting_id: str) -> ResponseReturnValue:
    meeting = organised_meeting(meeting_id)
    shown = context(meeting)
    priorities = {p.priority_id for p in shown["priorities"]}
    body, errors = forms.action_body(
        request.form, set(shown["owners"]), set(shown["schools"]), priorities, today()
    )
    command = partial(service.raise_action, meeting_id, body, request.form.get("key"))
    if errors:
        return with_mistakes(meeting_id, "actions", errors, command)
    message, status = attempt(command, "Action added.")
    extra = {"values": request.form} if status != 200 else {}
    return answer(meeting_id, "actions", status, message, **extra)


@meetings.post("/meetings/<meeting_id>/actions/<action_id>")
def update_action(meeting_id: str, action_id: str) -> ResponseReturnValue:
    meeting = the_meeting(meeting_id)
    action = next(
        (a for a in view.meeting_actions(engine(), meeting_id) if a.action_id == action_id), None
    )
    if action is None:
        abort(404, "The meeting has no such action.")
    if not access.changes_action(
        g.identity, action.owner_id, organises_meeting(g.identity, meeting)
    ):
        abort(403, "Only the action's owner or the meeting's organiser updates it.")
    chosen = request.form.get("status", "")
    if chosen not in VOCABULARIES["status"]:
        return answer(meeting_id, "actions", 422, "Choose open, done or dropped.")
    note, key = forms.text(request.form, "note"), request.form.get("key")
    message, status = attempt(
        lambda: service.update_action(meeting_id, action_id, chosen, note, key),
        f"Action marked {VOCABULARIES['status'][chosen].lower()}.",
    )
    return answer(meeting_id, "actions", status, message)


@meetings.post("/meetings/<meeting_id>/register/<person_id>")
def mark(meeting_id: str, person_id: str) -> ResponseReturnValue:
    meeting = organised_meeting(meeting_id)
    person = next((p for p in view.invited(engine(), meeting_id) if p.person_id == person_id), None)
    if person is None:
        abort(404, "They were not invited to this meeting.")
    chosen = request.form.get("mark", "")
    if meeting.date is None or meeting.status != "confirmed":
        return answer(
            meeting_id, "attendance", 409, "The register opens once the meeting has a date."
        )
    if chosen not in VOCABULARIES["mark"]:
        return answer(meeting_id, "attendance", 422, "Choose present, apologies or absent.")
    marks = view.register_marks(engine(), meeting_id)
    register = forms.register_after_tap(marks, person_id, person.school_id, chosen)
    message, status = attempt(
        lambda: service.take_register(meeting_id, register),
        f"{person.name}: {VOCABULARIES['mark'][chosen].lower()}.",
    )
    return answer(meeting_id, "attendance", status, message)


@meetings.post("/meetings/<meeting_id>/move")
def move(meeting_id: str) -> ResponseReturnValue:
    organised_meeting(meeting_id)
    body, errors = forms.move_body(request.form, today())
    command = partial(service.move, meeting_id, body, request.form.get("key"))
    if errors:
        return with_mistakes(meeting_id, "when", errors, command)
    message, status = attempt(command, "Moved: everyone's calendar shows the new time.")
    extra = {"values": request.form} if status != 200 else {}
    return answer(meeting_id, "when", status, message, **extra)


@meetings.post("/meetings/<meeting_id>/cancel")
def cancel(meeting_id: str) -> ResponseReturnValue:
    organised_meeting(meeting_id)
    reason = forms.text(request.form, "reason")
    if not reason:
        errors = {"cancel_reason": "Say why: everyone invited is told."}
        return answer(meeting_id, "when", 422, None, errors=errors)
    key = request.form.get("key")
    message, status = attempt(
        lambda: service.cancel(meeting_id, reason, key), "Cancelled: everyone invited is told."
    )
    return answer(meeting_id, "when", status, message)
