"""The trust year through real HTTP: the terms set by the trust, a school's dates by its
office, imports previewed then saved (bad files a 422 with line numbers), and who may."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from events import Event
from events.config import Settings
from events.store import EventStore, StreamSettings
from services.directory.events import TRUST_SUBJECT
from services.trustyear import create_app
from services.trustyear.importing import MAX_ROWS, TOO_MANY
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.trustdays import append
from tests.trustyear.test_importing import CSV, ICS

YEAR = "/years/2026-27"
ASH = "/schools/ash/years/2026-27"
TERMS = [
    {"term": n, "name": name, "starts": starts, "ends": ends}
    for n, (name, starts, ends) in enumerate(
        [
            ("Autumn", "2026-09-02", "2026-12-18"),
            ("Spring", "2027-01-05", "2027-03-26"),
            ("Summer", "2027-04-12", "2027-07-21"),
        ],
        start=1,
    )
]


def admin() -> dict[str, str]:
    return signed(someone("trust_admin", school_id=None))


def head(school_id: str = "ash") -> dict[str, str]:
    return signed(someone(("headteacher", school_id), school_id=school_id))


@pytest.fixture(scope="module")
def service(nats, nats_server) -> Iterator[httpx.Client]:
    name = f"T{uuid.uuid4().hex[:12]}"
    stream = StreamSettings(name=name, subjects=(f"{name.lower()}.>",), duplicate_window=120)
    store = EventStore(nats.nc, stream)
    nats.run(store.ensure_stream())
    for school_id, urn in (("ash", "143201"), ("beech", "143202")):
        school = {"school_id": school_id, "name": school_id.title(), "phase": "primary"}
        added = Event("SchoolAdded", {**school, "urn": urn, "town": "Leeds"})
        append(store, nats, TRUST_SUBJECT, added)
    settings = Settings(nats_server.url, "sqlite://", stream, SECRET_KEY)
    try:
        with serve(create_app(settings)) as url, httpx.Client(base_url=url) as client:
            yield client
    finally:
        nats.run(store.js.delete_stream(name))


def test_the_trust_sets_the_years_terms_and_nobody_else(service):
    body = {"starts": "2026-09-01", "ends": "2027-07-31", "terms": TERMS}
    assert service.put(YEAR, json=body, headers=head()).status_code == 403
    assert service.put(YEAR, json=body, headers=admin()).status_code == 200
    assert service.get(YEAR, headers=head()).json()["terms"][1]["name"] == "Spring"
    wrong = service.put(YEAR, json={**body, "terms": TERMS[:2]}, headers=admin())
    assert wrong.status_code == 422 and wrong.json()["error"] == "term_count"
    bad = service.put(YEAR, json={**body, "starts": "someday"}, headers=admin())
    assert bad.status_code == 422 and "starts" in bad.text
    assert service.get("/years/2031-99", headers=admin()).status_code == 422
    assert service.get("/years/2030-31", headers=admin()).status_code == 404


def test_a_year_or_a_date_no_school_has_is_a_422_not_a_failure(service):
    """ "9999-00" would end in the year 10000, past what a date can hold."""
    body = {"starts": "9999-09-01", "ends": "9999-12-31", "terms": TERMS}
    for year in ("/years/9999-00", "/years/1999-00"):
        assert service.put(year, json=body, headers=admin()).status_code == 422
        assert service.get(year, headers=admin()).status_code == 422
    far = service.put(YEAR, json=body, headers=admin())
    assert far.status_code == 422 and set(far.json()["fields"]) == {"starts", "ends"}


def test_a_school_keeps_its_own_dates_and_no_other_schools(service):
    inset = {"kind": "inset", "starts": "2026-11-02", "label": "INSET: reading"}
    assert service.post(f"{ASH}/closures", json=inset, headers=head("beech")).status_code == 403
    added = service.post(f"{ASH}/closures", json=inset, headers=head())
    assert added.status_code == 201, added.text
    closure_id = added.json()["id"]
    held = service.get(ASH, headers=head("beech")).json()["closures"]
    assert [(c["starts"], c["ends"], c["source"]) for c in held] == [
        ("2026-11-02", "2026-11-02", "page")
    ]
    saturday = service.post(
        f"{ASH}/closures", json={**inset, "starts": "2026-11-07"}, headers=head()
    )
    assert saturday.status_code == 422 and saturday.json()["error"] == "inset_on_a_weekend"
    gone = service.delete(f"{ASH}/closures/{closure_id}", headers=head())
    assert gone.status_code == 200
    assert service.delete(f"{ASH}/closures/{closure_id}", headers=head()).status_code == 404
    assert service.get("/schools/nowhere/years/2026-27", headers=admin()).status_code == 404
    own = service.put(f"{ASH}/terms", json={"terms": TERMS}, headers=head())
    assert own.status_code == 200
    assert service.get(ASH, headers=head()).json()["terms"][0]["starts"] == "2026-09-02"
    teacher = signed(someone(school_id="ash"))
    assert service.put(f"{ASH}/terms", json={"terms": []}, headers=teacher).status_code == 403


def upload(service, content: bytes, name: str, mode: str, headers=None):
    return service.post(
        "/schools/beech/years/2026-27/imports",
        data={"mode": mode},
        files={"file": (name, content, "text/plain")},
        headers=headers or head("beech"),
    )


def test_an_ics_import_is_previewed_then_saved_and_saving_again_adds_nothing(service):
    assert upload(service, ICS, "dates.ics", "check", head()).status_code == 403
    preview = upload(service, ICS, "dates.ics", "check")
    assert preview.status_code == 200, preview.text
    report = preview.json()
    assert report["saved"] is False and report["format"] == "ics"
    assert [d["line"] for d in report["dates"]] == [4, 10, 22, 27]
    assert {d["status"] for d in report["dates"]} == {"new"}
    assert service.get("/schools/beech/years/2026-27", headers=admin()).json()["closures"] == []
    saved = upload(service, ICS, "dates.ics", "save")
    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert len(saved.json()["events"]) == 4
    again = upload(service, ICS, "dates.ics", "save").json()
    assert {d["status"] for d in again["dates"]} == {"already there"} and again["events"] == []


def test_a_bad_file_is_a_422_naming_its_lines_and_adds_nothing(service):
    answer = upload(service, CSV.encode(), "dates.csv", "save", admin())
    assert answer.status_code == 422
    report = answer.json()
    assert report["error"] == "file_has_bad_lines"
    assert [line["line"] for line in report["bad_lines"]] == [5, 6, 7]
    assert [d["status"] for d in report["dates"]] == ["already there", "already there"]
    unreadable = upload(service, b"\xff\xfe\x00junk", "dates.csv", "check")
    assert unreadable.status_code == 422
    no_header = upload(service, b"2026-09-01,2026-09-01\n", "dates.csv", "check")
    assert no_header.status_code == 422 and "Line 1" in no_header.json()["message"]


def test_a_file_of_too_many_dates_is_413_before_it_is_parsed(service):
    """Counted by its BEGIN:VEVENT lines (a CSV by its lines): this calendar is no calendar
    at all (no BEGIN:VCALENDAR), and is refused for its size, not read."""
    events = b"BEGIN:VEVENT\r\nSUMMARY:INSET day\r\nEND:VEVENT\r\n" * (MAX_ROWS + 1)
    answer = upload(service, events, "dates.ics", "check")
    assert answer.status_code == 413
    assert answer.json() == {"error": "file_too_large", "message": TOO_MANY}
    rows = b"kind,starts,ends,label\n" + b"inset,2026-09-01,,INSET\n" * (MAX_ROWS + 1)
    assert upload(service, rows, "dates.csv", "check").status_code == 413
    blank_lines = b"kind,starts,ends,label\n" + b"\n,,,\n" * MAX_ROWS
    assert upload(service, blank_lines, "dates.csv", "check").status_code == 200
