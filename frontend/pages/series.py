"""Series of a network's meetings, without a poll: plan one (every fortnight on a weekday, at
set times, from a first to a last date), seeing before saving which dates it has and which
it skips and why (a half term, an INSET day at a member's school, a bank holiday, a PD day);
a series' page with its meetings, each moved or cancelled alone; ending a series.

Planning is the network's organisers' (services/networks/access.py: organises); the page
of a series is for whoever may see its network. Each occurrence is a meeting of its own,
scheduled by a reaction moments after the series is planned: the page says so while they
arrive."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row

from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.errors import ANSWERED_IN_PLACE
from frontend.pages import series_forms as forms
from frontend.pages.network_text import short_date
from frontend.pages.networks import LABELS, organised_by_me, the_network
from frontend.pages.programme_view import today_at_school
from frontend.pages.service_rules import with_the_services
from readmodels.networks import queries

series = Blueprint("series", __name__)


def organisers_only(network: Row, members: set[str]) -> None:
    if not organised_by_me(network, members):
        abort(403, "Only the network's organisers plan, move and cancel its meetings.")


# Planning a series
def plan_context(network: Row, values: dict[str, str], errors: forms.Errors, **extra: Any) -> dict:
    return {
        "network": network,
        "values": {"series": values},
        "errors": {"series": errors},
        "weekdays": forms.WEEKDAY_CHOICES,
        **extra,
    }


@series.get("/networks/<network_id>/series/new")
def new(network_id: str) -> str:
    network, members = the_network(network_id)
    organisers_only(network, members)
    values = forms.defaults(network, today_at_school())
    return render_template("series_plan.html", **plan_context(network, values, {}))


def preview(network_id: str, body: dict[str, Any]) -> tuple[dict | None, forms.Errors, int]:
    """The dates the series would have and skip, asked of the service (nothing planned)."""
    try:
        found = service.series_dates(network_id, body)
    except Refused as refused:
        if refused.status not in ANSWERED_IN_PLACE and refused.status != 404:
            raise
        if refused.status == 404:  # the service cannot answer this question yet
            return None, {}, 200
        return None, forms.refused_errors(refused), refused.status
    return forms.dates_shown(found), {}, 200


@series.post("/networks/<network_id>/series")
def plan(network_id: str) -> ResponseReturnValue:
    network, members = the_network(network_id)
    organisers_only(network, members)
    body, errors = forms.series_body(request.form)
    checking = request.form.get("do") == "check"
    planned: list[str] = []
    key = request.form.get("key")
    dates = None
    if checking and not errors:
        dates, errors, status = preview(network_id, body)
    else:
        errors, status = checked(
            errors, lambda: planned.append(service.plan_series(network_id, body, key))
        )

    def again() -> str:
        shown = plan_context(network, dict(request.form), errors, dates=dates, checked=checking)
        return render_template("series_plan.html", **shown)

    def part() -> str:
        shown = plan_context(network, dict(request.form), errors, dates=dates, checked=checking)
        return render_block("series_plan.html", "plan_form", **shown)

    if checking and status < 400:  # a question: the form again with its answer, never a 303
        return (part() if request.htmx and not request.htmx.boosted else again()), 200
    if planned and request.htmx and not request.htmx.boosted:  # on to the series' page
        return "", 200, {"HX-Location": url_for(".page", series_id=planned[0])}
    back = url_for(".new", network_id=network_id)
    if planned:
        back = url_for(".page", series_id=planned[0])
    return form_answer(status, back, again, part)


# One meeting, without a poll
@series.get("/networks/<network_id>/meetings/new")
def new_meeting(network_id: str) -> str:
    network, members = the_network(network_id)
    organisers_only(network, members)
    values = forms.booking_defaults(network, today_at_school())
    return render_template("meeting_book.html", network=network, values={"book": values}, errors={})


@series.post("/networks/<network_id>/meetings")
def book_meeting(network_id: str) -> ResponseReturnValue:
    network, members = the_network(network_id)
    organisers_only(network, members)
    body, errors = forms.booking_body(request.form)
    booked: list[str] = []
    key = request.form.get("key")
    errors, status = checked(
        errors, lambda: booked.append(service.book_meeting(network_id, body, key))
    )
    back = url_for("networks.page", network_id=network_id)
    if booked and has_meeting_page():
        back = url_for("meetings.page", meeting_id=booked[0])

    def again() -> str:
        values, shown = {"book": dict(request.form)}, {"book": errors}
        return render_template("meeting_book.html", network=network, values=values, errors=shown)

    return form_answer(status, back, again, again)


def has_meeting_page() -> bool:
    return "meetings.page" in current_app.view_functions


# A series
def the_series(series_id: str) -> tuple[Row, list[Row], Row, set[str]]:
    found = queries.find_series(engine(), series_id)
    if found is None:
        abort(404, "There is no such series.")
    row, meetings = found
    network, members = the_network(row.network_id)
    return row, meetings, network, members


def page_context(series_id: str, **extra: Any) -> dict[str, Any]:
    row, meetings, network, members = the_series(series_id)
    today = today_at_school()
    planned = {o["meeting_id"] for o in row.occurrences or []}
    return {
        "series": row,
        "meetings": meetings,
        "waiting": len(planned - {m.meeting_id for m in meetings}),
        "skipped": forms.skipped_shown(row.skipped or []),
        "network": network,
        "organiser": organised_by_me(network, members) and row.status == "active",
        "labels": LABELS,
        "today": today,
        "values": {},
        "errors": {},
        **extra,
    }


@series.get("/series/<series_id>")
def page(series_id: str) -> str:
    return render_template("series.html", **page_context(series_id))


def the_occurrence(series_id: str, meeting_id: str) -> tuple[Row, Row]:
    """The series (which I organise) and one of its meetings still to come."""
    row, meetings, network, members = the_series(series_id)
    organisers_only(network, members)
    meeting = next((m for m in meetings if m.meeting_id == meeting_id), None)
    if meeting is None:
        abort(404, "There is no such meeting in this series.")
    return row, meeting


def occurrence_answer(
    series_id: str, meeting_id: str, status: int, form: str, errors: forms.Errors, done: str
) -> ResponseReturnValue:
    """The series page again (a 303 to it), or to htmx the meeting's line alone."""
    said = {f"{form}-{meeting_id}": errors} if errors else {}
    sent = {f"{form}-{meeting_id}": dict(request.form)} if errors else {}
    shown = {"errors": said, "values": sent, "done": {meeting_id: done} if not errors else {}}

    def again() -> str:
        return render_template("series.html", **page_context(series_id, **shown))

    def line() -> str:
        context = page_context(series_id, **shown)
        meeting = next(m for m in context["meetings"] if m.meeting_id == meeting_id)
        return render_block("series.html", "occurrence", meeting=meeting, **context)

    back = url_for(".page", series_id=series_id, _anchor=f"meeting-{meeting_id}")
    return form_answer(status, back, again, line)


