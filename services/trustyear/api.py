"""The trust year's HTTP API: the year's terms, a school's own terms and closures, and the
import of a school's dates from its ICS or CSV file (a preview first); enforces access.py."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import NotFound

from events import CommandRejected
from events.foreign import ForeignFacts
from events.made_ids import made_id
from events.openapi import Blueprint
from events.service import Accepted, Commands, accepted, identity, problem, require
from services.directory.events import TRUST_SUBJECT
from services.trustyear import domain, events
from services.trustyear.access import keeps_dates_of, sets_terms
from services.trustyear.domain import Closure, SchoolYearDecider, Term, YearDecider
from services.trustyear.importing import (
    TOO_MANY,
    Checked,
    against,
    file_kind,
    read_csv,
    read_ics,
    too_many_dates,
)
from services.trustyear.schemas import (
    ClosureIn,
    ImportFile,
    ImportIn,
    SchoolTermsIn,
    YearIn,
)

blp = Blueprint("trustyear", __name__, description="The trust's year: terms, closures.")
years = Commands(YearDecider())
school_years = Commands(SchoolYearDecider())
MAX_FILE_BYTES = 512 * 1024


def known_schools(held: frozenset[str], facts: Any) -> frozenset[str]:
    return held | {event.data["school_id"] for event in facts}


schools = ForeignFacts(
    *TRUST_SUBJECT, types=("SchoolAdded",), initial=frozenset[str](), fold=known_schools
)


def year_subject(year_id: str) -> str:
    domain.bounds(year_id)  # 422 for a year that is not one
    return years.subject(*events.year_subject(year_id))


def school_subject(school_id: str, year_id: str) -> str:
    if not schools.holds(lambda held: school_id in held):
        raise NotFound("There is no such school.")
    domain.bounds(year_id)
    return school_years.subject(*events.school_subject(school_id, year_id))


def terms_in(loaded: list[dict]) -> tuple[Term, ...]:
    return tuple(Term(**term) for term in loaded)


@blp.get("/years/<year_id>")
def get_year(year_id: str) -> Response:
    """The year's first and last day and its terms (404 until the trust sets them)."""
    year = years.state(year_subject(year_id))
    if year is None:
        raise NotFound("The trust has not set this year's terms.")
    return jsonify(dated({**asdict(year), "terms": [asdict(t) for t in year.terms]}))


@blp.put("/years/<year_id>")
@blp.arguments(YearIn)
@blp.response(200, Accepted)
def set_year(body: dict, year_id: str) -> Response:
    """Set the year's dates and its 3 or 6 terms, whole (trust admin, CPD manager)."""
    require(sets_terms(identity()), "Only the trust admin and the CPD manager set the terms.")
    year = domain.Year(year_id, body["starts"], body["ends"], terms_in(body["terms"]))
    return accepted(years.execute(year_subject(year_id), domain.SetYear(year)), id=year_id)


@blp.get("/schools/<school_id>/years/<year_id>")
def get_school_year(school_id: str, year_id: str) -> Response:
    """A school's own terms ([]: the trust's) and its closures, by first day."""
    state = school_years.state(school_subject(school_id, year_id))
    closures = sorted(state.closures.values(), key=lambda c: (c.starts, c.ends))
    terms = [asdict(term) for term in state.terms]
    return jsonify(dated({"terms": terms, "closures": [asdict(c) for c in closures]}))


@blp.put("/schools/<school_id>/years/<year_id>/terms")
@blp.arguments(SchoolTermsIn)
@blp.response(200, Accepted)
def set_school_terms(body: dict, school_id: str, year_id: str) -> Response:
    """The school's own terms, where they differ from the trust's; [] to follow the trust's."""
    require(keeps_dates_of(identity(), school_id), "You keep your own school's dates only.")
    command = domain.SetSchoolTerms(school_id, year_id, terms_in(body["terms"]))
    return accepted(school_years.execute(school_subject(school_id, year_id), command))


