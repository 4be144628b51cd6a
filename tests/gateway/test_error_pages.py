"""The gateway's error pages and the frontend's are one house style: the same stylesheet
(the frontend's, which the gateway proxies), the same titles, a sentence, a way back."""

from __future__ import annotations

import re

import pytest

from events import unknown_outcome
from events.embedded import free_port
from events.status_titles import title_of
from tests.support.gateway import signed_in
from tests.support.people import enrol

PAGE = {"Accept": "text/html,*/*;q=0.8"}


def assert_house_page(html: str, status: int) -> None:
    assert '<link rel="stylesheet" href="/static/app.css">' in html
    assert 'class="site-header"' in html
    assert re.search(rf'<section class="error-page">\s*<h1>{title_of(status)}</h1>', html), html
    assert '<a href="/">Back to Staffroom</a>' in html


def test_the_gateways_own_error_page_is_the_house_page(make_gateway, engine):
    gateway = make_gateway(frontend=f"http://127.0.0.1:{free_port()}")
    page = signed_in(gateway, enrol(engine, "grace@example.sch.uk")).get("/", headers=PAGE)
    assert page.status_code == 502
    assert_house_page(page.get_data(as_text=True), 502)


@pytest.mark.parametrize(("path", "status"), [("/no-such-page", 404), ("/my-cpd/feed-token", 405)])
def test_the_frontends_error_page_through_the_gateway_is_the_house_page(
    make_gateway, engine, path, status
):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    page = client.get(path, headers=PAGE)
    assert page.status_code == status
    assert_house_page(page.get_data(as_text=True), status)


def test_a_page_form_refused_at_the_gateway_is_the_house_page(make_gateway):
    page = make_gateway().test_client().post("/register", data={"x": "1"}, headers=PAGE)
    assert page.status_code == 403
    assert_house_page(page.get_data(as_text=True), 403)


def test_a_bug_in_the_gateway_on_a_change_says_it_may_have_been_done(make_gateway, engine):
    gateway = make_gateway()

    @gateway.route("/api/bug", methods=["GET", "POST"])
    @gateway.route("/bug", methods=["GET", "POST"])
    def bug() -> str:
        raise RuntimeError("a bug after relaying")

    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    csrf = {"X-CSRF-Token": "the-token"}
    page = client.post("/bug", headers={**csrf, "Accept": "text/html"})
    assert page.status_code == 500
    assert unknown_outcome.A_FAULT_ON_A_PAGE in page.get_data(as_text=True)
    api = client.post("/api/bug", headers={**csrf, "Idempotency-Key": "k1"})
    assert api.get_json() == {
        "error": "not_confirmed",
        "message": unknown_outcome.after_a_fault("k1"),
    }
    read = client.get("/bug", headers={"Accept": "text/html"})
    assert read.status_code == 500 and "may have been done" not in read.get_data(as_text=True)
