"""The overview of a PD day on booking morning: headline figures by school that keep
themselves up to date, sessions sortable by fill and by waiting, each waitlist in order,
who got a freed seat, lunches; exports and a printable register per session.

The CPD manager and the trust's leaders see every school; a headteacher or school CPD lead
sees the same for their own school, with each of their staff's choices, to chase them.
Links lead only where the person may go (a register is its leader's and the CPD manager's).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row
from werkzeug.wrappers import Response

from events.identity import sees_staff, staff_visible_to
from frontend.clients import planning
from frontend.commands import Refused
from frontend.database import engine
from frontend.numbers import whole_number
from frontend.pages import exports
from frontend.pages.days import visible_day
from frontend.query import bounded
from readmodels.directory.queries import CENTRAL, school_choices
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays import reports
from readmodels.trustdays.reports import DayReport
from services.trustdays.access import plans_days, takes_register
from services.trustdays.events import COMMUNITIES

overview = Blueprint("overview", __name__)
POLL_SECONDS = 5
"""An open overview shows a booking within this; an unchanged day answers 204 (no work)."""
ANNOUNCE_SECONDS = 30
"""A screen reader hears the new figures at most this often: on booking morning they
change every few seconds, and the page must not talk over everything else."""
SCHOOL_TIME = ZoneInfo("Europe/London")
SAID_MAX = 100
"""Characters of what the live part announces (`said`: four figures and their words, 81 at
most), which its poll sends back to be compared: longer is not one of ours (422)."""
SORTS = {"time": "Time", "fill": "Fullest first", "waiting": "Most waiting first"}


def visible_schools() -> frozenset[str] | None:
    """The schools whose staff I may see here (as in the staff directory): None for all."""
    if not sees_staff(g.identity):
        abort(403, "The day's overview is for the CPD manager, trust leaders and CPD leads.")
    return staff_visible_to(g.identity)


def chosen_school(only: frozenset[str] | None) -> tuple[list[tuple[str, str]], str]:
    """The schools I may look at one by one, and the one chosen ('' for none): a school
    leader's own by default, never one that is not theirs (403); an unknown one is 404."""
    choices = school_choices(engine(), only)
    default = choices[0][0] if only is not None and choices else ""
    school_id = request.args.get("school", default)
    if school_id and school_id not in dict(choices):
        if only is None:
            abort(404, "There is no such school.")
        abort(403, "You can see the staff of your own school only.")
    return choices, school_id


def sessions_in_order(timetable: list[Any], sort: str) -> list[tuple[Row, Row]]:
    """(slot, session) of every breakout session: by time, or the open ones fullest or
    with most people waiting first (the cancelled last)."""
    lines = [(v.slot, s) for v in timetable if v.slot.kind == "breakout" for s in v.sessions]
    if sort == "fill":
        return sorted(lines, key=lambda line: (*still_open(line), -fill(line[1])))
    if sort == "waiting":
        return sorted(lines, key=lambda line: (*still_open(line), -line[1].waiting, -fill(line[1])))
    return lines


def still_open(line: tuple[Row, Row]) -> tuple[bool]:
    return (line[1].status == "cancelled",)


def fill(session: Row) -> float:
    return session.booked / session.capacity if session.capacity else 0.0


def clock(moment: datetime | None = None) -> str:
    """HH:MM in school time (read models hand back aware UTC); now when no moment is given."""
    return (moment or datetime.now(UTC)).astimezone(SCHOOL_TIME).strftime("%H:%M")


def staff_of(report: DayReport, school_id: str) -> list[reports.StaffDay]:
    wanted = None if school_id == CENTRAL else school_id
    return [person for person in report.staff if person.school_id == wanted]


def context(day: Row, only: frozenset[str] | None) -> dict[str, Any]:
    e = engine()
    report = reports.day_report(e, day.day_id, only)
    timetable = pd_queries.timetable(e, day.day_id)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "time"
    choices, school_id = chosen_school(only)
    totals = report.totals()
    queues = reports.waitlists(e, day.day_id, only)
    return {
        "day": day,
        "report": report,
        "totals": totals,
        "schools": report.by_school(),
        "sessions": sessions_in_order(timetable, sort),
        "titles": {s.session_id: s.title for view in timetable for s in view.sessions},
        "leading": {(s.slot_id, s.leader_id): s.title for v in timetable for s in v.sessions},
        "sort": sort,
        "sorts": SORTS,
        "waitlists": queues,
        "shown_waitlists": {sid for sid, queue in queues.items() if any(queue)},
        "promotions": reports.promotions(e, day.day_id, only),
        "attendance": reports.attendance_by_session(e, day.day_id),
        "choices": choices,
        "school_id": school_id,
        "school_staff": staff_of(report, school_id) if school_id else [],
        "scoped": only is not None,
        "stamp": reports.overview_stamp(e, day.day_id),
        "said": said(totals),
        "last_said": said(totals),
        "told": int(time.time()),
        "poll_seconds": POLL_SECONDS,
        "takes_register": lambda leader_id: takes_register(g.identity, leader_id),
        "communities": COMMUNITIES,
        "clock": clock,
        "exports": exports.TABLES,
        "may_nudge": may_nudge(day),
        "nudge_said": "",
        "nudge_refused": False,
    }


