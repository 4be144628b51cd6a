"""The frontend as an app: a strict CSP, a missing or forged identity refused, pages never
kept in a shared cache, a quick answer when the database cannot be read. (The log's health,
once on the home page, is the operator's page now: test_operator.py.)"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import freezegun
import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert

from events.config import Settings
from events.db import create_db_engine, migrate, writing
from events.embedded import free_port
from events.projection import checkpoints
from frontend.commands import field_sentences
from readmodels import PACKAGE_DIR
from readmodels.directory.tables import feed_tokens
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.pages import frontend, signed_in, text
from tests.support.people import enrol


@pytest.fixture
def client(settings) -> Iterator[FlaskClient]:
    with frontend(settings) as app:
        yield signed_in(app)


def test_a_boosted_link_gets_the_whole_page(client):
    boosted = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_pages_keep_to_a_strict_csp_and_serve_their_own_assets(client):
    page = client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    assert config and json.loads(config[1])["includeIndicatorStyles"] is False
    assert 'hx-boost="true"' in page
    assert "<style" not in page and " style=" not in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == [  # no inline script
        '<script src="/static/vendor/htmx.min.js" defer>',
        '<script src="/static/vendor/idiomorph.min.js" defer>',
        '<script src="/static/app.js" defer>',
    ]
    for script in scripts:
        assert client.get(re.findall(r'src="([^"]+)"', script)[0]).status_code == 200
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert not [link for link in links if link.startswith(("http", "//"))]  # no CDN
    assert client.get("/static/app.css").status_code == 200


def test_the_page_refuses_a_missing_forged_or_expired_identity(settings):
    with frontend(settings) as app:
        client = app.test_client()
        assert client.get("/").status_code == 401
        forged = signed(someone(), secret_key="not-the-key")
        assert client.get("/", headers=forged).status_code == 401
        with freezegun.freeze_time(datetime.now(UTC) - timedelta(minutes=5)):
            old = signed(someone())
        assert client.get("/", headers=old).status_code == 401
        assert client.get("/", headers=signed(someone())).status_code == 200
        assert client.get("/static/app.css").status_code == 200  # assets need nobody


def test_the_page_names_the_person_and_carries_their_csrf_token_for_htmx(client):
    page = client.get("/").get_data(as_text=True)
    assert "Ada Lovelace" in page
    assert """hx-headers='{"X-CSRF-Token": "csrf"}'""" in page
    assert 'name="csrf_token" value="csrf"' in page  # the sign-out form
    assert "Development copy" not in page


def test_a_development_copy_says_so_on_every_page(settings):
    with frontend(replace(settings, dev=True)) as app:
        page = signed_in(app).get("/").get_data(as_text=True)
    assert "Development copy" in page


NOW = datetime.now(UTC)


def test_a_page_answers_at_once_while_another_process_holds_the_write_lock(client, engine):
    """Reads never wait on writers: a projector mid-batch (on SQLite, BEGIN IMMEDIATE)."""
    with writing(engine).connect() as writer, writer.begin():
        writer.execute(insert(checkpoints).values(name="held", last_seq=1, updated_at=NOW))
        started = time.monotonic()
        page = client.get("/my-cpd")
        assert page.status_code == 200
        assert "You have no bookings yet." in text(page.get_data(as_text=True))
        assert time.monotonic() - started < 2


@pytest.fixture(params=["sqlite-unopenable", "postgresql-unreachable", "sqlite-locked"])
def unreadable_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite-unopenable":
        yield f"sqlite:///{tmp_path}"  # a folder, not a database
    elif request.param == "postgresql-unreachable":
        yield f"postgresql://nobody@127.0.0.1:{free_port()}/x"
    else:  # another process holds the whole file (exclusive locking mode)
        path = tmp_path / "locked.db"
        engine = create_db_engine(f"sqlite:///{path}")
        migrate(engine, [PACKAGE_DIR])
        engine.dispose()
        holder = sqlite3.connect(path, isolation_level=None)
        for statement in ("PRAGMA locking_mode=EXCLUSIVE", "BEGIN EXCLUSIVE", DELETE_CHECKPOINTS):
            holder.execute(statement)
        yield f"sqlite:///{path}"
        holder.close()


DELETE_CHECKPOINTS = f"DELETE FROM {checkpoints.name}"


def test_a_page_that_cannot_read_its_database_answers_503_quickly(
    nats_server, stream_settings, unreadable_url
):
    settings = Settings(nats_server.url, unreadable_url, stream_settings, SECRET_KEY)
    with frontend(settings) as app:
        started = time.monotonic()
        answer = signed_in(app).get("/my-cpd")
        assert answer.status_code == 503
        assert "cannot be read just now" in answer.get_data(as_text=True)
        assert answer.headers["Retry-After"]
        assert time.monotonic() - started < 8


def test_personal_pages_are_never_stored_and_feeds_only_privately(settings, engine):
    person = enrol(engine, "grace@example.sch.uk")
    with engine.begin() as connection:
        connection.execute(
            insert(feed_tokens).values(person_id=person, token="t0ken", issued_at=datetime.now(UTC))
        )
    with frontend(settings) as app:
        client = app.test_client()
        for page, status in (("/", 200), ("/my-cpd", 200), ("/days/no-such-day", 404)):
            answer = client.get(page, headers=signed(someone(person_id=person)))
            assert (answer.status_code, answer.cache_control.no_store) == (status, True), page
        asset = client.get("/static/app.css")
        assert asset.status_code == 200 and not asset.cache_control.no_store
        feed = app.test_client().get("/feeds/t0ken/pd-days.ics")
        assert feed.status_code == 200 and feed.headers["ETag"]
        assert feed.cache_control.private and feed.cache_control.no_cache
        assert not feed.cache_control.no_store
        again = app.test_client().get(
            "/feeds/t0ken/pd-days.ics", headers={"If-None-Match": feed.headers["ETag"]}
        )
        assert again.status_code == 304


def test_a_body_over_the_limit_is_413(client):
    upload = {"key": "k", "file": (io.BytesIO(b"x" * 2_000_000), "big.bin")}
    assert client.post("/my-cpd/feed-token", data=upload).status_code == 413


def test_a_services_field_errors_become_sentences_a_page_can_show():
    fields = {"dietary": ["Too long."], "leader": {"person_id": ["Not one of the staff."]}}
    assert field_sentences(fields) == [
        "dietary: Too long.",
        "leader.person id: Not one of the staff.",
    ]
    assert field_sentences({}) == []
