"""What the notifications' sender reads of the networks when a message about a meeting is
due: the meeting as it is now (with its network and organiser), whether a person is invited
and has answered its poll, its dates, and an action."""

from __future__ import annotations

from sqlalchemy import Engine, Row, func, select

from readmodels.directory.tables import people
from readmodels.networks.tables import (
    network_actions,
    network_agenda,
    network_answers,
    network_invitees,
    network_meetings,
    network_options,
    networks,
)

MEETING = network_meetings.c
ORGANISER_TABLE = people.alias("organiser")
ORGANISER = ORGANISER_TABLE.c


def meeting(engine: Engine, meeting_id: str) -> Row | None:
    """The meeting row (as the feed's meeting_event reads it: network_name too), with its
    organiser's name and address."""
    query = (
        select(
            network_meetings,
            networks.c.name.label("network_name"),
            ORGANISER.name.label("organiser_name"),
            ORGANISER.email.label("organiser_email"),
        )
        .join(networks, networks.c.network_id == MEETING.network_id)
        .outerjoin(ORGANISER_TABLE, ORGANISER.person_id == MEETING.organiser_id)
        .where(MEETING.meeting_id == meeting_id)
    )
    with engine.connect() as connection:
        return connection.execute(query).first()


def agenda(engine: Engine, meeting_id: str) -> list[Row]:
    """The meeting's agenda items in order (title, minutes)."""
    query = (
        select(network_agenda.c.title, network_agenda.c.minutes)
        .where(network_agenda.c.meeting_id == meeting_id)
        .order_by(network_agenda.c.position)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def invited(engine: Engine, meeting_id: str, person_id: str) -> bool:
    query = select(network_invitees.c.person_id).where(
        network_invitees.c.meeting_id == meeting_id, network_invitees.c.person_id == person_id
    )
    with engine.connect() as connection:
        return connection.execute(query).first() is not None


def options(engine: Engine, meeting_id: str) -> list[Row]:
    query = (
        select(network_options)
        .where(network_options.c.meeting_id == meeting_id)
        .order_by(network_options.c.position)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def answered_poll(engine: Engine, meeting_id: str, person_id: str) -> bool:
    """Whether the person has answered every date of the poll (leaving one out is not
    answering it)."""
    offered = select(func.count()).where(network_options.c.meeting_id == meeting_id)
    given = select(func.count()).where(
        network_answers.c.meeting_id == meeting_id, network_answers.c.person_id == person_id
    )
    with engine.connect() as connection:
        dates = connection.scalar(offered) or 0
        return dates > 0 and (connection.scalar(given) or 0) >= dates


def action(engine: Engine, action_id: str) -> Row | None:
    """An action with its meeting's title and its network's name."""
    query = (
        select(
            network_actions,
            MEETING.title.label("meeting_title"),
            networks.c.name.label("network_name"),
        )
        .join(network_meetings, MEETING.meeting_id == network_actions.c.meeting_id)
        .join(networks, networks.c.network_id == network_actions.c.network_id)
        .where(network_actions.c.action_id == action_id)
    )
    with engine.connect() as connection:
        return connection.execute(query).first()
