"""The trust year pages' forms: the rows of terms (three or six; rows left empty beyond
the third are not terms), a date to close, and what the service said wrong, by field."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from events.school_dates import school_date
from frontend.commands import Refused
from frontend.numbers import whole_number
from frontend.pages.service_rules import flat
from services.trustyear.events import CLOSURE_KINDS, year_span

Form = Mapping[str, str]
Errors = dict[str, str]
ROWS = 6
DEFAULT_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")
THREE_NAMES = ("Autumn", "Spring", "Summer")
TERM_RULES = {
    "term_count": "terms",
    "terms_in_order": "terms",
    "terms_overlap": "terms",
    "term_outside_year": "terms",
    "term_ends_first": "terms",
    "year_outside_bounds": "ends",
}
CLOSURE_RULES = {
    "closure_ends_first": "ends",
    "closure_outside_year": "starts",
    "inset_on_a_weekend": "starts",
    "closures_overlap": "starts",
    "unknown_kind": "kind",
}


def known_year(year_id: str) -> bool:
    return year_span(year_id) is not None


def text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def a_date(form: Form, name: str, errors: Errors, said: str = "Give a date.") -> str:
    value = text(form, name)
    day = school_date(value)
    if day is None:
        errors[name] = said
        return value
    return day.isoformat()


def filled_rows(form: Form) -> list[int]:
    """The rows that give a term, in order: a row with no dates at all is not one."""
    return [
        n
        for n in range(1, ROWS + 1)
        if text(form, f"term{n}_starts") or text(form, f"term{n}_ends")
    ]


def term_rows(form: Form, errors: Errors) -> list[dict[str, Any]]:
    """The terms the rows give, in order."""
    terms: list[dict[str, Any]] = []
    for n in filled_rows(form):
        name = text(form, f"term{n}_name") or f"Term {n}"
        if len(name) > 100:
            errors[f"term{n}_name"] = "Keep the name to 100 characters."
        first = a_date(form, f"term{n}_starts", errors, "Give the term's first day.")
        last = a_date(form, f"term{n}_ends", errors, "Give the term's last day.")
        terms.append({"term": len(terms) + 1, "name": name, "starts": first, "ends": last})
    return terms


def term_values(terms: Sequence[Any]) -> dict[str, str]:
    """The rows' values from terms as they stand (rows, or a record's dicts)."""
    values: dict[str, str] = {}
    for n, term in enumerate(terms, start=1):
        get = term.get if isinstance(term, dict) else lambda name, t=term: getattr(t, name)
        values[f"term{n}_name"] = str(get("name"))
        values[f"term{n}_starts"] = str(get("starts"))
        values[f"term{n}_ends"] = str(get("ends"))
    return values


def empty_terms(year_id: str) -> dict[str, str]:
    first = int(year_id[:4])
    return {
        "starts": date(first, 9, 1).isoformat(),
        "ends": date(first + 1, 8, 31).isoformat(),
        **{f"term{n}_name": name for n, name in enumerate(DEFAULT_NAMES, start=1)},
    }


def closure_body(form: Form) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    kind = text(form, "kind")
    if kind not in CLOSURE_KINDS:
        errors["kind"] = "Choose holiday, INSET day or closure."
    starts = a_date(form, "starts", errors, "Give the first day.")
    ends = text(form, "ends")
    if ends:
        ends = a_date(form, "ends", errors, "Give the last day, or leave it empty for one day.")
    label = text(form, "label")
    if len(label) > 200:
        errors["label"] = "Keep the label to 200 characters."
    return {"kind": kind, "starts": starts, "ends": ends or None, "label": label}, errors


def refused_errors(refused: Refused, rules: Mapping[str, str], rows: Sequence[int] = ()) -> Errors:
    """The service's refusal at the field it is about (else the form's own error); a term's
    at its row of the form (`rows`: `filled_rows`), else at the terms."""
    fields = refused.fields.get("json", refused.fields) if refused.fields else {}
    errors: Errors = {}
    for name, said in (fields or {}).items():
        if isinstance(said, list) and said and isinstance(said[0], str):
            errors[name] = said[0]
        elif isinstance(said, dict):  # terms: {index: {field: [...]}}
            errors |= at_the_rows(said, rows) or {"terms": refused.message}
    if not errors:
        errors[rules.get(refused.rule, "")] = refused.message
    return errors


def at_the_rows(terms: Mapping[str, Any], rows: Sequence[int]) -> Errors:
    """`{"1": {"ends": [...]}}` at `term3_ends` when the second term is the third row."""
    errors: Errors = {}
    for key, said in flat(terms).items():
        index, _, name = key.partition(".")
        at = whole_number(index)
        known = at is not None and at < len(rows) and name in ("name", "starts", "ends")
        errors[f"term{rows[at]}_{name}" if known and at is not None else "terms"] = said
    return errors


def terms_refused(form: Form) -> Callable[[Refused], Errors]:
    """What the service says of the form's terms, at their rows."""
    return partial(refused_errors, rules=TERM_RULES, rows=filled_rows(form))
