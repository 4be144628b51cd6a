"""What the sender and the pages ask of the notifications' read model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, func, select

from readmodels.directory.tables import people
from readmodels.notifications.tables import (
    notification_bounces as bounces,
)
from readmodels.notifications.tables import (
    notification_messages as messages,
)
from readmodels.notifications.tables import (
    notification_preferences as preferences,
)

SENDABLE = ("queued", "failed")


def due_messages(engine: Engine, now: datetime, limit: int = 100) -> list[Row]:
    """Messages to try now (queued or failed, their time come), the longest waiting first."""
    query = (
        select(messages)
        .where(messages.c.status.in_(SENDABLE), messages.c.due <= now)
        .order_by(messages.c.due, messages.c.message_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def next_due(engine: Engine) -> datetime | None:
    """When the next message is to be tried (the sender sleeps until then, at most)."""
    query = select(func.min(messages.c.due)).where(messages.c.status.in_(SENDABLE))
    with engine.connect() as connection:
        return connection.scalar(query)


def find_message(engine: Engine, message_id: str) -> Row | None:
    with engine.connect() as connection:
        return connection.execute(
            select(messages).where(messages.c.message_id == message_id)
        ).first()


def told(engine: Engine, person_id: str, limit: int = 200) -> list[Row]:
    """What we told a person (and what we meant to and why not), newest first."""
    query = (
        select(messages)
        .where(messages.c.person_id == person_id)
        .order_by(messages.c.queued_at.desc(), messages.c.message_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def told_about_day(engine: Engine, day_id: str) -> list[Row]:
    """Every message about a PD day, with its recipient's name, newest first."""
    return told_about(engine, messages.c.day_id == day_id)


def told_about_meeting(engine: Engine, meeting_id: str) -> list[Row]:
    """Every message about a network meeting (its poll's too), with its recipient's name,
    newest first."""
    return told_about(engine, messages.c.meeting_id == meeting_id)


def told_about(engine: Engine, about: ColumnElement[bool]) -> list[Row]:
    query = (
        select(messages, people.c.name.label("person_name"))
        .outerjoin(people, people.c.person_id == messages.c.person_id)
        .where(about)
        .order_by(messages.c.queued_at.desc(), messages.c.message_id)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def operator_queue(engine: Engine, limit: int = 200) -> dict[str, list[Row]]:
    """The operator's view: waiting (queued), failed (will retry), sending (claimed; an old
    claim is unknown), and recent bounces."""
    named = select(messages, people.c.name.label("person_name")).outerjoin(
        people, people.c.person_id == messages.c.person_id
    )
    found: dict[str, list[Row]] = {}
    with engine.connect() as connection:
        for status in ("sending", "failed", "queued"):
            query = named.where(messages.c.status == status).order_by(messages.c.due).limit(limit)
            found[status] = list(connection.execute(query))
        recent = select(bounces, people.c.name.label("person_name")).outerjoin(
            people, people.c.person_id == bounces.c.person_id
        )
        found["bounced"] = list(
            connection.execute(recent.order_by(bounces.c.bounced_at.desc()).limit(limit))
        )
    return found


def counts(engine: Engine) -> dict[str, int]:
    """Messages by status."""
    query = select(messages.c.status, func.count()).group_by(messages.c.status)
    with engine.connect() as connection:
        return {status: n for status, n in connection.execute(query)}


def preferences_of(engine: Engine, person_id: str) -> dict[str, str]:
    query = select(preferences.c.kind, preferences.c.choice).where(
        preferences.c.person_id == person_id
    )
    with engine.connect() as connection:
        return {kind: choice for kind, choice in connection.execute(query)}


def bounced_addresses(engine: Engine, person_id: str) -> set[str]:
    query = select(bounces.c.address).where(bounces.c.person_id == person_id)
    with engine.connect() as connection:
        return set(connection.scalars(query))


def recipient(engine: Engine, person_id: str) -> Any:
    """The person's name, address and status from the directory, or None."""
    query = select(people.c.name, people.c.email, people.c.status).where(
        people.c.person_id == person_id
    )
    with engine.connect() as connection:
        return connection.execute(query).first()
