"""A session's register, for its leader or the CPD manager: everyone with a seat, one tap
for present, late, absent or excused, walk-ins added by email; saved as you go."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.answers import form_answer
from frontend.clients import trustdays
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.days import visible_day
from readmodels.directory.queries import person_with_email
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.reports import find_slot, register_lines
from services.trustdays.access import places_anyone, takes_register
from services.trustdays.events import MARKS

register = Blueprint("register", __name__)


def the_session(day_id: str, session_id: str) -> Any:
    """The session, if I may take its register: its leader or the CPD manager (a draft
    day's, the CPD manager alone)."""
    visible_day(day_id)
    session = pd_queries.find_session(engine(), day_id, session_id)
    if session is None:
        abort(404, "There is no such session.")
    if not takes_register(g.identity, session.leader_id):
        abort(403, "Only the session's leader or the CPD manager takes its register.")
    return session


def context(session: Any, **extra: Any) -> dict[str, Any]:
    day = pd_queries.find_day(engine(), session.day_id)
    slot = find_slot(engine(), session.slot_id)
    lines = register_lines(engine(), session.session_id)
    return {
        "day": day,
        "slot": slot,
        "minutes": pd_queries.slot_minutes(slot),
        "session": session,
        "lines": lines,
        "marked": sum(1 for line in lines if line.mark),
        "marks": MARKS,
        "places_anyone": places_anyone(g.identity),
        **extra,
    }


def back_to(session: Any) -> str:
    return url_for(".page", day_id=session.day_id, session_id=session.session_id)


def whole_page(session: Any, **shown: Any) -> Callable[[], str]:
    return lambda: render_template("register.html", **context(session, **shown))


def the_register(session: Any, **shown: Any) -> Callable[[], str]:
    return lambda: render_block("register.html", "register", **context(session, **shown))


@register.get("/days/<day_id>/sessions/<session_id>/register")
def page(day_id: str, session_id: str) -> str:
    return render_template("register.html", **context(the_session(day_id, session_id)))


@register.post("/days/<day_id>/sessions/<session_id>/register/<person_id>")
def mark(day_id: str, session_id: str, person_id: str) -> ResponseReturnValue:
    session = the_session(day_id, session_id)
    chosen = request.form.get("mark", "")
    message, status = None, 200
    if chosen not in MARKS:
        message, status = "Choose present, late, absent or excused.", 422
    else:
        ids = (session.day_id, session.slot_id, session_id, person_id)
        message, status = attempt(lambda: trustdays.mark(*ids, chosen))

    def line() -> str:
        found = register_lines(engine(), session_id, person_id)
        if not found:
            abort(404, "They are not on this register.")
        shown = context(session, line=found[0], line_message=message)
        return render_block("register.html", "line", **shown)

    return form_answer(status, back_to(session), whole_page(session, message=message), line)


@register.post("/days/<day_id>/sessions/<session_id>/walk-ins")
def walk_in(day_id: str, session_id: str) -> ResponseReturnValue:
    """Someone came without a seat: find them by work email and mark them present."""
    session = the_session(day_id, session_id)
    email = request.form.get("email", "").strip()
    person = person_with_email(engine(), email) if email else None
    message, status = None, 200
    if person is None:
        message, status = "Nobody in the trust has that work email: check the spelling.", 422
    else:
        ids = (session.day_id, session.slot_id, session_id, person.person_id)
        message, status = attempt(lambda: trustdays.walk_in(*ids))
    shown = {"walk_in_error": message, "email": email if message else ""}
    page, part = whole_page(session, **shown), the_register(session, **shown)
    return form_answer(status, back_to(session), page, part)


@register.post("/days/<day_id>/sessions/<session_id>/register/<person_id>/cancel")
def cancel_booking(day_id: str, session_id: str, person_id: str) -> ResponseReturnValue:
    """The CPD manager gives up someone's seat (they cannot come): the first person
    waiting gets it, as always."""
    session = the_session(day_id, session_id)
    if not places_anyone(g.identity):
        abort(403, "Only the CPD manager cancels someone else's booking.")
    key = request.form.get("key")
    message, status = attempt(
        lambda: trustdays.cancel(day_id, session.slot_id, session_id, person_id, key)
    )
    page, part = whole_page(session, message=message), the_register(session, message=message)
    return form_answer(status, back_to(session), page, part)
