"""The CPD manager's overview of a PD day: fill rate per session, bookings and lunch numbers
per school, who has not booked yet (also as CSV), and attendance once registers are taken.
A headteacher or school CPD lead sees the same for their own school, to chase their staff."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, g, render_template
from werkzeug.wrappers import Response

from events.identity import sees_staff, staff_visible_to
from frontend.database import engine
from frontend.pages.days import visible_day
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays import reports
from services.trustdays.events import COMMUNITIES

overview = Blueprint("overview", __name__)


def visible_schools() -> frozenset[str] | None:
    """The schools whose staff I may see here (as in the staff directory): None for all."""
    if not sees_staff(g.identity):
        abort(403, "The day's overview is for the CPD manager, trust leaders and CPD leads.")
    return staff_visible_to(g.identity)


@overview.get("/days/<day_id>/overview")
def page(day_id: str) -> str:
    only = visible_schools()
    day = visible_day(day_id)
    slots = reports.breakout_count(engine(), day_id)
    schools_lines = reports.per_school(engine(), day_id, slots, only)
    return render_template(
        "overview.html",
        day=day,
        timetable=pd_queries.timetable(engine(), day_id),
        attendance=reports.attendance_by_session(engine(), day_id),
        schools=schools_lines,
        lunches=sum(s["lunches"] for s in schools_lines),
        not_booked=reports.not_booked(engine(), day_id, slots, only),
        slots=slots,
        communities=COMMUNITIES,
    )


def spreadsheet_safe(text: str) -> str:
    """A cell Excel will not run as a formula (an imported name can start with '=')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@overview.get("/days/<day_id>/not-booked.csv")
def not_booked_csv(day_id: str) -> Response:
    only = visible_schools()
    day = visible_day(day_id)
    slots = reports.breakout_count(engine(), day_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["School", "Name", "Email", "Job title", "Slots booked", "Slots"])
    for row in reports.not_booked(engine(), day_id, slots, only):
        cells = (row.school, row.name, row.email, row.job_title)
        writer.writerow([*(spreadsheet_safe(cell) for cell in cells), row.seats, slots])
    filename = f"not-booked-{day.date.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
