"""The trust year's pages as their people use them: the CPD manager sets six terms; a
headteacher adds an INSET day, previews an ICS file (bad lines named), saves it, removes a
date and sets the school's own terms; a teacher reads the dates and changes nothing."""

from __future__ import annotations

import io
import re

import pytest

from events import Event
from readmodels.directory.queries import school_choices
from readmodels.trustyear import queries
from services.directory.events import TRUST_SUBJECT
from tests.support.databases import DATABASES
from tests.support.identity import someone
from tests.support.pages import text
from tests.support.shared import fresh_database, fresh_store
from tests.support.stack import pd_stack
from tests.support.trustdays import MANAGER_ID, append
from tests.support.waiting import wait_until
from tests.trustyear.test_importing import ICS

YEAR = "/year/2026-27"
ASH = f"{YEAR}/schools/ash"
SIX = [
    ("Autumn 1", "2026-09-02", "2026-10-23"),
    ("Autumn 2", "2026-11-02", "2026-12-18"),
    ("Spring 1", "2027-01-05", "2027-02-12"),
    ("Spring 2", "2027-02-22", "2027-03-26"),
    ("Summer 1", "2027-04-12", "2027-05-28"),
    ("Summer 2", "2027-06-07", "2027-07-21"),
]


def terms_form(rows=SIX, **changes: str) -> dict[str, str]:
    form = {"key": "", "starts": "2026-09-01", "ends": "2027-08-31"}
    for n, (name, starts, ends) in enumerate(rows, start=1):
        form |= {f"term{n}_name": name, f"term{n}_starts": starts, f"term{n}_ends": ends}
    return form | changes


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory):
    with (
        fresh_store(nats) as store,
        fresh_database(request.param, tmp_path_factory.mktemp("year")) as (url, engine),
        pd_stack(nats, nats_server.url, store, url, engine) as stack,
    ):
        school = {"school_id": "ash", "name": "Ash Grove Primary", "phase": "primary"}
        added = Event("SchoolAdded", {**school, "urn": "143201", "town": "Halifax"})
        append(store, nats, TRUST_SUBJECT, added)
        assert wait_until(lambda: "ash" in dict(school_choices(engine, None)))
        stack.store = store  # type: ignore[attr-defined]  (for tests adding facts)
        boss = stack.client(someone("cpd_manager", person_id=MANAGER_ID, school_id=None))
        head = stack.client(someone(("headteacher", "ash"), school_id="ash", name="Hana Head"))
        teacher = stack.client(someone(school_id="ash", name="Tom Teacher"))
        yield stack, boss, head, teacher


def test_the_cpd_manager_sets_six_terms_and_bad_rows_are_named(trust):
    _, boss, _, teacher = trust
    assert "has not set the terms" in text(teacher.get(YEAR).get_data(as_text=True))
    assert teacher.get(f"{YEAR}/terms").status_code == 403
    assert teacher.post(f"{YEAR}/terms", data=terms_form()).status_code == 403
    overlap = boss.post(f"{YEAR}/terms", data=terms_form(term2_starts="2026-10-20"))
    assert overlap.status_code == 422
    assert "Autumn 2 starts before Autumn 1 ends." in text(overlap.get_data(as_text=True))
    four = boss.post(f"{YEAR}/terms", data=terms_form(rows=SIX[:4]))
    assert four.status_code == 422 and "Give 3 or 6 terms" in four.get_data(as_text=True)
    undated = boss.post(f"{YEAR}/terms", data=terms_form(term3_starts="soon"))
    assert 'id="terms-term3_starts-error"' in undated.get_data(as_text=True)
    saved = boss.post(f"{YEAR}/terms", data=terms_form())
    assert saved.status_code == 303, text(saved.get_data(as_text=True))
    page = text(teacher.get(YEAR).get_data(as_text=True))
    assert "Autumn 2 Mon 2 November 2026 Fri 18 December 2026" in page
    assert "Mon 28 December 2026: Boxing Day (observed)" in page
    assert "Change the terms" not in page
    form = boss.get(f"{YEAR}/terms").get_data(as_text=True)
    assert 'value="2027-06-07"' in form


def test_terms_with_mistakes_also_say_what_the_service_would_refuse_at_their_rows(trust):
    """A term that ends before it starts is the service's rule; the second term given is
    the form's third row (the second left empty)."""
    stack, boss, _, _ = trust
    before = queries.find_year(stack.engine, "2026-27")
    rows = [SIX[0], ("", "", ""), ("Spring", "2027-03-01", "2027-01-05"), SIX[5]]
    answer = boss.post(f"{YEAR}/terms", data=terms_form(rows=rows, starts="soon"))
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="terms-starts-error">Give the year&#39;s first day.' in html
    assert 'id="terms-term3_ends-error">A term ends on or after the day it starts.' in html
    assert queries.find_year(stack.engine, "2026-27") == before


