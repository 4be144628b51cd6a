"""A school's dates for a year: its terms (its own where they differ, else the trust's), its
INSET days, holidays and closures, for everyone on the staff to read; its headteacher and
school CPD lead (and the trust admin or CPD manager) add and remove dates, set its own
terms, and import its calendar (ICS) or a CSV: a preview first, saved with one button.

A file is sent twice, once to preview and once to save: the preview page carries it back
in a hidden field (files are small: 512 KB at most), so nothing is kept between requests."""

from __future__ import annotations

import base64
import binascii
from functools import partial
from typing import Any

from flask import Blueprint, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from frontend.answers import form_answer
from frontend.clients import trustyear as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.numbers import whole_number
from frontend.pages import year_forms as forms
from frontend.pages.service_rules import with_the_services
from frontend.pages.year import the_year
from readmodels.directory.queries import school_choices
from readmodels.trustyear import queries
from services.trustyear.access import keeps_dates_of
from services.trustyear.events import CLOSURE_KINDS, VOCABULARIES

school_year = Blueprint("school_year", __name__)
MAX_FILE = 512 * 1024
NEW_DATE = {"kind": "inset"}


def the_school(school_id: str) -> str:
    names = dict(school_choices(engine(), None))
    if school_id not in names or school_id == "central":
        abort(404, "There is no such school.")
    return names[school_id]


def may_keep(school_id: str) -> None:
    if not keeps_dates_of(g.identity, school_id):
        abort(403, "A school's dates are kept by its headteacher and school CPD lead.")


def context(year_id: str, school_id: str, **extra: Any) -> dict[str, Any]:
    view = queries.find_year(engine(), year_id)
    own = queries.own_terms(engine(), school_id, year_id)
    return {
        "year_id": year_id,
        "school_id": school_id,
        "school": the_school(school_id),
        "own": bool(own),
        "terms": own or (view.terms if view else []),
        "closures": queries.closures_of(engine(), school_id, year_id),
        "kinds": CLOSURE_KINDS,
        "sources": VOCABULARIES["source"],
        "keeps": keeps_dates_of(g.identity, school_id),
        "values": {"closure": dict(NEW_DATE)},
        "errors": {"closure": {}, "import": {}},
        "said": None,
        **extra,
    }


@school_year.get("/year/<year_id>/schools/<school_id>")
def page(year_id: str, school_id: str) -> str:
    the_year(year_id)
    return render_template("year_school.html", **context(year_id, school_id, said=done_said()))


def done_said() -> str | None:
    """What the form just did, after its redirect back (a plain form, or a boosted one)."""
    added = queries.find_closure(engine(), request.args.get("added", ""))
    if added is not None:
        return f"{added.label or CLOSURE_KINDS[added.kind]} is added."
    removed = request.args.get("removed", "")
    if removed in CLOSURE_KINDS:  # a kind, never text of the query's: anyone can write that
        return f"{CLOSURE_KINDS[removed]} is removed."
    count = whole_number(request.args.get("imported"))
    if count is not None:
        return f"{count} date{'s' if count != 1 else ''} added from the file."
    return None


def back(year_id: str, school_id: str, anchor: str = "dates", **said: str) -> str:
    values: dict[str, Any] = {"year_id": year_id, "school_id": school_id, **said}
    return url_for(".page", _anchor=anchor, **values)


@school_year.post("/year/<year_id>/schools/<school_id>/closures")
def add_closure(year_id: str, school_id: str) -> ResponseReturnValue:
    the_year(year_id)
    the_school(school_id)
    may_keep(school_id)
    body, errors = forms.closure_body(request.form)
    command = partial(service.add_closure, school_id, year_id, body, request.form.get("key"))
    at_the_fields = partial(forms.refused_errors, rules=forms.CLOSURE_RULES)
    status, said, done = 422, None, ""
    if errors:
        errors = with_the_services(errors, command, at_the_fields)
    else:
        try:
            done = command()
            status, said = 200, f"{body['label'] or CLOSURE_KINDS[body['kind']]} is added."
        except Refused as refused:
            if refused.status not in (409, 422):
                raise
            errors = at_the_fields(refused)
    values = {"closure": dict(request.form) if errors else dict(NEW_DATE)}

    def shown() -> str:
        extra = {"values": values, "errors": {"closure": errors, "import": {}}, "said": said}
        return render_template("year_school.html", **context(year_id, school_id, **extra))

    return form_answer(status, back(year_id, school_id, added=done), shown, shown)


