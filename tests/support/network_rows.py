"""A series and an action in the networks' read model, as its projection would leave them:
for page tests that only read (the authorization matrix) without the service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from events.envelope import new_id
from readmodels.networks.tables import network_action_schools, network_actions, network_series


def a_series(engine: Engine, network_id: str, organiser_id: str) -> str:
    series_id = new_id()
    today = datetime.now(UTC).date()
    with engine.begin() as connection:
        connection.execute(
            insert(network_series).values(
                series_id=series_id,
                network_id=network_id,
                title="Fortnightly meeting",
                organiser_id=organiser_id,
                every_weeks=2,
                weekday=1,
                starts="16:00",
                ends="17:00",
                first=today,
                last=today + timedelta(days=60),
                venue="Trust office",
                join_link="",
                occurrences=[],
                skipped=[{"date": (today + timedelta(days=14)).isoformat(), "reason": "PD day"}],
                status="active",
                end_reason="",
                changed_at=datetime.now(UTC),
            )
        )
    return series_id


def an_action(
    engine: Engine,
    meeting_id: str,
    network_id: str,
    owner_id: str,
    school_ids: Sequence[str] = (),
    due: date | None = None,
    text: str = "Share the new calculation policy",
) -> str:
    action_id = new_id()
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(network_actions).values(
                action_id=action_id,
                meeting_id=meeting_id,
                network_id=network_id,
                text=text,
                owner_id=owner_id,
                due=due or now.date() - timedelta(days=3),
                status="open",
                note="",
                priority_id=None,
                raised_at=now,
                changed_at=now,
            )
        )
        for school_id in school_ids:
            connection.execute(
                insert(network_action_schools).values(action_id=action_id, school_id=school_id)
            )
    return action_id
