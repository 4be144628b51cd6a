"""The rows a person's calendar feed takes from the networks: the meetings they are invited
to or organise that have (or had) a date, and, for those who ask, the options of the open
polls they are invited to, as tentative holds. Also the network meetings a person attended,
for My CPD."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, func, literal, or_, select

from readmodels.networks.tables import (
    network_answers,
    network_invitees,
    network_marks,
    network_meetings,
    network_options,
    networks,
)
from services.networks.events import EARNS_CPD

MEETING = network_meetings.c
INVITED = network_invitees.c


def involving(person_id: str) -> Any:
    """A condition on meetings: the person is invited, or organises it."""
    invited = select(INVITED.meeting_id).where(INVITED.person_id == person_id)
    return or_(MEETING.meeting_id.in_(invited), MEETING.organiser_id == person_id)


def meeting_rows(engine: Engine, person_id: str) -> list[Row]:
    """The person's meetings that have a date: confirmed, or cancelled after they had one
    (a feed shows those a while as cancelled), with their network's name."""
    query = (
        select(network_meetings, networks.c.name.label("network_name"))
        .join(networks, networks.c.network_id == MEETING.network_id)
        .where(MEETING.dated.is_(True), MEETING.status.in_(("confirmed", "cancelled")))
        .where(involving(person_id))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def hold_rows(engine: Engine, person_id: str, now: datetime) -> list[Row]:
    """Each option of the open polls the person is invited to, but those they said "no" to.
    A poll whose deadline (UK wall clock, like `now`) has passed is closed, though the log
    says so only with the next command on it."""
    answer = and_(
        network_answers.c.meeting_id == network_options.c.meeting_id,
        network_answers.c.option_id == network_options.c.option_id,
        network_answers.c.person_id == person_id,
    )
    invited = select(INVITED.meeting_id).where(INVITED.person_id == person_id)
    query = (
        select(
            network_options,
            MEETING.title,
            MEETING.venue,
            MEETING.join_link,
            MEETING.deadline,
            MEETING.changed_at,
            networks.c.name.label("network_name"),
            network_answers.c.answer,
        )
        .join(network_meetings, MEETING.meeting_id == network_options.c.meeting_id)
        .join(networks, networks.c.network_id == MEETING.network_id)
        .outerjoin(network_answers, answer)
        .where(MEETING.status == "polling", MEETING.meeting_id.in_(invited))
        .where(MEETING.deadline > now)
        .where(or_(network_answers.c.answer.is_(None), network_answers.c.answer != "no"))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def latest_change(engine: Engine, person_id: str) -> datetime | None:
    """The newest change to any meeting the person is in, shown in their feed or not (a
    poll closing takes its holds away: a change too)."""
    query = select(func.max(MEETING.changed_at)).where(involving(person_id))
    with engine.connect() as connection:
        return connection.scalar(query)


def deadline_passed(engine: Engine, person_id: str, now: datetime) -> datetime | None:
    """The latest deadline (UK wall clock) already passed of a poll the person is invited to
    that the log has not closed yet: its holds left the feed then, a change to it."""
    invited = select(INVITED.meeting_id).where(INVITED.person_id == person_id)
    query = select(func.max(MEETING.deadline)).where(
        MEETING.status == "polling", MEETING.meeting_id.in_(invited), MEETING.deadline <= now
    )
    with engine.connect() as connection:
        return connection.scalar(query)


def attended_meetings(engine: Engine, person_id: str) -> list[Row]:
    """The network meetings the person was present at, newest first, each with the minutes
    it earns as CPD (its length) and a title that names the network."""
    query = (
        select(
            MEETING.meeting_id,
            MEETING.network_id,
            MEETING.date,
            MEETING.starts,
            (MEETING.title + " (" + networks.c.name + ")").label("title"),
            network_marks.c.mark,
            MEETING.minutes.label("cpd_minutes"),
            literal(False).label("walk_in"),
        )
        .join(network_meetings, MEETING.meeting_id == network_marks.c.meeting_id)
        .join(networks, networks.c.network_id == MEETING.network_id)
        .where(network_marks.c.person_id == person_id, network_marks.c.mark.in_(EARNS_CPD))
        .where(MEETING.status == "confirmed", MEETING.date.is_not(None))
        .order_by(MEETING.date.desc(), MEETING.starts)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))
