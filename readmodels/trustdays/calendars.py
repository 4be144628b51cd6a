"""The rows calendar feeds are made from: a person's places with their session, slot and
day, the keynotes of days they come to, and the trust's days with their hours."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Row, and_, func, or_, select

from readmodels.trustdays.tables import pd_attendees, pd_places, pd_sessions, pd_slots
from readmodels.trustdays.tables import pd_days as days

SHOWN_DAYS = ("published", "cancelled")


def session_rows(engine: Engine, person_id: str, session_id: str | None = None) -> list[Any]:
    """The person's places (held or given up) with session, slot and day; or one session."""
    columns = (
        pd_sessions,
        pd_slots.c.starts,
        pd_slots.c.ends,
        days.c.date,
        days.c.venue,
        days.c.title.label("day_title"),
        days.c.status.label("day_status"),
        days.c.sequence.label("day_sequence"),
        days.c.changed_at.label("day_changed"),
    )
    mine = and_(
        pd_places.c.session_id == pd_sessions.c.session_id, pd_places.c.person_id == person_id
    )
    query = (
        select(
            *columns,
            pd_places.c.place,
            pd_places.c.reason,
            pd_places.c.sequence.label("place_sequence"),
            pd_places.c.changed_at.label("place_changed"),
        )
        .join(pd_slots, pd_slots.c.slot_id == pd_sessions.c.slot_id)
        .join(days, days.c.day_id == pd_sessions.c.day_id)
        .where(days.c.status.in_(SHOWN_DAYS))
    )
    if session_id:
        query = query.outerjoin(pd_places, mine).where(pd_sessions.c.session_id == session_id)
    else:
        query = query.join(pd_places, mine).where(pd_places.c.place.in_(("seat", "cancelled")))
    with engine.connect() as connection:
        return list(connection.execute(query))


def keynote_rows(engine: Engine, person_id: str) -> list[Row]:
    """The keynote of each day the person comes to: they said yes, or they hold a seat and
    have not said no. Saying no (or a cancelled day) keeps it a while as cancelled."""
    seated_days = select(pd_places.c.day_id).where(
        pd_places.c.person_id == person_id, pd_places.c.place == "seat"
    )
    answer = and_(pd_attendees.c.day_id == days.c.day_id, pd_attendees.c.person_id == person_id)
    query = (
        select(
            days,
            pd_slots.c.slot_id,
            pd_slots.c.title.label("slot_title"),
            pd_slots.c.speaker,
            pd_slots.c.starts,
            pd_slots.c.ends,
            pd_attendees.c.attending,
            pd_attendees.c.sequence.label("answer_sequence"),
            pd_attendees.c.changed_at.label("answered_at"),
        )
        .join(pd_slots, and_(pd_slots.c.day_id == days.c.day_id, pd_slots.c.kind == "keynote"))
        .outerjoin(pd_attendees, answer)
        .where(days.c.status.in_(SHOWN_DAYS))
        .where(or_(pd_attendees.c.attending.is_not(None), days.c.day_id.in_(seated_days)))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def shown_days(engine: Engine) -> list[Row]:
    """The published and cancelled days, each with its first start and last end."""
    span = (
        select(
            pd_slots.c.day_id,
            func.min(pd_slots.c.starts).label("starts"),
            func.max(pd_slots.c.ends).label("ends"),
        )
        .group_by(pd_slots.c.day_id)
        .subquery()
    )
    query = (
        select(days, span.c.starts, span.c.ends)
        .join(span, span.c.day_id == days.c.day_id)
        .where(days.c.status.in_(SHOWN_DAYS))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def latest_change(engine: Engine, person_id: str) -> Any:
    """The person's newest change of place or answer, shown in a feed or not (a cancelled
    seat becoming a waitlist place leaves the feed, and is still a change to it)."""
    places = select(func.max(pd_places.c.changed_at)).where(pd_places.c.person_id == person_id)
    answers = select(func.max(pd_attendees.c.changed_at)).where(
        pd_attendees.c.person_id == person_id
    )
    with engine.connect() as connection:
        return [connection.scalar(places), connection.scalar(answers)]
