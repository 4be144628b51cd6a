"""A PD day's programme: the keynote and the slots with their sessions, seats left and the
person's own choices; book, cancel, move and waitlists at the card; seats kept true by
polling. On a phone: a slot is a tap away, the person's choices are summarised at the
top, sessions for them come first, and search and "hide full sessions" narrow 60 cards.

Each action is a plain form (a 303 back to the card) that htmx posts in place: the answer
is then the tapped card with what happened, and, out of band, the other cards the tap
changed, the summary, and the sentence for screen readers. The live poll answers with the
slots others changed and announces a waitlist place that became a seat.
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
from frontend.for_me import suits
from frontend.numbers import whole_number
from frontend.pages import programme_view as view
from frontend.pages.days import visible_day
from readmodels.directory.profiles import profile_of
from readmodels.directory.queries import person_with_email
from readmodels.trustdays import queries as pd_queries
from services.trustdays.access import places_anyone
from services.trustdays.events import AUDIENCES, COMMUNITIES, PHASES

programme = Blueprint("programme", __name__)
POLL_SECONDS = 3
"""Another person's booking shows on an open page within this (and well inside 5 s)."""


def context(day: Any, shown: view.Shown, around_slot: str = "") -> dict[str, Any]:
    """What the programme shows; `around_slot`: only what a tapped card's answer shows
    (that slot whole, the person's sessions in the others: pd_queries.timetable_around_a_card),
    whose counts and titles cover no more."""
    me = g.identity.person_id
    places = places_now(day.day_id)
    if around_slot:
        views = pd_queries.timetable_around_a_card(
            engine(), day.day_id, around_slot, me, places.keys()
        )
    else:
        views = pd_queries.timetable(engine(), day.day_id)
    led = view.led_in_slots(views, me)
    suited = suits(profile_of(engine(), me))
    shown_slots = view.arrange(views, shown, places, suited)
    return {
        "day": day,
        "window": pd_queries.window(day),
        "past": view.is_past(day),
        "all_slots": views,
        "slots": shown_slots,
        "counts": view.counts(views, shown_slots),
        "titles": {s.session_id: s.title for v in views for s in v.sessions},
        "suits": suited,
        "choices": view.choices(views, places, led),
        "places": places,
        "held": pd_queries.seats_held(places),
        "led": led,
        "shown": shown,
        "filters": shown.query(),
        "communities": COMMUNITIES,
        "audiences": AUDIENCES,
        "phases": PHASES,
        "poll_seconds": POLL_SECONDS,
        "places_anyone": places_anyone(g.identity),
    }


def places_now(day_id: str) -> dict[str, pd_queries.Place]:
    """The person's places on the day, read once a request (a tap's answer asked for them
    three or four times: a quarter of its CPU) and again only after a command changed them
    (`forget_places`)."""
    read = g.get("places_read")
    if read is None or read[0] != day_id:
        places = pd_queries.places_of(engine(), g.identity.person_id, day_id)
        read = g.places_read = (day_id, places)
    return read[1]


def forget_places() -> None:
    g.pop("places_read", None)


@programme.get("/days/<day_id>")
def page(day_id: str) -> str:
    day = visible_day(day_id)
    shown = view.Shown.of(request.args)
    if request.htmx and request.htmx.target == "programme":
        return render_block("programme.html", "filtered", **context(day, shown))
    return render_template("programme.html", **context(day, shown))


@programme.get("/days/<day_id>/live")
def live(day_id: str) -> Response | str:
    """What changed on the page since version `after`: 204 if nothing (htmx keeps the page
    as it is), else each slot that changed, swapped in out of band (htmx keeps the focus
    on a button whose id is still there), the summary, and a waitlist place the page
    showed (`waiting`) that became a seat, announced."""
    day = visible_day(day_id)
    after = whole_number(request.args.get("after"), max_digits=18) or 0
    if day.version <= after:
        return Response(status=204)
    now = context(day, view.Shown.of(request.args))
    changed = {s.slot_id for v in now["all_slots"] for s in v.sessions if s.version > after}
    promoted = view.promoted(view.known_waiting(request.args.getlist("waiting")), now["places"])
    said = {sid: promotion(now, sid) for sid in promoted}
    slots = [v for v in now["slots"] if v.slot.slot_id in changed]
    return render_block("programme.html", "live", **now, changed_slots=slots, announced=said)