def test_a_headteacher_keeps_the_schools_dates_and_a_teacher_reads_them(trust):
    stack, _, head, teacher = trust
    inset = {"key": "", "kind": "inset", "starts": "2026-11-02", "label": "INSET: reading"}
    assert teacher.post(f"{ASH}/closures", data=inset).status_code == 403
    added = head.post(f"{ASH}/closures", data=inset)
    assert added.status_code == 303
    assert "Mon 2 November: INSET: reading" in text(teacher.get(ASH).get_data(as_text=True))
    weekend = head.post(f"{ASH}/closures", data={**inset, "starts": "2026-11-07"})
    assert weekend.status_code == 422 and "An INSET day is a school day." in text(
        weekend.get_data(as_text=True)
    )
    closure = queries.closures_of(stack.engine, "ash", "2026-27")[0]
    assert teacher.post(f"{ASH}/closures/{closure.closure_id}/remove").status_code == 403
    removed = head.post(f"{ASH}/closures/{closure.closure_id}/remove", data={"key": ""})
    assert removed.status_code == 303 and "removed=inset" in removed.headers["Location"]
    said = text(head.get(removed.headers["Location"]).get_data(as_text=True))
    assert "INSET day is removed." in said
    spoofed = text(head.get(f"{ASH}?removed=Call+0800+000+000").get_data(as_text=True))
    assert "0800" not in spoofed and "is removed" not in spoofed
    assert queries.closures_of(stack.engine, "ash", "2026-27") == []
    assert head.post(f"{ASH}/closures/nope/remove").status_code == 404


def test_an_ics_file_is_previewed_then_saved(trust):
    stack, _, head, _ = trust
    bad = ICS.replace(b"DTSTART;VALUE=DATE:20261026", b"DTSTART;VALUE=DATE:2026-99")
    refused = head.post(f"{ASH}/import", data={"file": (io.BytesIO(bad), "ash.ics")})
    assert refused.status_code == 422
    assert "Line 10:" in text(refused.get_data(as_text=True))
    assert "Save" not in re.sub(r"<title>.*?</title>", "", refused.get_data(as_text=True))
    preview = head.post(f"{ASH}/import", data={"file": (io.BytesIO(ICS), "ash.ics")})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, text(html)
    assert "Save 4 dates" in html and "evening: not a closure" in text(html)
    assert queries.closures_of(stack.engine, "ash", "2026-27") == []
    carried = re.search(r'name="content" value="([^"]+)"', html)
    assert carried
    saved = head.post(
        f"{ASH}/import", data={"save": "yes", "name": "ash.ics", "content": carried[1], "key": ""}
    )
    assert saved.status_code == 303
    labels = [c.label for c in queries.closures_of(stack.engine, "ash", "2026-27")]
    assert labels[:2] == ["INSET day", "October half term"]
    again = head.post(f"{ASH}/import", data={"file": (io.BytesIO(ICS), "ash.ics")})
    assert "Nothing new to save." in text(again.get_data(as_text=True))


def test_a_school_sets_its_own_terms_and_follows_the_trusts_again(trust):
    stack, _, head, teacher = trust
    assert teacher.get(f"{ASH}/terms").status_code == 403
    spring = [("Spring 1", "2027-01-06", "2027-02-19"), ("Spring 2", "2027-03-01", "2027-03-26")]
    later = [*SIX[:2], *spring, *SIX[4:]]
    form = terms_form(rows=later)
    form.pop("starts"), form.pop("ends")
    assert head.post(f"{ASH}/terms", data=form).status_code == 303
    assert "Wed 6 January" in text(teacher.get(ASH).get_data(as_text=True))
    assert len(queries.own_terms(stack.engine, "ash", "2026-27")) == 6
    assert head.post(f"{ASH}/terms", data={"follow": "yes", "key": ""}).status_code == 303
    assert queries.own_terms(stack.engine, "ash", "2026-27") == []


def test_no_such_year_or_school(trust):
    _, _, _, teacher = trust
    assert teacher.get("/year/2026-28").status_code == 404
    assert teacher.get("/year/2026-27/schools/nowhere").status_code == 404
    assert teacher.get("/year").status_code == 200
