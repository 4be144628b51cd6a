"""Facts for the networks' read side: networks, polls, meetings in the log, and people with
posts and a trust year straight in the read models (as their projections would leave them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert

from events import Event
from events.connection import NatsThread
from events.store import EventStore
from readmodels.directory.tables import directory_posts, people, schools
from readmodels.trustyear.tables import trust_years, year_terms
from services.networks.events import meeting_subject, network_subject, series_subject
from tests.support.trustdays import append

YEAR = "2026-27"
TERMS = (
    (1, "Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    (2, "Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    (3, "Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
    (4, "Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
    (5, "Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    (6, "Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
)


def a_year(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(trust_years),
            {
                "year_id": YEAR,
                "starts": date(2026, 9, 1),
                "ends": date(2027, 8, 31),
                "version": 1,
                "changed_at": datetime(2026, 7, 1, tzinfo=UTC),
            },
        )
        connection.execute(
            insert(year_terms),
            [
                {"year_id": YEAR, "term": t, "name": n, "starts": s, "ends": e}
                for t, n, s, e in TERMS
            ],
        )


def school(engine: Engine, school_id: str, name: str) -> None:
    with engine.begin() as connection:
        row = {"school_id": school_id, "name": name, "phase": "primary", "urn": "100000"}
        connection.execute(insert(schools), {**row, "town": "Leeds"})


def person(
    engine: Engine,
    person_id: str,
    name: str,
    school_id: str | None,
    *posts: str,
    status: str = "active",
) -> str:
    """A person in the directory holding `posts` at their school."""
    with engine.begin() as connection:
        connection.execute(
            insert(people),
            {
                "person_id": person_id,
                "name": name,
                "email": f"{person_id}@trust.example",
                "email_key": f"{person_id}@trust.example",
                "school_id": school_id,
                "category": "teaching",
                "job_title": "Teacher",
                "subjects": "",
                "status": status,
            },
        )
        for post in posts:
            connection.execute(
                insert(directory_posts),
                {"person_id": person_id, "post": post, "school_id": school_id},
            )
    return person_id


def network(network_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "network_id": network_id,
        "name": f"Network {network_id}",
        "kind": "subject",
        "description": "",
        "member_posts": ["maths_lead"],
        "member_ids": [],
        "facilitator_id": "sil",
        "agenda_lead_id": None,
        "cadence": {"rule": "per_term", "count": 1},
        "private": False,
        "agenda_template": [{"title": "Welcome", "minutes": 5}],
        "minutes": 90,
        "venue": "Trust office",
        **changes,
    }


def form(nats: NatsThread, store: EventStore, record: dict[str, Any]) -> None:
    append(store, nats, network_subject(record["network_id"]), Event("NetworkFormed", record))


def on_meeting(nats: NatsThread, store: EventStore, meeting_id: str, *events: Event) -> None:
    append(store, nats, meeting_subject(meeting_id), *events)


def on_series(nats: NatsThread, store: EventStore, series_id: str, *events: Event) -> None:
    append(store, nats, series_subject(series_id), *events)


def series_planned(series_id: str, network_id: str, occurs: dict[str, date], **more: Any) -> Event:
    """A fortnightly series on Tuesdays, 08:00 to 09:30 at the trust office, from its first
    occurrence to its last (`more` changes any field); `occurs`: meeting id -> date."""
    days = sorted(occurs.values())
    data = {
        "series_id": series_id,
        "network_id": network_id,
        "title": "ELG",
        "organiser_id": "ceo",
        "every_weeks": 2,
        "weekday": 1,
        "starts": "08:00",
        "ends": "09:30",
        "first": days[0],
        "last": days[-1],
        "venue": "Trust office",
        "join_link": "",
        "occurrences": [{"meeting_id": m, "date": d} for m, d in occurs.items()],
        "skipped": [],
    }
    return Event("SeriesPlanned", {**data, **more})


def scheduled(
    meeting_id: str,
    network_id: str,
    day: date,
    invitees: tuple[str, ...] = (),
    starts: str = "16:00",
    ends: str = "17:30",
    **more: Any,
) -> Event:
    return Event(
        "MeetingScheduled",
        {
            "meeting_id": meeting_id,
            "network_id": network_id,
            "title": f"Meeting {meeting_id}",
            "organiser_id": "sil",
            "date": day,
            "starts": starts,
            "ends": ends,
            "venue": "Trust office",
            "join_link": "",
            "invitees": [{"person_id": p, "required": True} for p in invitees],
            "series_id": None,
            "warnings": [],
            **more,
        },
    )


def poll(meeting_id: str, network_id: str, invitees: dict[str, bool], **more: Any) -> Event:
    return Event(
        "PollOpened",
        {
            "meeting_id": meeting_id,
            "network_id": network_id,
            "title": f"Poll {meeting_id}",
            "organiser_id": "sil",
            "minutes": 90,
            "options": [
                {"option_id": "o1", "date": date(2026, 10, 6), "starts": "16:00", "ends": "17:30"},
                {"option_id": "o2", "date": date(2026, 10, 8), "starts": "15:45", "ends": "17:15"},
            ],
            "invitees": [{"person_id": p, "required": r} for p, r in invitees.items()],
            "deadline": datetime(2026, 9, 30, 17, 0),
            "venue": "Trust office",
            "join_link": "https://meet.example.org/x",
            **more,
        },
    )


def register(meeting_id: str, **marks: tuple[str | None, str]) -> Event:
    """person_id=(school_id, mark) for each person on the register."""
    return Event(
        "RegisterTaken",
        {
            "meeting_id": meeting_id,
            "marks": [{"person_id": p, "school_id": s, "mark": m} for p, (s, m) in marks.items()],
        },
    )