def promotion(now: dict[str, Any], session_id: str) -> str:
    return f"A seat came free in {now['titles'][session_id]}: it is yours. You are booked."


ACTIONS = ("book", "cancel", "move", "place-someone")


@programme.post("/days/<day_id>/sessions/<session_id>/<action>")
def act(day_id: str, session_id: str, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:
        abort(404)
    day = visible_day(day_id)
    session = pd_queries.find_session(engine(), day_id, session_id)
    if session is None:
        abort(404, "There is no such session on this PD day.")
    shown = view.Shown.of(request.form)
    before = places_now(day_id)
    key = request.form.get("key")
    message, status = attempt(lambda: send_action(action, session, key, before))
    if status >= 500:  # sent, outcome unknown: show what is there now
        forget_places()
    filters: dict[str, Any] = shown.query()
    back = url_for(".page", day_id=day_id, **filters, _anchor=f"session-{session_id}")

    def page() -> str:
        return render_template("programme.html", **context(day, shown), message=message)

    def the_card() -> str:
        now = context(day, shown, session.slot_id)  # places read again after the write
        slot = next(v for v in now["all_slots"] if v.slot.slot_id == session.slot_id)
        tapped = next(s for s in slot.sessions if s.session_id == session_id)
        after = now["held"].get(session.slot_id)
        if action == "place-someone":  # someone else's seat: any card may have changed
            changed = view.Changed([s for s in slot.sessions if s.session_id != session_id])
        else:
            held = pd_queries.seats_held(before).get(session.slot_id)
            changed = view.changed_by_a_tap(slot, session_id, held, after, now["places"])
        on_page = {s.session_id for v in now["slots"] for s in v.sessions}
        return render_block(
            "programme.html",
            "acted",
            **now,
            slot=slot.slot,
            tapped=tapped,
            others=[s for s in changed.cards if s.session_id in on_page],
            buttons=[s for s in changed.buttons if s.session_id in on_page],
            message=message,
            error=status != 200,
        )

    return form_answer(status, back, page, the_card)


def send_action(
    action: str, session: Any, key: str | None, before: dict[str, pd_queries.Place]
) -> str:
    """Send the action to the trust days service; what to tell the person. `before`: their
    places on the day before it."""
    if action == "place-someone":
        return place_someone(session, request.form.get("email", ""), key)
    me = g.identity.person_id
    ids = (session.day_id, session.slot_id, session.session_id)
    if action == "book":
        placed = trustdays.book(*ids, key)
        forget_places()
        if placed == "waitlist":
            return on_the_waitlist(session, pd_queries.seats_held(before).get(session.slot_id))
        return f"You are booked on {session.title}."
    if action == "cancel":
        had = before.get(session.session_id)
        trustdays.cancel(*ids, me, key)
        forget_places()
        if had and had.place == "waitlist":
            return f"You have left the waitlist for {session.title}."
        return f"You have given up your place in {session.title}."
    trustdays.move(*ids, key)
    forget_places()
    return f"You have moved to {session.title}."


def on_the_waitlist(session: Any, held_session_id: str | None) -> str:
    """What joining a waitlist means for this person, as the slot's rule decides: a seat
    that comes free goes to the first person waiting who holds no seat in the slot."""
    full = f"{session.title} is full: you are on its waitlist"
    if held_session_id:
        kept = pd_queries.find_session(engine(), session.day_id, held_session_id)
        return (
            f"{full}. While you keep your seat in {kept.title if kept else 'another session'}, "
            "a seat that comes free here goes to someone waiting without one."
        )
    place = places_now(session.day_id).get(session.session_id)
    if place and place.position == 1:
        return f"{full}, first in line. If a seat comes free, it is yours at once."
    number = f", number {place.position}" if place else ""
    return f"{full}{number}. Seats that come free go to the people waiting, in turn."


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
    forget_places()  # the CPD manager may have placed themselves
    if placed == "moved":
        return f"{person.name} has moved to {session.title}."
    if placed == "waitlist":
        return f"{session.title} is full: {person.name} is on its waitlist."
    return f"{person.name} is booked on {session.title}."
