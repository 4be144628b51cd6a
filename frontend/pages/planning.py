"""Planning PD days, the CPD manager's pages: the days (drafts too) and a new day; a day's
details, its timetable (keynote and breakout slots: add, retime, remove) and the sessions
in each slot (add, change, cancel, copy from an earlier day); copy a whole day; publish
with a check list; cancel the day.

Every form is a plain form (a 303 back to the page when it worked, the page again with its
field errors and a 422 when not); htmx posts the day page's forms in place and swaps the
part that changed, with the check list and the message out of band."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row

from frontend.answers import form_answer
from frontend.clients import planning as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.errors import ANSWERED_IN_PLACE
from frontend.pages import plan_forms as forms
from frontend.pages.plan_checks import checklist
from frontend.pages.service_rules import with_the_services
from readmodels.trustdays import queries as pd_queries
from services.trustdays.access import plans_days
from services.trustdays.events import VOCABULARIES

planning = Blueprint("planning", __name__)
Errors = forms.Errors


@planning.before_request
def cpd_manager_only() -> None:
    if not plans_days(g.identity):
        abort(403, "Planning PD days is the CPD manager's.")


def run(command: Callable[[], object], rows: list[str] | None = None) -> tuple[Errors, int]:
    """Send a command; the form's errors and status when the service refused it in place."""
    try:
        command()
    except Refused as refused:
        if refused.status not in ANSWERED_IN_PLACE:
            raise
        return forms.refused_errors(refused, rows), refused.status
    return {}, 200


def checked(
    errors: Errors, command: Callable[[], object], rows: list[str] | None = None
) -> tuple[Errors, int]:
    """The form's own errors and the service's at its other fields (422, nothing sent),
    else the command's outcome."""
    if errors:
        return with_the_services(errors, command, partial(forms.refused_errors, rows=rows)), 422
    return run(command, rows)


# The days
def index_context(values: dict[str, str] | None = None, errors: Errors | None = None) -> dict:
    timetable = {p: {"starts": s, "ends": e} for p, _, _, s, e in forms.FIRST_TIMETABLE}
    defaults = {f"{p}_{k}": v for p, row in timetable.items() for k, v in row.items()}
    return {
        "days": pd_queries.listed_days(engine(), drafts=True),
        "first_timetable": forms.FIRST_TIMETABLE,
        "values": {"new-day": values or defaults},
        "errors": {"new-day": errors or {}},
        "labels": VOCABULARIES,
    }


@planning.get("/plan")
def index() -> str:
    return render_template("plan.html", **index_context())


@planning.post("/plan")
def plan_day() -> ResponseReturnValue:
    body, rows, errors = forms.new_day_body(request.form)
    planned: list[str] = []
    key = request.form.get("key")
    errors, status = checked(errors, lambda: planned.append(service.plan_day(body, key)), rows)
    back = url_for(".day", day_id=planned[0]) if planned else url_for(".index")

    def page() -> str:
        return render_template("plan.html", **index_context(dict(request.form), errors))

    return form_answer(status, back, page, page)


# A day
@dataclass
class Submitted:
    """The form that was sent, as it was sent, and what was wrong with it."""

    form: str
    errors: Errors
    values: dict[str, str] | None = None


def the_day(day_id: str) -> Row:
    day = pd_queries.find_day(engine(), day_id)
    if day is None:
        abort(404, "There is no such PD day.")
    return day


def the_slot(day_id: str, slot_id: str) -> pd_queries.SlotView:
    found = pd_queries.timetable(engine(), day_id, slot_id=slot_id)
    if not found:
        abort(404, "There is no such slot on this PD day.")
    return found[0]


def the_session(day_id: str, session_id: str) -> Row:
    session = pd_queries.find_session(engine(), day_id, session_id)
    if session is None:
        abort(404, "There is no such session on this PD day.")
    return session


