"""Queries on the PD days' read models: days, their timetable and sessions, people's places."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Row, Select, bindparam, func, or_, select

from readmodels.trustdays.tables import (
    pd_attendees,
    pd_days,
    pd_exemptions,
    pd_marks,
    pd_places,
    pd_sessions,
    pd_slots,
)

LIVE_PLACES = ("seat", "waitlist")


@dataclass
class SlotView:
    slot: Row
    sessions: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    session_id: str
    slot_id: str
    place: str  # seat or waitlist
    position: int = 0
    """On a waitlist: 1 for the first in the queue."""


def window(day: Row, now: datetime | None = None) -> str:
    """Where the day's booking stands: draft, cancelled, not_open, open or closed."""
    if day.status != "published":
        return day.status
    now = now or datetime.now(UTC)
    if now < day.opens:
        return "not_open"
    return "open" if now < day.closes else "closed"


def listed_days(engine: Engine, drafts: bool = False, since: date | None = None) -> Sequence[Row]:
    query = select(pd_days).order_by(pd_days.c.date)
    if not drafts:
        query = query.where(pd_days.c.status != "draft")
    if since:
        query = query.where(pd_days.c.date >= since)
    with engine.connect() as connection:
        return connection.execute(query).all()


_DAY = select(pd_days).where(pd_days.c.day_id == bindparam("day_id"))
_SESSION = select(pd_sessions).where(
    pd_sessions.c.day_id == bindparam("day_id"),
    pd_sessions.c.session_id == bindparam("session_id"),
)
_SLOTS = (
    select(pd_slots).where(pd_slots.c.day_id == bindparam("day_id")).order_by(pd_slots.c.starts)
)
_SESSIONS = (
    select(pd_sessions)
    .where(pd_sessions.c.day_id == bindparam("day_id"))
    .order_by(pd_sessions.c.title)
)
"""Statements every page of a day asks, built once: building one cost more than running it."""


def find_day(engine: Engine, day_id: str) -> Row | None:
    with engine.connect() as connection:
        return connection.execute(_DAY, {"day_id": day_id}).first()


def find_session(engine: Engine, day_id: str, session_id: str) -> Row | None:
    with engine.connect() as connection:
        return connection.execute(_SESSION, {"day_id": day_id, "session_id": session_id}).first()


def timetable(
    engine: Engine,
    day_id: str,
    community: str = "",
    audience: str = "",
    slot_id: str = "",
    changed_after: int = 0,
) -> list[SlotView]:
    """The day's slots in time order, each with its sessions (filtered). A slot row has
    a keynote's `speaker`; a session row its leader's `leader_bio` (an external's) and
    an online session's `join_link`."""
    sessions = pd_sessions.c
    slot_query, query = _SLOTS, _SESSIONS
    if community:
        query = query.where(sessions.community == community)
    if audience:
        query = query.where(sessions.audience.in_((audience, "all")))
    if slot_id:
        slot_query = slot_query.where(pd_slots.c.slot_id == slot_id)
        query = query.where(sessions.slot_id == slot_id)
    if changed_after:
        changed_slots = select(sessions.slot_id).where(
            sessions.day_id == day_id, sessions.version > changed_after
        )
        slot_query = slot_query.where(pd_slots.c.slot_id.in_(changed_slots))
        query = query.where(sessions.slot_id.in_(changed_slots))
    return _views(engine, slot_query, query, {"day_id": day_id})


_AROUND_A_CARD = _SESSIONS.where(
    or_(
        pd_sessions.c.slot_id == bindparam("slot_id"),
        pd_sessions.c.session_id.in_(bindparam("session_ids", expanding=True)),
        pd_sessions.c.leader_id == bindparam("person_id"),
    )
)


def timetable_around_a_card(
    engine: Engine, day_id: str, slot_id: str, person_id: str, session_ids: Collection[str]
) -> list[SlotView]:
    """What the answer to a tap on a card shows: every slot of the day, the card's own with
    all its sessions, the others with only the person's (`session_ids`: held or waited for;
    and those they lead). A third of the rows of the whole timetable on a day of three
    breakout slots."""
    asked = {"day_id": day_id, "slot_id": slot_id, "person_id": person_id}
    return _views(engine, _SLOTS, _AROUND_A_CARD, asked | {"session_ids": list(session_ids)})


def _views(engine: Engine, slot_query: Select, query: Select, asked: dict) -> list[SlotView]:
    with engine.connect() as connection:
        views = {row.slot_id: SlotView(row) for row in connection.execute(slot_query, asked)}
        for session in connection.execute(query, asked):
            if session.slot_id in views:  # not in a slot taken off the timetable
                views[session.slot_id].sessions.append(session)
    return list(views.values())


def exempt_people(engine: Engine, day_id: str) -> dict[str, str]:
    """The people the CPD manager marked as not expected to book the day: id -> reason."""
    query = select(pd_exemptions.c.person_id, pd_exemptions.c.reason).where(
        pd_exemptions.c.day_id == day_id
    )
    with engine.connect() as connection:
        return {row.person_id: row.reason for row in connection.execute(query)}


