"""Find anyone: the CPD manager searches the whole trust, a headteacher or school CPD lead
their own school (nobody else reaches these pages).

/people searches by name, school, role or subject as you type (a plain GET form without
JavaScript), a page at a time. /people/<id> is a person's PD days: their seats and waitlist
places, the sessions they lead, whether they come, their register marks and CPD hours. The
CPD manager books, moves and cancels for them there, and marks them exempt from a day, each
answered in place; a school leader sees the same figures without buttons, dietary needs or
an exemption's reason (least data: what a school chasing its staff needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row

from events.identity import ROLES, SCHOOL_LEADERS
from frontend.answers import form_answer
from frontend.clients import people as people_client
from frontend.clients import trustdays
from frontend.database import engine
from frontend.errors import attempt
from frontend.numbers import number_in
from frontend.pages.days import visible_day
from frontend.pages.mycpd import attended
from frontend.pages.nav import finds_people
from readmodels.directory import queries as directory
from readmodels.directory.posts import posts_of
from readmodels.trustdays import queries as pd_queries
from services.directory.events import CATEGORIES
from services.trustdays.access import places_anyone

people = Blueprint("people", __name__)
PER_PAGE = 25
TEXT_MAX = 100
PAGES_MAX = 10_000
REASON_MAX = 200
ROLE_CHOICES = {
    "Staff group": dict(CATEGORIES),
    "Role": {name: label for name, label in ROLES.items() if name != "staff"},
}
"""The role filter: a staff group (the directory's category) or a role someone holds."""


def readable_schools() -> frozenset[str] | None:
    """Whose people I may find (the menu's rule, finds_people): None for everyone (the CPD
    manager), else the schools I lead."""
    if not finds_people(g.identity):
        abort(403, "Finding people is for the CPD manager, headteachers and school CPD leads.")
    if places_anyone(g.identity):
        return None
    return g.identity.schools_where(*SCHOOL_LEADERS)


# Searching
def read_search(args: Any, readable: frozenset[str] | None) -> tuple[Any, int, dict[str, str]]:
    """The search asked for, the page, and what was wrong with it (field -> sentence)."""
    errors: dict[str, str] = {}
    text = args.get("q", "")
    if len(text) > TEXT_MAX:
        errors["q"] = f"Keep the search to {TEXT_MAX} characters."
    school_id = args.get("school", "")
    if school_id and school_id not in dict(directory.school_choices(engine(), readable)):
        if readable is not None and school_id in dict(directory.school_choices(engine(), None)):
            abort(403, "You can find the people of your own school only.")
        errors["school"] = "There is no such school."
    role = args.get("role", "")
    if role and not any(role in names for names in ROLE_CHOICES.values()):
        errors["role"] = "Choose a role from the list."
    subject = args.get("subject", "")
    if len(subject) > TEXT_MAX:
        errors["subject"] = f"Keep the subject to {TEXT_MAX} characters."
    page = number_in(args.get("page", "1"), 1, PAGES_MAX)
    if page is None:
        errors["page"] = "There is no such page."
    wanted = directory.PeopleQuery(
        text=text[:TEXT_MAX],
        school_id=school_id,
        role=role if role in ROLE_CHOICES["Role"] else "",
        category=role if role in CATEGORIES else "",
        subject=subject,
        include_left=args.get("left") == "1",
    )
    return wanted, page if page is not None and not errors else 1, errors


@people.get("/people")
def search() -> ResponseReturnValue:
    readable = readable_schools()
    wanted, page, errors = read_search(request.args, readable)
    found = directory.FoundPeople([], 0)
    if not errors:
        found = directory.search_people(engine(), wanted, readable, page, PER_PAGE)
    ids = [person.person_id for person in found.people]
    pages = max(1, -(-found.total // PER_PAGE))
    context = {
        "wanted": wanted,
        "role": request.args.get("role", ""),
        "page": page,
        "pages": pages,
        "sentence": found_sentence(found.total, page, pages, bool(errors)),
        "found": found,
        "roles": directory.roles_of(engine(), ids),
        "posts": posts_of(engine(), ids),
        "errors": errors,
    }
    status = 422 if errors else 200
    if request.htmx and request.htmx.target == "people-results":  # as you type
        return render_block("people.html", "results", partial=True, **context), status
    form = {
        "choices": directory.school_choices(engine(), readable),
        "role_choices": ROLE_CHOICES,
        "subjects": directory.subject_choices(engine(), readable),
        "everyone": readable is None,
    }
    return render_template("people.html", **context, **form), status


def found_sentence(total: int, page: int, pages: int, wrong: bool) -> str:
    """What the search found, in the live region screen readers hear as you type."""
    if wrong:
        return "Please check the search."
    if total == 0:
        return "Nobody matches."
    matched = f"{total} person matches" if total == 1 else f"{total} people match"
    return f"{matched}: page {page} of {pages}." if pages > 1 else f"{matched}."


# A person's page
@dataclass
class SlotLine:
    """A breakout slot as one person stands in it."""

    slot: Row
    sessions: list[Row]
    """The slot's open sessions."""
    held: list[tuple[Row, pd_queries.Place]] = field(default_factory=list)
    leads: list[Row] = field(default_factory=list)

    @property
    def seat(self) -> Row | None:
        return next((s for s, place in self.held if place.place == "seat"), None)

    def offered(self) -> list[Row]:
        """Sessions they could be booked on or moved to here."""
        taken = {s.session_id for s, _ in self.held}
        return [s for s in self.sessions if s.session_id not in taken]


@dataclass
class DayLine:
    """A PD day coming, as one person stands on it."""

    day: Row
    window: str
    slots: list[SlotLine]
    attending: Row | None
    exempt: str | None
    """The reason they are not expected to book the day; None if they are."""


def slot_line(view: pd_queries.SlotView, person_id: str, places: dict) -> SlotLine:
    sessions = [s for s in view.sessions if s.status == "open"]
    line = SlotLine(view.slot, sessions)
    line.held = [(s, places[s.session_id]) for s in view.sessions if s.session_id in places]
    line.leads = [s for s in sessions if s.leader_id == person_id]
    return line


def days_of(person_id: str, only: str | None = None) -> list[DayLine]:
    """Each published PD day from today (or the day `only`), as the person stands on it."""
    today = datetime.now(UTC).date()
    days = pd_queries.listed_days(engine(), since=today)
    places = pd_queries.places_of(engine(), person_id)
    attendance = pd_queries.attendance_of(engine(), person_id)
    lines = []
    for day in days:
        if day.status != "published" or (only and day.day_id != only):
            continue
        views = pd_queries.timetable(engine(), day.day_id)
        slots = [slot_line(v, person_id, places) for v in views if v.slot.kind == "breakout"]
        exempt = pd_queries.exempt_people(engine(), day.day_id).get(person_id)
        window = pd_queries.window(day)
        lines.append(DayLine(day, window, slots, attendance.get(day.day_id), exempt))
    return lines


def visible_person(person_id: str) -> Row:
    """The person, if I may see them: 404 if there is nobody, 403 outside my schools."""
    readable = readable_schools()
    person = directory.person_card(engine(), person_id)
    if person is None:
        abort(404, "There is nobody in the trust with that id.")
    if readable is not None and person.school_id not in readable:
        abort(403, "You can see the people of your own school only.")
    return person


def person_context(person: Row, only: str | None = None, **extra: Any) -> dict[str, Any]:
    marks = attended(person.person_id)  # PD-day marks and network meetings attended
    return {
        "person": person,
        "manager": places_anyone(g.identity) and person.status == "active",
        "sees_details": places_anyone(g.identity),
        "roles": directory.roles_of(engine(), [person.person_id]).get(person.person_id, []),
        "days": days_of(person.person_id, only),
        "leading": pd_queries.sessions_led_by(engine(), person.person_id),
        "marks": marks,
        "cpd_minutes": sum(mark.cpd_minutes for mark in marks),
        "said": None,
        "errors": {},
        **extra,
    }


@people.get("/people/<person_id>")
def person_page(person_id: str) -> str:
    return render_template("people_person.html", **person_context(visible_person(person_id)))


# The CPD manager acting for someone
ACTIONS = ("place", "cancel", "exemption")


@people.post("/people/<person_id>/days/<day_id>/<action>")
def act(person_id: str, day_id: str, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:
        abort(404)
    if not places_anyone(g.identity):
        abort(403, "Only the CPD manager books, cancels or exempts for someone else.")
    person = visible_person(person_id)
    visible_day(day_id)
    if action == "cancel" and not (request.htmx or request.form.get("confirmed") == "yes"):
        session = chosen_session(day_id, request.form)
        if session is not None:
            return confirm_cancel(person, session)
    where, errors, command = ACTING[action](person, day_id, request.form)
    message: str | None = " ".join((*errors.values(), "Nothing was changed."))
    status = 422
    if not errors:
        message, status = attempt(command)
    # The button pressed is gone (or folded away): the focus goes to the answer.
    gone = status == 200 and (action == "cancel" or request.form.get("exempt") == "no")
    said = {"day": day_id, "at": where, "text": message, "error": status != 200, "focus": gone}
    back = url_for(".person_page", person_id=person_id, _anchor=f"day-{day_id}")

    def page() -> str:
        shown = person_context(person, said=said, errors=errors)
        return render_template("people_person.html", **shown)

    def the_day() -> str:
        shown = person_context(person, only=day_id, said=said, errors=errors)  # after the write
        return render_block("people_person.html", "acted", **shown)

    return form_answer(status, back, page, the_day)


Acting = tuple[str, dict[str, str], Any]


def chosen_session(day_id: str, form: Any) -> Row | None:
    session_id = form.get("session_id", "")
    return pd_queries.find_session(engine(), day_id, session_id) if session_id else None


def place(person: Row, day_id: str, form: Any) -> Acting:
    """Book them on a session (its waitlist, if full), or move their seat there."""
    session = chosen_session(day_id, form)
    if session is None or session.status != "open":
        slot = form.get("slot_id", "")
        return slot, {f"session_id-{slot}": "Choose one of the day's sessions."}, None

    def command() -> str:
        ids = (day_id, session.slot_id, session.session_id)
        placed = trustdays.place(*ids, person.person_id, form.get("key"))
        if placed == "moved":
            return f"{person.name} has moved to {session.title}."
        if placed == "waitlist":
            return f"{session.title} is full: {person.name} is on its waitlist."
        return f"{person.name} is booked on {session.title}."

    return session.slot_id, {}, command


def cancel(person: Row, day_id: str, form: Any) -> Acting:
    """Give up their seat (the first person waiting gets it) or waitlist place."""
    session = chosen_session(day_id, form)
    if session is None:
        slot = form.get("slot_id", "")
        return slot, {f"cancel-{slot}": "That is not one of the day's sessions."}, None
    held = pd_queries.places_of(engine(), person.person_id, day_id).get(session.session_id)

    def command() -> str:
        ids = (day_id, session.slot_id, session.session_id)
        trustdays.cancel(*ids, person.person_id, form.get("key"))
        if held and held.place == "waitlist":
            return f"{person.name} is off the waitlist for {session.title}."
        return f"{person.name}'s seat in {session.title} is cancelled."

    return session.slot_id, {}, command


def exemption(person: Row, day_id: str, form: Any) -> Acting:
    """Mark them as not expected to book the day, with the reason; or expected again."""
    choice, reason = form.get("exempt"), form.get("reason", "").strip()
    errors = {}
    if choice not in ("yes", "no"):
        errors["exempt"] = "Say whether they are expected to book this day."
    if choice == "yes" and not reason:
        errors["reason"] = "Say why they are not expected (for example: part-time)."
    if len(reason) > REASON_MAX:
        errors["reason"] = f"Keep the reason to {REASON_MAX} characters."
    exempt = choice == "yes"

    def command() -> str:
        people_client.set_exempt(day_id, person.person_id, exempt, reason, form.get("key"))
        if exempt:
            return f"{person.name} is not expected to book this day."
        return f"{person.name} is expected to book this day again."

    return "exemption", errors, command


ACTING = {"place": place, "cancel": cancel, "exemption": exemption}


def confirm_cancel(person: Row, session: Row) -> str:
    """Without JavaScript, cancelling asks once on a page of its own (htmx asks in place)."""
    return render_template(
        "people_confirm.html", person=person, session=session, key=request.form.get("key", "")
    )
