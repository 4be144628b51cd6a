"""The finder over HTTP (services/networks/finding.py) on the service's foreign facts, and
the re-check `warnings_in` that confirmations put in their events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from flask import Flask

from events import Event
from events.config import Settings
from events.connection import NatsThread
from events.embedded import EmbeddedNats
from events.identity import Identity
from events.service import create_service
from events.store import EventStore, StreamSettings
from services.directory.events import TRUST_SUBJECT
from services.networks.events import meeting_subject, network_subject
from services.networks.facts import FactsReader
from services.networks.finding import blp, today, warnings_in
from services.trustyear.events import school_subject, year_of, year_subject
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.networks_facts import network, person, two_sencos
from tests.support.trustdays import append

LEAD = someone("network_lead", person_id="lee", school_id=None)
TEACHER = someone(person_id="sal")
"""Signed when a request is made: a header signed at import would expire before the module's
turn comes in a parallel run (identities live 60 s)."""


def finder_app(settings: Settings) -> Flask:
    app, api = create_service(__name__, "networks", settings)
    api.register_blueprint(blp)
    return app


def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


STREAM = StreamSettings(name="TNETFINDER", subjects=("tnetfinder.>",), duplicate_window=120)


@pytest.fixture(scope="module")
def store(nats: NatsThread) -> Iterator[EventStore]:
    """One log for the module (its tests read it; the last one adds a meeting to it)."""
    event_store = EventStore(nats.nc, STREAM)
    nats.run(event_store.ensure_stream())
    yield event_store
    nats.run(event_store.js.delete_stream(STREAM.name))


@pytest.fixture(scope="module")
def service(nats: NatsThread, nats_server: EmbeddedNats, store: EventStore) -> Iterator[str]:
    """The finder on a trust of two schools whose SENCOs make a network; the year around
    today with one term from last month to three months on; an INSET day at Oak."""
    append(store, nats, TRUST_SUBJECT, *two_sencos(person("lee", None)))
    append(store, nats, network_subject("sen"), network("sen", "SENCO network", ["senco"], "lee"))
    year_id = year_of(today())
    first_year = int(year_id[:4])
    year_starts, year_ends = date(first_year, 9, 1), date(first_year + 1, 8, 31)
    year = {"year_id": year_id, "starts": year_starts, "ends": year_ends}
    starts = max(year_starts, today() - timedelta(days=30))
    ends = min(year_ends, today() + timedelta(days=90))
    term = {"term": 1, "name": "Term", "starts": starts, "ends": ends}
    append(store, nats, year_subject(year_id), Event("YearSet", {**year, "terms": [term]}))
    inset_day = next_monday(today()) + timedelta(days=7)
    inset = {
        "school_id": "oak",
        "year_id": year_id,
        "closure_id": "c1",
        "kind": "inset",
        "starts": inset_day,
        "ends": inset_day,
        "label": "INSET",
        "source": "page",
    }
    append(store, nats, school_subject("oak", year_id), Event("ClosureAdded", inset))
    settings = Settings(nats_server.url, "sqlite://", STREAM, SECRET_KEY)
    with serve(finder_app(settings)) as url:
        yield url


def find(url: str, who: Identity = LEAD, **params: str) -> httpx.Response:
    return httpx.get(f"{url}/networks/sen/finder", params=params, headers=signed(who))


def test_the_finder_proposes_dates_and_says_why_others_are_out(service: str) -> None:
    monday = next_monday(today()) + timedelta(days=7)
    answer = find(service, first=monday.isoformat(), last=(monday + timedelta(days=6)).isoformat())
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["minutes"] == 90 and not found["suggested"]
    excluded = {e["date"]: e["reasons"] for e in found["excluded"]}
    assert excluded[monday.isoformat()] == ["INSET day at Oak Primary"]
    assert excluded[(monday + timedelta(days=5)).isoformat()] == ["Weekend"]
    offered = {o["date"] for o in found["options"]}
    assert (monday + timedelta(days=1)).isoformat() in offered
    first = found["options"][0]
    assert (first["starts"], first["ends"], first["can_come"], first["invited"]) == (
        "16:00",
        "17:30",
        3,
        3,
    )


def test_times_and_length_may_be_given(service: str) -> None:
    day = next_monday(today()) + timedelta(days=1)
    found = find(
        service, first=day.isoformat(), last=day.isoformat(), minutes="60", times="09:30,13:00"
    )
    assert [(o["starts"], o["ends"]) for o in found.json()["options"]] == [
        ("09:30", "10:30"),
        ("13:00", "14:00"),
    ]


def test_without_a_window_the_cadence_suggests_one(service: str) -> None:
    found = find(service).json()
    assert found["suggested"] is True
    assert date.fromisoformat(found["window"]["first"]) > today()


@pytest.mark.parametrize(
    "params",
    [
        {"first": "2026-13-01", "last": "2026-12-01"},
        {"first": "2026-12-01"},
        {"first": "2026-12-10", "last": "2026-12-01"},
        {"first": "2026-01-01", "last": "2027-12-31"},
        {"minutes": "0"},
        {"minutes": "lots"},
        {"times": "25:00"},
        {"times": "16:00;17:00"},
        {"times": "0\u0669:30"},  # an Arabic-Indic nine: \\d matched it, int() read it
        {"times": "16:00\n"},
        {"minutes": "\u0663\u0660"},
        {"minutes": "9" * 5_000},
    ],
)
def test_bad_parameters_are_a_422(service: str, params: dict[str, str]) -> None:
    answer = httpx.get(f"{service}/networks/sen/finder", params=params, headers=signed(LEAD))
    assert answer.status_code == 422, answer.text


def test_days_already_gone_are_never_offered(service: str) -> None:
    yesterday, ahead = today() - timedelta(days=1), today() + timedelta(days=20)
    found = find(service, first=(today() - timedelta(days=30)).isoformat(), last=ahead.isoformat())
    assert date.fromisoformat(found.json()["window"]["first"]) == today() + timedelta(days=1)
    gone = find(
        service, first=(today() - timedelta(days=9)).isoformat(), last=yesterday.isoformat()
    )
    assert gone.status_code == 422 and "last" in gone.json()["fields"]


def test_only_organisers_look_and_unknown_networks_are_404(service: str) -> None:
    assert find(service, TEACHER).status_code == 403
    other = httpx.get(f"{service}/networks/nope/finder", headers=signed(LEAD))
    assert other.status_code == 404
    assert httpx.get(f"{service}/networks/sen/finder").status_code == 401


def test_warnings_recheck_a_date_against_the_facts(
    nats: NatsThread, store: EventStore, service: str
) -> None:
    inset_day = next_monday(today()) + timedelta(days=7)
    invitees = [{"person_id": "sal", "required": True}, {"person_id": "sam", "required": False}]
    facts = nats.run(FactsReader()(store))
    assert warnings_in(facts, inset_day, "16:00", "17:00", invitees) == ["INSET day at Oak Primary"]
    wednesday = inset_day + timedelta(days=2)  # (the other tests' Tuesday stays free)
    assert warnings_in(facts, wednesday, "16:00", "17:00", invitees) == []
    booked = {
        "meeting_id": "m1",
        "network_id": "sen",
        "title": "SENCO network",
        "organiser_id": "lee",
        "date": wednesday,
        "starts": "16:30",
        "ends": "18:00",
        "invitees": [{"person_id": "sam", "required": True}],
    }
    append(store, nats, meeting_subject("m1"), Event("MeetingScheduled", booked))
    facts = nats.run(FactsReader()(store))
    assert warnings_in(facts, wednesday, "16:00", "17:00", invitees) == [
        "SENCO network: 1 SENCO invited"
    ]
    assert warnings_in(facts, wednesday, "16:00", "17:00", invitees, meeting_id="m1") == []