def day_context(day_id: str, submitted: Submitted | None = None, **extra: Any) -> dict:
    day = the_day(day_id)
    slots = pd_queries.timetable(engine(), day_id)
    values: dict[str, dict[str, str]] = {"details": forms.day_values(day), "new-slot": {}}
    for view in slots:
        values[f"slot-{view.slot.slot_id}"] = {
            name: getattr(view.slot, name, "") or "" for name in forms.SLOT_NAMES
        }
    errors: dict[str, Errors] = {}
    if submitted:
        errors[submitted.form] = submitted.errors
        if submitted.values is not None:
            values[submitted.form] = submitted.values
    checks = checklist(day, slots)
    return {
        "day": day,
        "slots": slots,
        "checks": checks,
        "ready": all(c["ok"] for c in checks if c["must"]),
        "values": values,
        "errors": errors,
        "labels": VOCABULARIES,
        "window": pd_queries.window(day),
        **extra,
    }


@planning.get("/plan/<day_id>")
def day(day_id: str) -> str:
    return render_template("plan_day.html", **day_context(day_id))


def day_answer(
    day_id: str,
    status: int,
    submitted: Submitted,
    done: str,
    part: str = "timetable",
    anchor: str = "",
) -> ResponseReturnValue:
    """The day page again (a 303 to it when it worked), or, to htmx, the part that changed
    with the check list and the message."""
    worked = status < 400
    said = done if worked else submitted.errors.get("", "Please check the form.")
    if worked:
        submitted = Submitted(submitted.form, {})
    back = url_for(".day", day_id=day_id, _anchor=anchor)

    def page() -> str:
        return render_template(
            "plan_day.html", **day_context(day_id, submitted, message=said, error=not worked)
        )

    def the_part() -> str:
        shown = day_context(day_id, submitted, message=said, error=not worked, part=part)
        return render_block("plan_day.html", "changed", **shown)

    return form_answer(status, back, page, the_part)


@planning.post("/plan/<day_id>")
def update_day(day_id: str) -> ResponseReturnValue:
    the_day(day_id)
    body, errors = forms.day_body(request.form)
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.update_day(day_id, body, key))
    submitted = Submitted("details", errors, dict(request.form))
    return day_answer(day_id, status, submitted, "The details of the day are saved.", "details")


@planning.post("/plan/<day_id>/slots")
def add_slot(day_id: str) -> ResponseReturnValue:
    the_day(day_id)
    slot = forms.slot_body(request.form)
    key = request.form.get("key")
    errors, status = run(lambda: service.add_slot(day_id, slot, key))
    submitted = Submitted("new-slot", errors, dict(request.form))
    return day_answer(day_id, status, submitted, f"{slot['title']} is on the timetable.")


@planning.post("/plan/<day_id>/slots/<slot_id>")
def change_slot(day_id: str, slot_id: str) -> ResponseReturnValue:
    the_slot(day_id, slot_id)
    slot = forms.slot_body(request.form)
    key = request.form.get("key")
    errors, status = run(lambda: service.change_slot(day_id, slot_id, slot, key))
    submitted = Submitted(f"slot-{slot_id}", errors, dict(request.form))
    done = f"{slot['title']} now runs from {slot['starts']} to {slot['ends']}."
    return day_answer(day_id, status, submitted, done, anchor=f"slot-{slot_id}")


def remove_context(day_id: str, slot_id: str, errors: Errors | None = None) -> dict:
    view = the_slot(day_id, slot_id)
    open_sessions = [s for s in view.sessions if s.status == "open"]
    return {
        "day": the_day(day_id),
        "view": view,
        "sessions": open_sessions,
        "seats": sum(s.booked for s in open_sessions),
        "waiting": sum(s.waiting for s in open_sessions),
        "values": {"remove": dict(request.form)},
        "errors": {"remove": errors or {}},
    }


