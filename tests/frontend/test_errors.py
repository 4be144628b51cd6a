"""One way the frontend answers a refusal or a fault: the house's error page (its title, a
sentence and a way back), the sentence alone to htmx, JSON to a client that asks for it; a
refusal keeps the service's status, a fault its 502/503 and Retry-After."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, default_exceptions

from events import unknown_outcome
from events.config import Settings
from events.connection import NatsThread
from events.store import EventStore, StreamSettings
from frontend import create_app
from frontend.clients import directory
from frontend.commands import NoAnswer, NotAnswering, NotConfirmed, Refused
from frontend.errors import attempt
from readmodels.directory.tables import feed_tokens
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.pages import text
from tests.support.people import add_school, enrol, join
from tests.support.stack import pd_stack

STATUSES = (400, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503, 504)
FAULTS: dict[int, HTTPException] = {
    502: NotAnswering("trustdays"),
    503: NotConfirmed(),
    504: NoAnswer(),
}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY), {})

    @app.post("/days/<day_id>/fails/<int:status>")
    @app.get("/fails/<int:status>")
    def fails(status: int, day_id: str | None = None) -> str:
        if status in FAULTS:
            raise FAULTS[status]
        if status == 500:
            raise RuntimeError("a bug")
        raise default_exceptions[status](description=f"Error {status}, said in a sentence.")

    @app.post("/days/<day_id>/refused/<int:status>")
    def refused(day_id: str, status: int) -> str:
        message, _ = attempt(lambda: raise_refused(status))
        return message or ""

    yield app
    app.extensions["engine"].dispose()


def raise_refused(status: int) -> None:
    raise Refused(status, "some_rule", "The service says no, in a sentence.")


@pytest.mark.parametrize("status", STATUSES)
def test_every_error_is_the_house_page_with_its_title_and_a_way_back(app, status):
    answer = app.test_client().get(f"/fails/{status}", headers=signed(someone()))
    page = answer.get_data(as_text=True)
    assert answer.status_code == status
    assert 'class="site-header"' in page and "app.css" in page  # base.html's layout
    assert re.search(r"<h1>[A-Z][^<]+</h1>", page), page
    assert re.search(r'<a href="/">Back to Staffroom</a>', page)
    if status in (502, 503, 504):
        assert answer.headers["Retry-After"] == "2"
    elif status != 500:
        assert f"Error {status}, said in a sentence." in page


@pytest.mark.parametrize("status", STATUSES)
def test_every_error_is_json_to_a_client_that_asks_and_a_message_to_htmx(app, status):
    client = app.test_client()
    identity = signed(someone())
    wanted = client.get(f"/fails/{status}", headers={**identity, "Accept": "application/json"})
    assert wanted.status_code == status
    assert set(wanted.get_json()) == {"error", "message"}
    part = client.get(f"/fails/{status}", headers={**identity, **HTMX}).get_data(as_text=True)
    assert part.startswith('<p class="banner warning" role="alert">'), part
    assert "<html" not in part


def test_an_error_on_a_day_leads_back_to_the_day(app):
    answer = app.test_client().post("/days/d-1/fails/503", headers=signed(someone()))
    assert answer.status_code == 503
    assert '<a href="/days/d-1">Back to the day</a>' in answer.get_data(as_text=True)


def test_unknown_pages_and_wrong_methods_are_house_pages(app):
    client = app.test_client()
    missing = client.get("/no-such-page", headers=signed(someone()))
    assert missing.status_code == 404 and "<h1>Not found</h1>" in missing.get_data(as_text=True)
    wrong = client.get("/my-cpd/feed-token", headers=signed(someone()))
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert "Back to Staffroom" in wrong.get_data(as_text=True)
    unsigned = client.get("/my-cpd")
    assert unsigned.status_code == 401 and "<h1>Sign in first</h1>" in unsigned.get_data(True)


@pytest.mark.parametrize("status", (409, 422))
def test_a_refusal_a_form_shows_in_place_keeps_its_status(status):
    assert attempt(lambda: raise_refused(status)) == ("The service says no, in a sentence.", status)
    assert attempt(lambda: None, done="Done.") == ("Done.", 200)


@pytest.mark.parametrize("status", (400, 403, 404))
def test_any_other_refusal_is_the_house_page_with_the_services_status(app, status):
    answer = app.test_client().post(f"/days/d-1/refused/{status}", headers=signed(someone()))
    assert answer.status_code == status
    assert "The service says no, in a sentence." in text(answer.get_data(as_text=True))
    back = "Back to Staffroom" if status in (403, 404) else "Back to the day"
    assert back in answer.get_data(as_text=True)  # a day that may not be theirs: home


def busy_directory() -> Flask:
    """Answers as a service does when too many people change one thing at once (its
    TooMuchContention answer in events.service), which cannot be brought about on demand."""
    directory = Flask("busy-directory")

    @directory.post("/me/feed-token")
    def busy() -> tuple[dict, int, dict]:
        message = "Too many people are changing this at once: try again."
        return {"error": "busy", "message": message}, 503, {"Retry-After": "1"}

    return directory


def test_a_busy_directory_on_my_cpd_is_a_503_with_its_retry_after_not_a_500(
    nats, nats_server, store, database_url, engine
):
    with (
        pd_stack(nats, nats_server.url, store, database_url, engine) as stack,
        serve(busy_directory()) as url,
    ):
        stack.app.extensions["services"]["directory"] = url
        browser = stack.client(someone())
        for headers in (HTMX, {}):
            answer = browser.post("/my-cpd/feed-token", data={"key": "k"}, headers=headers)
            assert answer.status_code == 503, answer.get_data(as_text=True)[:300]
            assert answer.headers["Retry-After"] == "1"
            said = text(answer.get_data(as_text=True))
            assert "Too many people are changing this at once: try again." in said


@pytest.mark.slow
def test_a_new_feed_token_the_directory_cannot_confirm_is_503_not_500(
    own_nats_server, database_url, engine
):
    nats = NatsThread(own_nats_server.url, name="feed-token-page")
    store = EventStore(nats.nc, StreamSettings(name="PAGE", subjects=("page.>",)))
    nats.run(store.ensure_stream())
    try:
        with pd_stack(nats, own_nats_server.url, store, database_url, engine) as stack:
            add_school(engine, "school-a", "Ash Grove Primary")
            amy = enrol(engine, "amy@ash.sch.uk", name="Amy", school_id="school-a")
            join(nats, store, amy)
            browser = stack.client(someone(person_id=amy, name="Amy"))
            own_nats_server.stop()
            for headers in (HTMX, {}):
                key = {"key": uuid.uuid4().hex}
                answer = browser.post("/my-cpd/feed-token", data=key, headers=headers)
                # 503 when the service says it could not confirm; 504 (no answer came)
                # when its connection broke off under the stopped log: both unknown
                assert answer.status_code in (503, 504), answer.get_data(as_text=True)[:300]
                assert answer.headers["Retry-After"]
                said = text(answer.get_data(as_text=True))
                assert "We could not confirm this: it may or may not have been done." in said
            own_nats_server.start()
    finally:
        nats.close()


def test_a_bug_after_a_change_was_asked_says_it_may_be_done_not_the_general_page(
    nats, nats_server, store, database_url, engine
):
    """A 500 (a bug) on a POST: after its command was done, the page says so and to reload;
    before, that it may have been done and to check before trying again; to htmx the same
    sentence. A 500 on a GET keeps the general page."""
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        amy = enrol(engine, "amy@ash.sch.uk", name="Amy", school_id="school-a")
        join(nats, store, amy)

        @stack.app.post("/test/done-then-a-bug")
        def done_then_a_bug() -> str:
            directory.new_feed_token(request.form.get("key"))
            raise RuntimeError("a bug after the command")

        @stack.app.route("/test/a-bug", methods=["GET", "POST"])
        def a_bug() -> str:
            raise RuntimeError("a bug")

        browser = stack.client(someone(person_id=amy, name="Amy"))
        before = token_of(engine, amy)
        for headers in ({}, HTMX):
            answer = browser.post(
                "/test/done-then-a-bug", data={"key": uuid.uuid4().hex}, headers=headers
            )
            assert answer.status_code == 500
            said = text(answer.get_data(as_text=True))
            assert unknown_outcome.DONE_THEN_A_FAULT in said
            assert ("<html" in answer.get_data(as_text=True)) == (headers == {})
        assert token_of(engine, amy) != before  # it was done

        for headers in ({}, HTMX):
            answer = browser.post("/test/a-bug", data={"key": "k"}, headers=headers)
            assert answer.status_code == 500
            assert unknown_outcome.A_FAULT_ON_A_PAGE in text(answer.get_data(as_text=True))
        read = text(browser.get("/test/a-bug").get_data(as_text=True))
        assert "may have been done" not in read and "It is done" not in read


def token_of(engine, person_id: str) -> str | None:
    with engine.connect() as connection:
        query = select(feed_tokens.c.token).where(feed_tokens.c.person_id == person_id)
        return connection.scalar(query)
