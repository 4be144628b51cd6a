"""A PD day's programme: the keynote and the slots with their sessions, seats left and the
person's own choice; book, cancel, move and waitlists in place; seats kept true by polling.

Each action is a plain form (a 303 back to the page) that htmx posts in place: the answer
is then the slot again, read after the command's write, with a message for the person.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from werkzeug.wrappers import Response

from frontend.answers import form_answer
from frontend.clients import trustdays
from frontend.commands import Refused
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.days import visible_day
from readmodels.directory.queries import person_with_email
from readmodels.trustdays import queries as pd_queries
from services.trustdays.access import places_anyone
from services.trustdays.events import AUDIENCES, COMMUNITIES

programme = Blueprint("programme", __name__)
POLL_SECONDS = 3
"""Another person's booking shows on an open page within this (and well inside 5 s)."""


def filters(source: Any) -> dict[str, Any]:
    """The community and audience chosen, from a query or a form (unknown ones: all)."""
    known = {"community": COMMUNITIES, "audience": AUDIENCES}
    return {name: source[name] for name, values in known.items() if source.get(name) in values}


def context(day: Any, shown: dict[str, Any], **narrow: Any) -> dict[str, Any]:
    places = pd_queries.places_of(engine(), g.identity.person_id, day.day_id)
    return {
        "day": day,
        "window": pd_queries.window(day),
        "slots": pd_queries.timetable(engine(), day.day_id, **shown, **narrow),
        "places": places,
        "held": pd_queries.seats_held(places),
        "filters": shown,
        "communities": COMMUNITIES,
        "audiences": AUDIENCES,
        "poll_seconds": POLL_SECONDS,
        "places_anyone": places_anyone(g.identity),
    }


@programme.get("/days/<day_id>")
def page(day_id: str) -> str:
    day = visible_day(day_id)
    shown = filters(request.args)
    if request.htmx and request.htmx.target == "programme":
        return render_block("programme.html", "programme", **context(day, shown))
    return render_template("programme.html", **context(day, shown))


@programme.get("/days/<day_id>/live")
def live(day_id: str) -> Response | str:
    """What changed on the page since version `after`: 204 if nothing (htmx keeps the page
    as it is), else each slot that changed, swapped in out of band (htmx keeps the focus
    on a button whose id is still there)."""
    day = visible_day(day_id)
    after = request.args.get("after", type=int) or 0
    if day.version <= after:
        return Response(status=204)
    changed = context(day, filters(request.args), changed_after=after)
    return render_block("programme.html", "live", **changed)


ACTIONS = ("book", "cancel", "move", "place-someone")


@programme.post("/days/<day_id>/sessions/<session_id>/<action>")
def act(day_id: str, session_id: str, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:
        abort(404)
    day = visible_day(day_id)
    session = pd_queries.find_session(engine(), day_id, session_id)
    if session is None:
        abort(404, "There is no such session on this PD day.")
    shown = filters(request.form)
    message, status = attempt(lambda: send_action(action, session, request.form.get("key")))
    back = url_for(".page", day_id=day_id, **shown, _anchor=f"session-{session_id}")

    def page() -> str:
        return render_template("programme.html", **context(day, shown), message=message)

    def the_slot() -> str:
        now = context(visible_day(day_id), shown, slot_id=session.slot_id)  # after the write
        return render_block("programme.html", "acted", **now, message=message, error=status != 200)

    return form_answer(status, back, page, the_slot)


def send_action(action: str, session: Any, key: str | None) -> str:
    """Send the action to the trust days service; what to tell the person."""
    if action == "place-someone":
        return place_someone(session, request.form.get("email", ""), key)
    me = g.identity.person_id
    ids = (session.day_id, session.slot_id, session.session_id)
    if action == "book":
        if trustdays.book(*ids, key) == "waitlist":
            return (
                f"{session.title} is full: you are on its waitlist. "
                "If a seat comes free, it is yours at once."
            )
        return f"You are booked on {session.title}."
    if action == "cancel":
        held = pd_queries.places_of(engine(), me, session.day_id).get(session.session_id)
        trustdays.cancel(*ids, me, key)
        if held and held.place == "waitlist":
            return f"You have left the waitlist for {session.title}."
        return f"You have given up your place in {session.title}."
    trustdays.move(*ids, key)
    return f"You have moved to {session.title}."


def place_someone(session: Any, email: str, key: str | None) -> str:
    """The CPD manager places someone here by work email: the service decides whether they
    are booked, waitlisted or moved here; anyone else is refused here, as it would."""
    if not places_anyone(g.identity):
        abort(403, "Only the CPD manager books for someone else.")
    person = person_with_email(engine(), email) if email.strip() else None
    if person is None:
        raise Refused(422, "unknown_person", "Nobody in the trust has that work email.")
    ids = (session.day_id, session.slot_id, session.session_id)
    placed = trustdays.place(*ids, person.person_id, key)
    if placed == "moved":
        return f"{person.name} has moved to {session.title}."
    if placed == "waitlist":
        return f"{session.title} is full: {person.name} is on its waitlist."
    return f"{person.name} is booked on {session.title}."