@planning.get("/plan/<day_id>/slots/<slot_id>/remove")
def confirm_remove(day_id: str, slot_id: str) -> str:
    """Removing a slot asks first, saying what becomes of its sessions and places."""
    return render_template("plan_remove.html", **remove_context(day_id, slot_id))


@planning.post("/plan/<day_id>/slots/<slot_id>/remove")
def remove_slot(day_id: str, slot_id: str) -> ResponseReturnValue:
    the_slot(day_id, slot_id)
    reason = forms.text(request.form, "reason")
    errors = {} if reason else {"reason": "Say why: the people booked are told."}
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.remove_slot(day_id, slot_id, reason, key))
    back = url_for(".day", day_id=day_id)

    def page() -> str:
        return render_template("plan_remove.html", **remove_context(day_id, slot_id, errors))

    return form_answer(status, back, page, page)  # its own page: a plain (boosted) form


# Sessions
def session_context(
    day_id: str, slot_id: str, values: dict[str, str], errors: Errors | None = None, **extra: Any
) -> dict:
    return {
        "day": the_day(day_id),
        "view": the_slot(day_id, slot_id),
        "values": {"session": values},
        "errors": {"session": errors or {}},
        "labels": VOCABULARIES,
        "networks": forms.network_options(engine()),
        "session": None,
        **extra,
    }


NEW_SESSION = {"community": "whole_staff", "audience": "all", "phase": "all", "mode": "in_person"}


@planning.get("/plan/<day_id>/slots/<slot_id>/sessions/new")
def new_session(day_id: str, slot_id: str) -> str:
    """A new session's form; copied from an earlier day's session (`from`), pre-filled."""
    values = dict(NEW_SESSION, leader_kind="staff")
    copied = request.args.get("from", "")
    if copied:
        source = pd_queries.find_session(engine(), request.args.get("day", ""), copied)
        if source is None:
            abort(404, "There is no such session to copy.")
        values = forms.session_values(source)
    return render_template("plan_session.html", **session_context(day_id, slot_id, values))


@planning.post("/plan/<day_id>/slots/<slot_id>/sessions")
def add_session(day_id: str, slot_id: str) -> ResponseReturnValue:
    the_slot(day_id, slot_id)
    body, errors, matches = forms.session_body(request.form, engine())
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.add_session(day_id, slot_id, body, key))
    return session_answer(day_id, slot_id, status, errors, matches)


@planning.get("/plan/<day_id>/sessions/<session_id>")
def edit_session(day_id: str, session_id: str) -> str:
    session = the_session(day_id, session_id)
    values = forms.session_values(session)
    context = session_context(day_id, session.slot_id, values, session=session)
    return render_template("plan_session.html", **context)


@planning.post("/plan/<day_id>/sessions/<session_id>")
def update_session(day_id: str, session_id: str) -> ResponseReturnValue:
    session = the_session(day_id, session_id)
    slot_id = session.slot_id
    body, errors, matches = forms.session_body(request.form, engine())
    key = request.form.get("key")
    errors, status = checked(
        errors, lambda: service.update_session(day_id, slot_id, session_id, body, key)
    )
    return session_answer(day_id, slot_id, status, errors, matches, session)


def session_answer(
    day_id: str,
    slot_id: str,
    status: int,
    errors: Errors,
    matches: list[Row],
    session: Row | None = None,
) -> ResponseReturnValue:
    """Back to the day's timetable when it worked; else the form again, with its errors
    (and the people to choose from, when the leader's name found several)."""
    back = url_for(".day", day_id=day_id, _anchor=f"slot-{slot_id}")

    def page() -> str:
        values = dict(request.form)
        context = session_context(day_id, slot_id, values, errors, matches=matches, session=session)
        return render_template("plan_session.html", **context)

    return form_answer(status, back, page, page)  # its own page: a plain (boosted) form


@planning.get("/plan/leaders")
def leaders() -> str:
    """Search as you type for a session's leader: the people who match, to choose one."""
    query = request.args.get("leader_q", "").strip()
    matches = forms.find_leaders(engine(), query) if query else []
    return render_block("plan_session.html", "leaders", matches=matches, query=query, values={})


