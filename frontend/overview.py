"""The CPD manager's overview of a PD day: fill rate per session, bookings and lunch numbers
per school, who has not booked yet (also as CSV), and attendance once registers are taken.
A headteacher or school CPD lead sees the same for their own school, to chase their staff."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, abort, g, render_template
from sqlalchemy import and_, func, select
from werkzeug.wrappers import Response

from frontend import pd_queries
from frontend.readmodels import engine, pd_attendees, pd_marks, pd_places, pd_slots, people, schools
from frontend.staff import readable_schools

overview = Blueprint("overview", __name__)
CENTRAL = "Central team"


def the_day(day_id: str) -> Any:
    day = pd_queries.find_day(engine(), day_id)
    if day is None:
        abort(404, "There is no such PD day.")
    return day


def visible_schools() -> frozenset[str] | None:
    """The schools whose staff I may see here (as in the staff directory): None for all."""
    schools = readable_schools(g.identity)
    if schools is not None and not schools:
        abort(403, "The day's overview is for the CPD manager, trust leaders and CPD leads.")
    return schools


def attendance_by_session(day_id: str) -> dict[str, Counter]:
    query = (
        select(pd_marks.c.session_id, pd_marks.c.mark, func.count())
        .where(pd_marks.c.day_id == day_id)
        .group_by(pd_marks.c.session_id, pd_marks.c.mark)
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    with engine().connect() as connection:
        for session_id, mark, count in connection.execute(query):
            counts[session_id][mark] = count
    return counts


def seats_per_person(day_id: str, only: frozenset[str] | None) -> Any:
    """Each active person's school and the seats they hold on the day."""
    seats = (
        select(pd_places.c.person_id, func.count().label("seats"))
        .where(pd_places.c.day_id == day_id, pd_places.c.place == "seat")
        .group_by(pd_places.c.person_id)
        .subquery()
    )
    query = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.email,
            people.c.job_title,
            func.coalesce(schools.c.name, CENTRAL).label("school"),
            func.coalesce(seats.c.seats, 0).label("seats"),
        )
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .outerjoin(seats, seats.c.person_id == people.c.person_id)
        .where(people.c.status == "active")
    )
    return query if only is None else query.where(people.c.school_id.in_(only))


def breakout_count(day_id: str) -> int:
    query = select(func.count()).where(pd_slots.c.day_id == day_id, pd_slots.c.kind == "breakout")
    with engine().connect() as connection:
        return connection.scalar(query) or 0


def not_booked(day_id: str, slots: int, only: frozenset[str] | None) -> list[Any]:
    query = seats_per_person(day_id, only).order_by("school", people.c.name)
    with engine().connect() as connection:
        return [row for row in connection.execute(query) if row.seats < slots]


def per_school(day_id: str, slots: int, only: frozenset[str] | None) -> list[dict[str, Any]]:
    """Staff, people booked (fully), attending and lunch needs, school by school."""
    schools_seen: dict[str, dict[str, Any]] = {}
    with engine().connect() as connection:
        for row in connection.execute(seats_per_person(day_id, only)):
            school = schools_seen.setdefault(row.school, _school_line(row.school))
            school["staff"] += 1
            school["booked"] += row.seats >= slots
            school["some"] += 0 < row.seats < slots
        attendees = select(pd_attendees, func.coalesce(schools.c.name, CENTRAL).label("school"))
        attendees = attendees.outerjoin(
            schools, schools.c.school_id == pd_attendees.c.school_id
        ).where(and_(pd_attendees.c.day_id == day_id, pd_attendees.c.attending))
        if only is not None:
            attendees = attendees.where(pd_attendees.c.school_id.in_(only))
        for row in connection.execute(attendees):
            school = schools_seen.setdefault(row.school, _school_line(row.school))
            school["lunches"] += 1
            if row.dietary.strip():
                school["dietary"][row.dietary.strip().lower()] += 1
    return sorted(schools_seen.values(), key=lambda s: (s["name"] == CENTRAL, s["name"]))


def _school_line(name: str) -> dict[str, Any]:
    return {"name": name, "staff": 0, "booked": 0, "some": 0, "lunches": 0, "dietary": Counter()}


@overview.get("/days/<day_id>/overview")
def page(day_id: str) -> str:
    only = visible_schools()
    day = the_day(day_id)
    slots = breakout_count(day_id)
    schools_lines = per_school(day_id, slots, only)
    return render_template(
        "overview.html",
        day=day,
        timetable=pd_queries.timetable(engine(), day_id),
        attendance=attendance_by_session(day_id),
        schools=schools_lines,
        lunches=sum(s["lunches"] for s in schools_lines),
        not_booked=not_booked(day_id, slots, only),
        slots=slots,
        communities=pd_queries.COMMUNITY_NAMES,
    )


def spreadsheet_safe(text: str) -> str:
    """A cell Excel will not run as a formula (an imported name can start with '=')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@overview.get("/days/<day_id>/not-booked.csv")
def not_booked_csv(day_id: str) -> Response:
    only = visible_schools()
    day = the_day(day_id)
    slots = breakout_count(day_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["School", "Name", "Email", "Job title", "Slots booked", "Slots"])
    for row in not_booked(day_id, slots, only):
        cells = (row.school, row.name, row.email, row.job_title)
        writer.writerow([*(spreadsheet_safe(cell) for cell in cells), row.seats, slots])
    filename = f"not-booked-{day.date.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