@blp.post("/schools/<school_id>/years/<year_id>/closures")
@blp.arguments(ClosureIn)
@blp.response(201, Accepted)
def add_closure(body: dict, school_id: str, year_id: str) -> Response:
    """A holiday, INSET day or closure of the school, from its first to its last day."""
    require(keeps_dates_of(identity(), school_id), "You keep your own school's dates only.")
    closure_id = made_id("closure")
    ends = body["ends"] or body["starts"]
    label = body["label"] or events.CLOSURE_KINDS[body["kind"]]
    closure = Closure(closure_id, body["kind"], body["starts"], ends, label, "page")
    command = domain.AddClosures(school_id, year_id, (closure,))
    outcome = school_years.execute(school_subject(school_id, year_id), command)
    return accepted(outcome, 201, id=closure_id)


@blp.delete("/schools/<school_id>/years/<year_id>/closures/<closure_id>")
@blp.response(200, Accepted)
def remove_closure(school_id: str, year_id: str, closure_id: str) -> Response:
    require(keeps_dates_of(identity(), school_id), "You keep your own school's dates only.")
    command = domain.RemoveClosure(school_id, year_id, closure_id)
    return accepted(school_years.execute(school_subject(school_id, year_id), command))


@blp.post("/schools/<school_id>/years/<year_id>/imports")
@blp.arguments(ImportIn, location="form")
@blp.arguments(ImportFile, location="files")
@blp.alt_response(422, description="The file has bad lines (the report lists them).")
@blp.response(200, Accepted)
def import_dates(options: dict, upload: dict, school_id: str, year_id: str) -> Response:
    """The school's dates from its calendar (ICS) or a CSV (kind,starts,ends,label): `check`
    answers the preview; `save` adds the new dates of a file without bad lines."""
    require(keeps_dates_of(identity(), school_id), "You keep your own school's dates only.")
    subject = school_subject(school_id, year_id)
    file = upload["file"]
    content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        return problem(413, "file_too_large", "A file of dates is at most 512 KB.")
    kind = file_kind(getattr(file, "filename", "") or "", content)
    if too_many_dates(content, kind):
        return problem(413, "file_too_large", TOO_MANY)
    checked = read_file(kind, content, school_id, year_id)
    if checked.problem:
        return problem(422, "unreadable_file", checked.problem)
    state = school_years.state(subject)
    shown = against(checked, list(state.closures.values()))
    report = preview(kind, checked, shown)
    if checked.bad:
        answer = jsonify(
            error="file_has_bad_lines",
            message="Nothing was added: fix the lines listed and import the file again.",
            **report,
        )
        answer.status_code = 422
        return answer
    if options["mode"] == "check":
        return jsonify(saved=False, **report)
    new = tuple(row.closure for row, status in shown if status == "new")
    try:
        outcome = school_years.execute(subject, domain.AddClosures(school_id, year_id, new))
    except CommandRejected as refused:  # the dates changed since the preview
        return problem(409, refused.rule, refused.message)
    return accepted(outcome, saved=True, **report)


def read_file(kind: str, content: bytes, school_id: str, year_id: str) -> Checked:
    if kind == "ics":
        return read_ics(content, school_id, year_id)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Checked(problem="Save the file as CSV (UTF-8) or ICS and try again.")
    return read_csv(text, school_id, year_id)


def dated(value: Any) -> Any:
    """Dates as ISO 8601 (Flask's JSON would write them as HTTP dates)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: dated(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [dated(inner) for inner in value]
    return value


def preview(kind: str, checked: Checked, shown: list) -> dict[str, Any]:
    return dated(
        {
            "format": kind,
            "dates": [
                {"line": row.line, "status": status, **asdict(row.closure)} for row, status in shown
            ],
            "left_out": [{"line": p.line, "reasons": p.reasons} for p in checked.left_out],
            "bad_lines": [{"line": p.line, "reasons": p.reasons} for p in checked.bad],
        }
    )