def sent_or_refused(command: Any) -> tuple[forms.Errors, int]:
    try:
        command()
    except Refused as refused:
        if refused.status not in ANSWERED_IN_PLACE:
            raise
        return forms.refused_errors(refused), refused.status
    return {}, 200


def checked(errors: forms.Errors, command: Any) -> tuple[forms.Errors, int]:
    """The form's own errors and the service's at its other fields (422, nothing sent),
    else the command's outcome."""
    if errors:
        return with_the_services(errors, command, forms.refused_errors), 422
    return sent_or_refused(command)


def reason_given(missing: str) -> tuple[str, forms.Errors]:
    reason = forms.text(request.form, "reason")
    return reason, ({} if reason else {"reason": missing})


@series.post("/series/<series_id>/meetings/<meeting_id>/move")
def move(series_id: str, meeting_id: str) -> ResponseReturnValue:
    _, meeting = the_occurrence(series_id, meeting_id)
    body, errors = forms.move_body(request.form, meeting)
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.move(meeting_id, body, key))
    done = "" if errors else f"Moved to {short_date(date.fromisoformat(body['date']))}."
    return occurrence_answer(series_id, meeting_id, status, "move", errors, done)


@series.post("/series/<series_id>/meetings/<meeting_id>/cancel")
def cancel(series_id: str, meeting_id: str) -> ResponseReturnValue:
    the_occurrence(series_id, meeting_id)
    reason, errors = reason_given("Say why: the members are told.")
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.cancel(meeting_id, reason, key))
    return occurrence_answer(series_id, meeting_id, status, "cancel", errors, "Cancelled.")


@series.post("/series/<series_id>/end")
def end(series_id: str) -> ResponseReturnValue:
    _, _, network, members = the_series(series_id)
    organisers_only(network, members)
    reason, errors = reason_given("Say why it ends.")
    key = request.form.get("key")
    errors, status = checked(errors, lambda: service.end_series(series_id, reason, key))

    def again() -> str:
        shown = {"errors": {"end": errors}, "values": {"end": dict(request.form)}}
        return render_template("series.html", **page_context(series_id, **shown))

    return form_answer(status, url_for(".page", series_id=series_id), again, again)
