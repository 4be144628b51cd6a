"""A session's register, for its leader or the CPD manager, made for a phone and 40 people:
find someone by name as you type, mark everyone present in one tap and then change the few
who were late or absent, add a walk-in found in the directory by name, and see who waits
for a seat. Each tap is saved at once. Before the day there is nothing to tap: the page
says when the register opens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block

from events.calendar import SCHOOL_TIME
from frontend.answers import form_answer
from frontend.clients import trustdays
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.days import visible_day
from readmodels.directory.queries import PeopleQuery, person_card, search_people
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.reports import find_slot, register_lines, waitlists
from services.trustdays.access import places_anyone, takes_register
from services.trustdays.events import MARKS

register = Blueprint("register", __name__)
SEARCH_MIN = 2
"""Letters typed before the directory is searched for a walk-in."""
WALK_IN_CHOICES = 8


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


def why_closed(day: Any, session: Any) -> str | None:
    """Why there is nothing to mark yet (or any more); None when the register is open."""
    if day.status == "cancelled" or session.status == "cancelled":
        return "This session has been cancelled: there is no register to take."
    if datetime.now(SCHOOL_TIME).date() < day.date:
        on = f"{day.date:%A} {day.date.day} {day.date:%B}"
        return f"The register opens on the day itself, {on}: there is nothing to mark before."
    return None


def named(lines: Sequence[Any], query: str) -> list[Any]:
    """The lines whose name holds every word typed, in any case."""
    words = query.lower().split()
    return [line for line in lines if all(word in line.name.lower() for word in words)]


def walk_in_choices(who: str, on_register: set[str]) -> list[Any]:
    """People of the trust whose name matches, who are not on the register already."""
    if len(who) < SEARCH_MIN:
        return []
    found = search_people(engine(), PeopleQuery(text=who), None, per_page=WALK_IN_CHOICES * 2)
    return [p for p in found.people if p.person_id not in on_register][:WALK_IN_CHOICES]


def context(session: Any, **extra: Any) -> dict[str, Any]:
    day = pd_queries.find_day(engine(), session.day_id)
    slot = find_slot(engine(), session.slot_id)
    lines = register_lines(engine(), session.session_id)
    query = request.args.get("q", "").strip()
    who = request.args.get("who", "").strip()
    added = [line.name for line in lines if line.person_id == request.args.get("added")]
    return {
        "day": day,
        "slot": slot,
        "minutes": pd_queries.slot_minutes(slot),
        "session": session,
        "lines": lines,
        "shown": named(lines, query),
        "query": query,
        "marked": sum(1 for line in lines if line.mark),
        "marks": MARKS,
        "closed": why_closed(day, session),
        "waitlist": waitlists(engine(), session.day_id, None).get(session.session_id, []),
        "who": who,
        "choices": walk_in_choices(who, {line.person_id for line in lines}),
        "search_min": SEARCH_MIN,
        "places_anyone": places_anyone(g.identity),
        "done": f"{added[0]} added as a walk-in, marked present." if added else None,
        **extra,
    }


def back_to(session: Any, **args: Any) -> str:
    """The register's page; `args` its query (a search, who was added) and _anchor."""
    return url_for(".page", day_id=session.day_id, session_id=session.session_id, **args)


def whole_page(session: Any, **shown: Any) -> Callable[[], str]:
    return lambda: render_template("register.html", **context(session, **shown))


def the_register(session: Any, **shown: Any) -> Callable[[], str]:
    """The register alone, for htmx; what was done also goes to the page's live region
    (#messages, which on this page speaks to screen readers only)."""
    return lambda: render_block("register.html", "register", **context(session, oob=True, **shown))


PARTS = {"register-lines": "lines", "walk-in-results": "walk_in_results"}
"""The parts of the page that active searches refresh alone (htmx target -> block)."""


@register.get("/days/<day_id>/sessions/<session_id>/register")
def page(day_id: str, session_id: str) -> str:
    shown = context(the_session(day_id, session_id))
    part = PARTS.get(request.htmx.target or "") if request.htmx else None
    if part:
        return render_block("register.html", part, **shown)
    return render_template("register.html", **shown)


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

    query = {"q": q} if (q := request.form.get("q", "").strip()) else {}
    back = back_to(session, _anchor=f"line-{person_id}", **query)
    return form_answer(status, back, whole_page(session, message=message), line)


@register.post("/days/<day_id>/sessions/<session_id>/all-present")
def all_present(day_id: str, session_id: str) -> ResponseReturnValue:
    """Everyone not yet marked, marked present: then change the few who were not."""
    session = the_session(day_id, session_id)
    unmarked = [line.person_id for line in register_lines(engine(), session_id) if not line.mark]
    ids = (session.day_id, session.slot_id, session_id)

    def mark_them() -> str:
        for person_id in unmarked:
            trustdays.mark(*ids, person_id, "present")
        if not unmarked:
            return "Everyone was already marked."
        return f"Marked {len(unmarked)} present: now change anyone who was late or absent."

    message, status = attempt(mark_them)
    shown = {"done": message} if status == 200 else {"message": message}
    page, part = whole_page(session, **shown), the_register(session, **shown)
    return form_answer(status, back_to(session), page, part)


@register.post("/days/<day_id>/sessions/<session_id>/walk-ins")
def walk_in(day_id: str, session_id: str) -> ResponseReturnValue:
    """Someone came without a seat: chosen from the directory by name, marked present."""
    session = the_session(day_id, session_id)
    person_id = request.form.get("person_id", "").strip()
    person = person_card(engine(), person_id) if person_id else None
    shown: dict[str, Any] = {}
    if person is None or person.status != "active":
        shown, status = {"walk_in_error": "Choose who came from the list: search by name."}, 422
    else:
        ids = (session.day_id, session.slot_id, session_id, person.person_id)
        message, status = attempt(lambda: trustdays.walk_in(*ids))
        added = f"{person.name} added as a walk-in, marked present."
        shown = {"done": added} if status == 200 else {"walk_in_error": message}
    back = back_to(session, added=person_id, _anchor=f"line-{person_id}")
    page, part = whole_page(session, **shown), the_register(session, **shown)
    return form_answer(status, back, page, part)


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
