"""The trust year service, as pages call it: the year's terms, a school's own terms and
closures, and importing a school's file of dates (a preview, then saving it).

Each call sends the command as the signed-in person, with the form's idempotency key
where it has one, and returns once the trust year's projection has applied it. A refusal
is `Refused` and an unknown outcome `NotConfirmed` (frontend.commands)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from flask import current_app, request
from werkzeug.exceptions import ServiceUnavailable

from events.identity import IDENTITY_HEADER
from frontend.commands import (
    NOT_SENT,
    NoAnswer,
    NotAnswering,
    NotConfirmed,
    Refused,
    read_your_write,
    send,
)
from readmodels.trustyear.projection import trustyear as projection

SERVICE = "trustyear"
READ_IN = projection.name


def _path(*parts: str) -> str:
    return "".join(f"/{quote(part, safe='')}" for part in parts)


def _school(school_id: str, year_id: str) -> str:
    return _path("schools", school_id, "years", year_id)


def _send(method: str, path: str, body: dict[str, Any] | None, key: str | None) -> dict:
    return send(SERVICE, method, path, body, key, read_in=READ_IN)


def set_year(year_id: str, starts: str, ends: str, terms: list[dict], key: str | None) -> None:
    """The year's dates and its terms, whole."""
    _send("PUT", _path("years", year_id), {"starts": starts, "ends": ends, "terms": terms}, key)


def set_school_terms(school_id: str, year_id: str, terms: list[dict], key: str | None) -> None:
    """A school's own terms; [] to follow the trust's again."""
    _send("PUT", _school(school_id, year_id) + "/terms", {"terms": terms}, key)


def add_closure(school_id: str, year_id: str, body: dict[str, Any], key: str | None) -> str:
    """A holiday, INSET day or closure (kind, starts, ends, label); its id."""
    return str(_send("POST", _school(school_id, year_id) + "/closures", body, key)["id"])


def remove_closure(school_id: str, year_id: str, closure_id: str, key: str | None) -> None:
    _send("DELETE", _school(school_id, year_id) + _path("closures", closure_id), None, key)


def import_dates(
    school_id: str, year_id: str, name: str, content: bytes, save: bool, key: str | None
) -> dict[str, Any]:
    """The service's report on a file (its dates, lines left out, bad lines), saved or not.
    A file with bad lines answers its report too (`bad_lines`), not a refusal."""
    url = current_app.extensions["services"].get(SERVICE)
    if url is None:
        raise ServiceUnavailable(f"The {SERVICE} service is not configured.")
    headers = {IDENTITY_HEADER: request.headers.get(IDENTITY_HEADER, "")}
    if key:
        headers["Idempotency-Key"] = key
    client: httpx.Client = current_app.extensions["service_client"]
    path = url.rstrip("/") + _school(school_id, year_id) + "/imports"
    try:
        answer = client.post(
            path,
            data={"mode": "save" if save else "check"},
            files={"file": (name or "dates", content, "application/octet-stream")},
            headers=headers,
        )
    except NOT_SENT:
        raise NotAnswering(SERVICE) from None
    except httpx.TransportError:  # sent, but no answer came back
        raise NoAnswer() from None
    if answer.status_code >= 500:
        raise NotConfirmed()
    report = (
        answer.json()
        if answer.headers.get("content-type", "").startswith("application/json")
        else {}
    )
    if answer.status_code == 422 and "bad_lines" in report:
        return report
    if answer.status_code >= 400:
        message = report.get("message", "That file was refused.")
        raise Refused(answer.status_code, report.get("error", "refused"), message)
    if save and report.get("seq"):
        read_your_write(READ_IN, int(report["seq"]))
    return report