@school_year.post("/year/<year_id>/schools/<school_id>/closures/<closure_id>/remove")
def remove_closure(year_id: str, school_id: str, closure_id: str) -> ResponseReturnValue:
    the_year(year_id)
    the_school(school_id)
    may_keep(school_id)
    closure = queries.find_closure(engine(), closure_id)
    if closure is None or closure.school_id != school_id or closure.year_id != year_id:
        abort(404, "There is no such date.")
    service.remove_closure(school_id, year_id, closure_id, request.form.get("key"))
    said = f"{closure.label or CLOSURE_KINDS[closure.kind]} is removed."

    def shown() -> str:
        return render_template("year_school.html", **context(year_id, school_id, said=said))

    return form_answer(200, back(year_id, school_id, removed=closure.kind), shown, shown)


# Importing a file of dates
@school_year.post("/year/<year_id>/schools/<school_id>/import")
def import_file(year_id: str, school_id: str) -> ResponseReturnValue:
    """Preview a file (sent as `file`), or save the file the preview carried (`content`)."""
    the_year(year_id)
    the_school(school_id)
    may_keep(school_id)
    name, content, problem = uploaded()
    if problem:
        errors = {"import": {"file": problem}, "closure": {}}
        shown = context(year_id, school_id, errors=errors)
        return render_template("year_school.html", **shown), 422
    save = request.form.get("save") == "yes"
    try:
        report = service.import_dates(
            school_id, year_id, name, content, save, request.form.get("key")
        )
    except Refused as refused:
        if refused.status not in (413, 422):
            raise
        errors = {"import": {"file": refused.message}, "closure": {}}
        shown = context(year_id, school_id, errors=errors)
        return render_template("year_school.html", **shown), 422
    if report.get("saved"):
        added = len(report.get("events", []))
        said = f"{added} date{'s' if added != 1 else ''} added from {name}."

        def shown_page() -> str:
            return render_template("year_school.html", **context(year_id, school_id, said=said))

        done = back(year_id, school_id, imported=str(added))
        return form_answer(200, done, shown_page, shown_page)
    status = 422 if report.get("bad_lines") else 200
    carried = base64.b64encode(content).decode()
    preview = {"report": report, "name": name, "carried": carried}
    shown = context(year_id, school_id, **preview)
    return render_template("year_import.html", **shown), status


def uploaded() -> tuple[str, bytes, str | None]:
    """The file's name and bytes: chosen in the form, or carried back by the preview."""
    carried = request.form.get("content", "")
    if carried:
        try:
            content = base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            return "", b"", "The file was not carried back whole: choose it again."
        return request.form.get("name", "dates")[:200], content, None
    file = request.files.get("file")
    if file is None or not file.filename:
        return "", b"", "Choose the school's calendar file (ICS) or a CSV."
    content = file.read(MAX_FILE + 1)
    if len(content) > MAX_FILE:
        return "", b"", "The file is larger than 512 KB: split it by year."
    return file.filename[:200], content, None


# A school's own terms
@school_year.get("/year/<year_id>/schools/<school_id>/terms")
def terms_form(year_id: str, school_id: str) -> str:
    the_year(year_id)
    the_school(school_id)
    may_keep(school_id)
    shown = context(year_id, school_id)
    values = forms.term_values(shown["terms"])
    return render_template(
        "year_school_terms.html", **shown | {"values": {"terms": values}, "errors": {"terms": {}}}
    )


@school_year.post("/year/<year_id>/schools/<school_id>/terms")
def set_terms(year_id: str, school_id: str) -> ResponseReturnValue:
    the_year(year_id)
    the_school(school_id)
    may_keep(school_id)
    errors: dict[str, str] = {}
    follow = request.form.get("follow") == "yes"
    terms = [] if follow else forms.term_rows(request.form, errors)
    if not follow and not errors and len(terms) not in (3, 6):
        errors["terms"] = f"Give 3 or 6 terms: these rows give {len(terms)}."
    command = partial(service.set_school_terms, school_id, year_id, terms, request.form.get("key"))
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

    def again() -> str:
        values = {"terms": dict(request.form)}
        shown = context(year_id, school_id) | {"values": values, "errors": {"terms": errors}}
        return render_template("year_school_terms.html", **shown)

    return form_answer(status, back(year_id, school_id, "terms"), again, again)
