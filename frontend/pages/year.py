"""The trust's year: its terms (three or six), England's bank holidays in it, and each
school's dates at a glance (its own terms or the trust's, its INSET days and closures),
for everyone on the staff; the trust admin and the CPD manager set the terms here.

/year is this academic year; /year/<year> any other ("2027-28"). Without JavaScript every
form is a plain POST that comes back to the page."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from flask import Blueprint, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from frontend.answers import form_answer
from frontend.clients import trustyear as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.pages import year_forms as forms
from frontend.pages.service_rules import with_the_services
from readmodels.directory.queries import CENTRAL, school_choices
from readmodels.trustyear import queries
from services.trustyear.access import sets_terms
from services.trustyear.events import CLOSURE_KINDS, england_bank_holidays, year_of

year = Blueprint("year", __name__)


@year.app_template_filter("short_date")
def short_date(day: date) -> str:
    """A UK date as people write it: "Tue 3 March"."""
    return f"{day:%a} {day.day} {day:%B}"


@year.app_template_filter("iso_date")
def iso_date(value: str | date) -> date:
    """A date from a service's JSON (ISO 8601)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@year.app_template_filter("span")
def span(first: date, last: date) -> str:
    """ "Tue 3 March", or "Mon 26 October to Fri 30 October"."""
    return short_date(first) if first == last else f"{short_date(first)} to {short_date(last)}"


def school_days(first: date, last: date) -> int:
    """Weekdays from first to last (bank holidays and closures not taken off)."""
    days = (date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return sum(1 for day in days if day.weekday() < 5)


def the_year(year_id: str) -> str:
    if not forms.known_year(year_id):
        abort(404, "There is no such year: years are like 2026-27.")
    return year_id


def neighbours(year_id: str) -> tuple[str, str]:
    first = int(year_id[:4])
    return f"{first - 1}-{first % 100:02d}", f"{first + 1}-{(first + 2) % 100:02d}"


@year.get("/year")
def current() -> str:
    """This academic year's page (the menu's link: no redirect on the way)."""
    return page(year_of(date.today()))


@year.get("/year/<year_id>")
def page(year_id: str) -> str:
    the_year(year_id)
    view = queries.find_year(engine(), year_id)
    first, last = (view.year.starts, view.year.ends) if view else forms_bounds(year_id)
    counts = queries.closure_counts(engine(), year_id)
    own = queries.schools_with_own_terms(engine(), year_id)
    schools = [
        {"school_id": sid, "name": name, "counts": counts.get(sid, {}), "own": sid in own}
        for sid, name in school_choices(engine(), None)
        if sid != CENTRAL
    ]
    schools.sort(key=lambda school: school["school_id"] != g.identity.school_id)  # mine first
    earlier, later = neighbours(year_id)
    return render_template(
        "year.html",
        year_id=year_id,
        view=view,
        days={t.term: school_days(t.starts, t.ends) for t in (view.terms if view else [])},
        bank_holidays=england_bank_holidays(first, last),
        schools=schools,
        kinds=CLOSURE_KINDS,
        sets_terms=sets_terms(g.identity),
        earlier=earlier,
        later=later,
        this_year=year_of(date.today()),
    )


def forms_bounds(year_id: str) -> tuple[date, date]:
    first = int(year_id[:4])
    return date(first, 9, 1), date(first + 1, 8, 31)


# The trust's terms
def terms_context(year_id: str, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {"year_id": year_id, "values": {"terms": values}, "errors": {"terms": errors}}


@year.get("/year/<year_id>/terms")
def terms_form(year_id: str) -> str:
    the_year(year_id)
    if not sets_terms(g.identity):
        abort(403, "Only the trust admin and the CPD manager set the terms.")
    view = queries.find_year(engine(), year_id)
    values = forms.empty_terms(year_id)
    if view is not None:
        values = {"starts": str(view.year.starts), "ends": str(view.year.ends)}
        values |= forms.term_values(view.terms)
    return render_template("year_terms.html", **terms_context(year_id, values, {}))


@year.post("/year/<year_id>/terms")
def set_terms(year_id: str) -> ResponseReturnValue:
    the_year(year_id)
    if not sets_terms(g.identity):
        abort(403, "Only the trust admin and the CPD manager set the terms.")
    errors: dict[str, str] = {}
    starts = forms.a_date(request.form, "starts", errors, "Give the year's first day.")
    ends = forms.a_date(request.form, "ends", errors, "Give the year's last day.")
    terms = forms.term_rows(request.form, errors)
    if not errors and len(terms) not in (3, 6):
        errors["terms"] = f"Give 3 or 6 terms: these rows give {len(terms)}."
    command = partial(service.set_year, year_id, starts, ends, terms, request.form.get("key"))
    at_the_fields, status = forms.terms_refused(request.form), 422
    if errors:
        errors = with_the_services(errors, command, at_the_fields)
    else:
        try:
            command()
            status = 200
        except Refused as refused:
            if refused.status not in (409, 422):
                raise
            errors = at_the_fields(refused)
    values = {name: request.form.get(name, "") for name in request.form}

    def again() -> str:
        return render_template("year_terms.html", **terms_context(year_id, values, errors))

    return form_answer(status, url_for(".page", year_id=year_id), again, again)
