"""My CPD: my bookings and waitlist places, whether I come to each day (and what I eat),
the sessions and network meetings I attended with my CPD hours, the sessions I lead, and my
calendar feed."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.answers import form_answer
from frontend.clients import directory, trustdays
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.feeds import feed_addresses
from frontend.pages.programme_view import today_at_school
from frontend.pages.service_rules import at_the_same_names, with_the_services
from readmodels.networks.calendars import attended_meetings
from readmodels.trustdays import queries as pd_queries
from services.trustdays.events import COMMUNITIES

mycpd = Blueprint("mycpd", __name__)
DIETARY_MAX = 500


def context(**extra: Any) -> dict[str, Any]:
    me = g.identity.person_id
    today = today_at_school()
    upcoming = [d for d in pd_queries.listed_days(engine(), since=today) if d.status == "published"]
    marks = attended(me)
    return {
        "bookings": [b for b in pd_queries.bookings_of(engine(), me) if b.date >= today],
        "places": pd_queries.places_of(engine(), me),
        "upcoming": upcoming,
        "attendance": pd_queries.attendance_of(engine(), me),
        "marks": marks,
        "cpd_minutes": sum(mark.cpd_minutes for mark in marks),
        "leading": pd_queries.sessions_led_by(engine(), me),
        "feed": feed_addresses(me),
        "communities": COMMUNITIES,
        "today": today,
        **extra,
    }


def attended(person_id: str) -> list[Any]:
    """PD-day register marks and the network meetings I was present at (each earns its
    length as CPD), newest first."""
    marks = [*pd_queries.marks_of(engine(), person_id), *attended_meetings(engine(), person_id)]
    return sorted(marks, key=lambda mark: (mark.date, mark.starts or ""), reverse=True)


@mycpd.get("/my-cpd")
def page() -> str:
    return render_template("mycpd.html", **context())


@mycpd.post("/days/<day_id>/attendance")
def confirm_attendance(day_id: str) -> ResponseReturnValue:
    """Whether I come to the day, and my dietary needs for the lunch numbers."""
    choice = request.form.get("attending")
    dietary = request.form.get("dietary", "").strip()
    errors = {}
    if choice not in ("yes", "no"):
        errors["attending"] = "Say whether you are coming."
    if len(dietary) > DIETARY_MAX:
        errors["dietary"] = f"Keep it to {DIETARY_MAX} characters."
    command = partial(trustdays.attendance, day_id, choice == "yes", dietary)
    message: str | None = "Please check the form."
    status = 422
    if errors:
        errors = with_the_services(errors, command, at_the_same_names)
    else:
        message, status = attempt(command, done="Saved: thank you.")

    def page() -> str:
        return render_template("mycpd.html", **context(errors={day_id: errors}, message=message))

    def the_day() -> str:
        shown = context(errors={day_id: errors}, saved={day_id: message}, only=day_id)
        return render_block("mycpd.html", "attending", **shown)

    return form_answer(status, url_for(".page", _anchor=f"day-{day_id}"), page, the_day)


@mycpd.post("/my-cpd/feed-token")
def new_feed_token() -> ResponseReturnValue:
    """A new secret address for my calendar feeds: the old one stops working at once."""
    replaced = bool(feed_addresses(g.identity.person_id))
    directory.new_feed_token(request.form.get("key"))

    def calendar() -> str:
        return render_block("mycpd.html", "calendar", **context(renewed=replaced))

    return form_answer(200, url_for(".page", _anchor="calendar"), calendar, calendar)