@planning.post("/plan/<day_id>/sessions/<session_id>/cancel")
def cancel_session(day_id: str, session_id: str) -> ResponseReturnValue:
    session = the_session(day_id, session_id)
    reason = forms.text(request.form, "reason")
    errors = {} if reason else {"reason": "Say why: the people booked are told."}
    key = request.form.get("key")
    errors, status = checked(
        errors,
        lambda: service.cancel_session(day_id, session.slot_id, session_id, reason, key),
    )
    submitted = Submitted(f"cancel-{session_id}", errors, dict(request.form))
    done = f"{session.title} is cancelled: its places are released."
    return day_answer(day_id, status, submitted, done, anchor=f"slot-{session.slot_id}")


@planning.get("/plan/<day_id>/slots/<slot_id>/copy")
def pick_session(day_id: str, slot_id: str) -> str:
    """Copy a session from another day into this slot: choose the day, then the session."""
    days = [d for d in pd_queries.listed_days(engine(), drafts=True) if d.day_id != day_id]
    chosen = request.args.get("from_day", "")
    if chosen and chosen not in {d.day_id for d in days}:
        abort(404, "There is no such PD day to copy from.")
    wanted = request.args.get("q", "").strip()[:100]
    source = [titled(view, wanted) for view in pd_queries.timetable(engine(), chosen)]
    context = session_context(
        day_id, slot_id, {}, days=days, chosen=chosen, source=source, q=wanted
    )
    if request.htmx and request.htmx.target == "copy-sessions":
        return render_block("plan_pick.html", "sessions", **context)
    return render_template("plan_pick.html", **context)


def titled(view: pd_queries.SlotView, wanted: str) -> pd_queries.SlotView:
    """The slot with only the sessions whose title holds every word of `wanted`."""
    words = wanted.lower().split()
    shown = [s for s in view.sessions if all(word in s.title.lower() for word in words)]
    return pd_queries.SlotView(view.slot, shown)


# The whole day
@planning.get("/plan/<day_id>/copy")
def copy_form(day_id: str) -> str:
    source = the_day(day_id)
    values = {"title": source.title}
    return render_template("plan_copy.html", source=source, values={"copy": values}, errors={})


@planning.post("/plan/<day_id>/copies")
def copy_day(day_id: str) -> ResponseReturnValue:
    source = the_day(day_id)
    body, errors = forms.copy_body(request.form)
    copied: list[str] = []
    key = request.form.get("key")
    errors, status = checked(errors, lambda: copied.append(service.copy_day(day_id, body, key)))
    back = url_for(".day", day_id=copied[0]) if copied else url_for(".index")

    def page() -> str:
        values, shown = {"copy": dict(request.form)}, {"copy": errors}
        return render_template("plan_copy.html", source=source, values=values, errors=shown)

    return form_answer(status, back, page, page)


@planning.post("/plan/<day_id>/publish")
def publish(day_id: str) -> ResponseReturnValue:
    context = day_context(day_id)
    errors: Errors = {}
    if not context["ready"]:
        errors[""] = "Not yet: put right what the check list shows first."
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.publish(day_id, key))
    done = "Published: staff see the day, and book once the booking window opens."
    return day_answer(day_id, status, Submitted("publish", errors), done, "publish")


@planning.post("/plan/<day_id>/cancel")
def cancel_day(day_id: str) -> ResponseReturnValue:
    the_day(day_id)
    reason = forms.text(request.form, "reason")
    errors = {} if reason else {"reason": "Say why: everyone booked is told."}
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.cancel_day(day_id, reason, key))
    submitted = Submitted("cancel-day", errors, dict(request.form))
    done = "The day is cancelled: every place on it is released."
    return day_answer(day_id, status, submitted, done, "publish")
