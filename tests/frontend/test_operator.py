"""The operator's page: the log's health (how far the log reaches, how far each read model
follows it, events per type), read from a real nats-server and database, refreshed in
place; the trust admin's alone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from marshmallow import Schema, fields
from sqlalchemy import select

from events import Event, projection, registry
from events.embedded import free_port
from events.envelope import Batch, RecordedEvent
from events.projection import ProjectionStopped, apply, checkpoint, rebuild
from readmodels.directory.projection import directory
from readmodels.log_stats import log_event_counts, log_stats
from tests.support.identity import someone
from tests.support.pages import frontend, signed_in, text

OPERATOR = "/operator"


TRUST_ADMIN = someone("trust_admin", school_id=None)


@pytest.fixture
def client(settings) -> Iterator[FlaskClient]:
    with frontend(settings) as app:
        yield signed_in(app, TRUST_ADMIN)


@registry.event("TestFrontendNoted")
class Noted(Schema):
    note = fields.String(required=True)


def increment(by: int) -> Event:
    return Event("TestCounterIncremented", {"by": by, "reason": "frontend test"})


def test_health_shows_the_last_sequence_and_the_lag_of_each_projection(client, nats, store, engine):
    subject = store.subject("counter", "a")
    first = nats.run(store.append(subject, [increment(1), increment(2)], 0))
    nats.run(store.append(subject, [increment(3)], first.seq))

    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "NATS Reachable" in page
    assert "Last sequence 2" in page
    assert "log_stats 0 2" in page  # checkpoint 0, two messages behind

    nats.run(rebuild(store, engine, log_stats))
    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "log_stats 2 up to date" in page
    assert "TestCounterIncremented 3 2" in page  # three events, the last at sequence 2


def test_a_projection_behind_is_catching_up_then_not_moving_and_idle_up_to_date_is_running(
    client, nats, store, engine, monkeypatch
):
    subject = store.subject("counter", "a")
    nats.run(store.append(subject, [increment(1)], 0))
    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "log_stats 0 1 Catching up" in page  # appended a moment ago

    monkeypatch.setattr(projection, "NOT_MOVING_AFTER", timedelta(seconds=0.5))
    time.sleep(0.6)
    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "log_stats 0 1 Not moving" in page

    nats.run(rebuild(store, engine, log_stats))
    time.sleep(0.6)  # idle and up to date: no alarm however long it has been
    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "log_stats 1 up to date Running" in page  # the others, never run, are not moving


def test_health_shows_a_projection_that_stopped_at_an_event_and_why(client, engine):
    """A school's name holding a lone surrogate, from before the edge refused it."""
    school = {"school_id": "s1", "name": "Oak \udfff", "phase": "primary", "urn": "1", "town": "X"}
    added = RecordedEvent(
        "e1", "SchoolAdded", 1, "events.directory.trust", datetime.now(UTC), "x", None, None, school
    )
    with pytest.raises(ProjectionStopped):
        apply(engine, directory, Batch(1, 7, [replace(added, seq=7)]))

    page = text(client.get(OPERATOR).get_data(as_text=True))
    assert "directory 6" in page
    assert "Stopped at sequence 7 SchoolAdded: UnicodeEncodeError" in page
    assert "log_stats 0 up to date Running" in page  # the stream is empty


def test_log_stats_counts_each_type_once_however_often_applied(nats, store, engine, settings):
    subject = store.subject("mixed", "a")
    seq = nats.run(
        store.append(subject, [increment(1), Event("TestFrontendNoted", {"note": "x"})], 0)
    ).seq
    last = nats.run(store.append(subject, [increment(5)], seq)).seq

    async def whole_log():
        return [event async for batch in store.read(1) for event in batch.events]

    events = nats.run(whole_log())
    apply(engine, log_stats, Batch.of(events[:2]))  # the whole first message
    apply(engine, log_stats, Batch.of(events))  # the first message again: skipped
    with engine.connect() as connection:
        rows = connection.execute(select(log_event_counts).order_by("type")).all()
    assert [(r.type, r.count, r.last_seq) for r in rows] == [
        ("TestCounterIncremented", 2, last),
        ("TestFrontendNoted", 1, seq),
    ]
    assert checkpoint(engine, log_stats.name) == last


def test_the_htmx_poll_gets_the_panel_alone_and_a_plain_request_the_whole_page(client):
    page = client.get(OPERATOR).get_data(as_text=True)
    fragment = client.get(OPERATOR, headers={"HX-Request": "true", "HX-Target": "health"})
    panel = fragment.get_data(as_text=True)
    assert panel.lstrip().startswith('<section id="health"')
    assert "<html" not in panel and "<header" not in panel
    assert 'hx-trigger="every 5s"' in panel  # the swapped-in panel goes on polling
    unclocked = lambda html: re.sub(r"Checked at [^;]+;", "", html)  # noqa: E731
    assert unclocked(panel.strip()) in unclocked(page)  # one template block: the same panel
    assert "HX-Target" in fragment.headers["Vary"]


@pytest.mark.parametrize(
    ("setting", "url", "said"),
    [
        (
            "nats_url",
            "nats://127.0.0.1:{port}",
            ["NATS Unreachable", "Unknown while NATS is unreachable", "log_stats 0 unknown"],
        ),
        (
            "database_url",
            "postgresql://nobody@127.0.0.1:{port}/x",
            ["Database Unreachable", "NATS Reachable"],
        ),
    ],
    ids=["nats", "database"],
)
def test_a_part_down_shows_unreachable_and_the_page_still_answers(settings, setting, url, said):
    down = replace(settings, **{setting: url.format(port=free_port())})
    with frontend(down) as app:
        answer = signed_in(app, TRUST_ADMIN).get(OPERATOR)
    assert answer.status_code == 200
    page = text(answer.get_data(as_text=True))
    assert all(sentence in page for sentence in said), page


@pytest.mark.parametrize(
    "roles", [(), ("cpd_manager",), ("ceo",), (("headteacher", "school-a"),)], ids=str
)
def test_only_the_trust_admin_sees_the_log_and_its_menu_link(settings, roles):
    with frontend(settings) as app:
        other = signed_in(app, someone(*roles))
        refused = other.get(OPERATOR)
        assert refused.status_code == 403
        assert "for the trust admin" in text(refused.get_data(as_text=True))
        assert 'href="/operator"' not in other.get("/").get_data(as_text=True)
        admin = signed_in(app, TRUST_ADMIN).get("/").get_data(as_text=True)
        assert '<a href="/operator">Operator</a>' in admin


def test_the_home_page_no_longer_shows_the_log(client):
    home = client.get("/").get_data(as_text=True)
    assert 'id="health"' not in home and "Last sequence" not in text(home)
    assert "Operator" in text(home)