def leaders_by_slot(engine: Engine, day_id: str) -> dict[str, set[str]]:
    """Slot id -> the trust's people who lead an open session in it (external facilitators
    have no id): they are taken for that slot, and are not offered "Book" in it."""
    sessions = pd_sessions.c
    query = select(sessions.slot_id, sessions.leader_id).where(
        sessions.day_id == day_id, sessions.status == "open", sessions.leader_id.is_not(None)
    )
    leaders: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            leaders.setdefault(row.slot_id, set()).add(row.leader_id)
    return leaders


def _places_query(on_a_day: bool) -> Select:
    """A person's live places, with how many wait ahead of them in each waitlist: built
    once (building it was most of what asking it cost a page, the aliases' columns and the
    expanding IN), with the person and the day as parameters."""
    mine, others = pd_places.alias("mine"), pd_places.alias("others")
    ahead = (
        select(func.count())
        .where(
            others.c.session_id == mine.c.session_id,
            others.c.place == "waitlist",
            others.c.queued_seq < mine.c.queued_seq,
        )
        .scalar_subquery()
    )
    live = or_(*(mine.c.place == place for place in LIVE_PLACES))
    query = select(mine.c.session_id, mine.c.slot_id, mine.c.place, ahead.label("ahead")).where(
        mine.c.person_id == bindparam("person_id"), live
    )
    return query.where(mine.c.day_id == bindparam("day_id")) if on_a_day else query


_PLACES = _places_query(on_a_day=False)
_PLACES_ON_A_DAY = _places_query(on_a_day=True)


def places_of(engine: Engine, person_id: str, day_id: str | None = None) -> dict[str, Place]:
    """A person's seats and waitlist places (on one day), by session, with their place in
    each waitlist's queue."""
    query, asked = (_PLACES_ON_A_DAY, {"day_id": day_id}) if day_id else (_PLACES, {})
    with engine.connect() as connection:
        rows = connection.execute(query, {"person_id": person_id, **asked}).all()
    return {
        row.session_id: Place(
            row.session_id, row.slot_id, row.place, row.ahead + 1 if row.place == "waitlist" else 0
        )
        for row in rows
    }


def seats_held(places: dict[str, Place]) -> dict[str, str]:
    """Slot to the session the person holds a seat in."""
    return {p.slot_id: p.session_id for p in places.values() if p.place == "seat"}


def sessions_led_by(engine: Engine, person_id: str) -> Sequence[Row]:
    query = (
        select(
            pd_sessions,
            pd_slots.c.starts,
            pd_slots.c.ends,
            pd_days.c.date,
            pd_days.c.title.label("day_title"),
        )
        .join(pd_slots, pd_slots.c.slot_id == pd_sessions.c.slot_id)
        .join(pd_days, pd_days.c.day_id == pd_sessions.c.day_id)
        .where(pd_sessions.c.leader_id == person_id, pd_days.c.status == "published")
        .order_by(pd_days.c.date, pd_slots.c.starts)
    )
    with engine.connect() as connection:
        return connection.execute(query).all()


def bookings_of(engine: Engine, person_id: str) -> Sequence[Row]:
    """Every seat and waitlist place a person holds, with the session, slot and day."""
    query = (
        select(
            pd_places.c.place,
            pd_sessions,
            pd_slots.c.starts,
            pd_slots.c.ends,
            pd_slots.c.title.label("slot_title"),
            pd_days.c.date,
            pd_days.c.title.label("day_title"),
            pd_days.c.venue,
            pd_days.c.status.label("day_status"),
        )
        .join(pd_sessions, pd_sessions.c.session_id == pd_places.c.session_id)
        .join(pd_slots, pd_slots.c.slot_id == pd_places.c.slot_id)
        .join(pd_days, pd_days.c.day_id == pd_places.c.day_id)
        .where(pd_places.c.person_id == person_id, pd_places.c.place.in_(LIVE_PLACES))
        .order_by(pd_days.c.date, pd_slots.c.starts)
    )
    with engine.connect() as connection:
        return connection.execute(query).all()


def slot_minutes(slot: Any) -> int:
    hours, minutes = (int(part) for part in slot.starts.split(":"))
    end_hours, end_minutes = (int(part) for part in slot.ends.split(":"))
    return (end_hours - hours) * 60 + end_minutes - minutes


def attendance_of(engine: Engine, person_id: str) -> dict[str, Row]:
    """Whether the person comes to each day they answered for, and their dietary needs."""
    query = select(pd_attendees).where(pd_attendees.c.person_id == person_id)
    with engine.connect() as connection:
        return {row.day_id: row for row in connection.execute(query)}


def marks_of(engine: Engine, person_id: str) -> Sequence[Row]:
    """Every register mark of the person, with the session and day, newest first."""
    query = (
        select(
            pd_marks,
            pd_sessions.c.title,
            pd_slots.c.starts,
            pd_days.c.date,
            pd_days.c.title.label("day_title"),
        )
        .join(pd_sessions, pd_sessions.c.session_id == pd_marks.c.session_id)
        .join(pd_slots, pd_slots.c.slot_id == pd_sessions.c.slot_id)
        .join(pd_days, pd_days.c.day_id == pd_marks.c.day_id)
        .where(pd_marks.c.person_id == person_id)
        .order_by(pd_days.c.date.desc(), pd_slots.c.starts)
    )
    with engine.connect() as connection:
        return connection.execute(query).all()
