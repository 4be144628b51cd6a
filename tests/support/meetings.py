"""A network and one of its meetings in the networks' read model, as its projection would
leave them: for page tests that read (who sees what, what a page shows) without the service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from events.envelope import new_id
from readmodels.networks.tables import (
    network_answers,
    network_invitees,
    network_meetings,
    network_options,
    network_people,
    network_votes,
    networks,
)


def a_network(
    engine: Engine,
    facilitator_id: str,
    member_ids: Sequence[str] = (),
    private: bool = False,
    name: str = "Maths leads",
) -> str:
    network_id = new_id()
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(networks).values(
                network_id=network_id,
                name=name,
                kind="one_to_one" if private else "subject",
                description="",
                facilitator_id=facilitator_id,
                agenda_lead_id=None,
                cadence_rule="per_year",
                cadence_count=3,
                private=private,
                agenda_template=[],
                minutes=90,
                venue="Oak Primary, the library",
                status="open",
                closed_reason="",
                version=1,
                formed_at=now,
                changed_at=now,
            )
        )
        for person_id in member_ids:
            connection.execute(
                insert(network_people).values(network_id=network_id, person_id=person_id)
            )
    return network_id


def a_poll(
    engine: Engine,
    network_id: str,
    organiser_id: str,
    invitees: Sequence[tuple[str, bool]],
    days: Sequence[date] = (),
    status: str = "polling",
) -> tuple[str, list[str]]:
    """A meeting whose poll offers `days` at 16:00-17:30 (three weeks ahead by default) to
    `invitees` (person, required); its id and its options' ids."""
    meeting_id = new_id()
    today = datetime.now(UTC).date()
    days = days or [today + timedelta(days=21 + n) for n in range(3)]
    confirmed = status == "confirmed"
    with engine.begin() as connection:
        connection.execute(
            insert(network_meetings).values(
                meeting_id=meeting_id,
                network_id=network_id,
                series_id=None,
                title="Maths leads: spring meeting",
                organiser_id=organiser_id,
                status=status,
                polled=True,
                close_reason="",
                deadline=datetime.combine(today + timedelta(days=7), datetime.min.time()),
                minutes=90,
                option_id=None,
                date=days[0] if confirmed else None,
                starts="16:00" if confirmed else None,
                ends="17:30" if confirmed else None,
                venue="Oak Primary, the library",
                join_link="",
                warnings=[],
                reason="",
                timed_seq=0,
                dated=confirmed,
                version=1,
                sequence=0,
                changed_at=datetime.now(UTC),
            )
        )
        option_ids = []
        for position, day in enumerate(days):
            option_id = new_id()
            option_ids.append(option_id)
            connection.execute(
                insert(network_options).values(
                    meeting_id=meeting_id,
                    option_id=option_id,
                    position=position,
                    date=day,
                    starts="16:00",
                    ends="17:30",
                )
            )
        for person_id, required in invitees:
            connection.execute(
                insert(network_invitees).values(
                    meeting_id=meeting_id, person_id=person_id, required=required
                )
            )
    return meeting_id, option_ids


def a_vote(
    engine: Engine,
    meeting_id: str,
    person_id: str,
    answers: dict[str, str],
    recorded_by: str | None = None,
    comment: str = "",
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(network_votes).values(
                meeting_id=meeting_id,
                person_id=person_id,
                comment=comment,
                recorded_by=recorded_by or person_id,
                voted_at=datetime.now(UTC),
            )
        )
        for option_id, answer in answers.items():
            connection.execute(
                insert(network_answers).values(
                    meeting_id=meeting_id, person_id=person_id, option_id=option_id, answer=answer
                )
            )