def may_nudge(day: Row) -> bool:
    """The CPD manager reminds those not booked while the day is published and open."""
    now = datetime.now(UTC)
    open_now = day.status == "published" and day.opens <= now < day.closes
    return open_now and plans_days(g.identity)


def said(totals: reports.SchoolFigures) -> str:
    """What the page announces when the figures change (and only then)."""
    return (
        f"{totals.booked} booked, {totals.waiting} waiting, "
        f"{totals.not_booked} not yet booked, {totals.lunches} lunches."
    )


@overview.get("/days/<day_id>/overview")
def page(day_id: str) -> str:
    only = visible_schools()
    page = context(visible_day(day_id), only)
    nudged = whole_number(request.args.get("nudged"))
    if nudged and page["may_nudge"]:
        page["nudge_said"] = (
            f"Reminded {nudged}: each is emailed what they have still to book, "
            "unless they book first. You may remind them again in an hour."
        )
    return render_template("overview.html", **page)


@overview.get("/days/<day_id>/overview/live")
def live(day_id: str) -> ResponseReturnValue:
    """204 while nothing changed since `after`; else every part that moves, out of band,
    and a polite announcement when the headline figures changed."""
    only = visible_schools()
    day = visible_day(day_id)
    if not request.htmx:
        return render_template("overview.html", **context(day, only))
    last_said = bounded("said", SAID_MAX)  # refused before anything is compared
    told = whole_number(request.args.get("told"), max_digits=12) or 0
    if reports.overview_stamp(engine(), day_id) == request.args.get("after"):
        return Response(status=204)
    now = context(day, only)
    announce = now["said"] != last_said and time.time() - told >= ANNOUNCE_SECONDS
    if not announce:  # kept for the next change after the quiet time
        now |= {"told": told, "last_said": last_said}
    return render_block("overview.html", "live", **now, announce=announce)


@overview.post("/days/<day_id>/nudges")
def nudge(day_id: str) -> ResponseReturnValue:
    """Remind the staff not booked in every breakout slot (the CPD manager): the trust days
    check each and leave out who has booked since; not twice within an hour (409)."""
    if not plans_days(g.identity):
        abort(403, "Only the CPD manager reminds staff to book.")
    day = visible_day(day_id)
    waiting_on = [p.person_id for p in reports.day_report(engine(), day_id, None).not_booked()]
    try:
        if not waiting_on:
            raise Refused(409, "nobody_to_nudge", "Everyone has booked every slot.")
        planning.nudge(day_id, waiting_on, request.form.get("key"))
    except Refused as refused:
        page = context(day, None) | {"nudge_said": refused.message, "nudge_refused": True}
        return render_template("overview.html", **page), refused.status
    done = url_for("overview.page", day_id=day_id, nudged=len(waiting_on))
    return redirect(f"{done}#not-booked-title", 303)


@overview.get("/days/<day_id>/exports/<name>.<fmt>")
def export(day_id: str, name: str, fmt: str) -> Response:
    only = visible_schools()
    day = visible_day(day_id)
    if fmt not in exports.FORMATS or name not in (*exports.TABLES, "not-booked"):
        abort(404, "There is no such export.")
    if name == "not-booked":
        sheet = exports.not_booked(reports.day_report(engine(), day_id, only))
    else:
        sheet = exports.TABLES[name](engine(), day, only)
    return exports.download(sheet, fmt, f"{name}-{day.date.isoformat()}")


@overview.get("/days/<day_id>/not-booked.csv")
def not_booked_csv(day_id: str) -> Response:
    return export(day_id, "not-booked", "csv")


@overview.get("/days/<day_id>/sessions/<session_id>/printable-register")
def printable_register(day_id: str, session_id: str) -> str:
    """A session's register on paper: names, their school and a column to sign."""
    day = visible_day(day_id)
    session = pd_queries.find_session(engine(), day_id, session_id)
    if session is None:
        abort(404, "There is no such session.")
    if not takes_register(g.identity, session.leader_id):
        abort(403, "Only the session's leader or the CPD manager prints its register.")
    return render_template(
        "register_print.html",
        day=day,
        session=session,
        slot=reports.find_slot(engine(), session.slot_id),
        lines=reports.register_lines(engine(), session_id),
        blank_lines=range(6),
    )
