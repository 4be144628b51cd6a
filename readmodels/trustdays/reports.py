"""Reports on a PD day that join the trust days' read side with the directory's people
and schools: the overview's fill rates, per-school numbers and who has not booked, and a
session's register."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Engine, Row, and_, func, or_, select

from readmodels.directory.tables import people, schools
from readmodels.trustdays.tables import pd_attendees, pd_marks, pd_places, pd_slots

CENTRAL = "Central team"


def attendance_by_session(engine: Engine, day_id: str) -> dict[str, Counter]:
    query = (
        select(pd_marks.c.session_id, pd_marks.c.mark, func.count())
        .where(pd_marks.c.day_id == day_id)
        .group_by(pd_marks.c.session_id, pd_marks.c.mark)
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    with engine.connect() as connection:
        for session_id, mark, count in connection.execute(query):
            counts[session_id][mark] = count
    return counts


def seats_per_person(day_id: str, only: frozenset[str] | None) -> Any:
    """Each active person's school and the seats they hold on the day."""
    seats = (
        select(pd_places.c.person_id, func.count().label("seats"))
        .where(pd_places.c.day_id == day_id, pd_places.c.place == "seat")
        .group_by(pd_places.c.person_id)
        .subquery()
    )
    query = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.email,
            people.c.job_title,
            func.coalesce(schools.c.name, CENTRAL).label("school"),
            func.coalesce(seats.c.seats, 0).label("seats"),
        )
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .outerjoin(seats, seats.c.person_id == people.c.person_id)
        .where(people.c.status == "active")
    )
    return query if only is None else query.where(people.c.school_id.in_(only))


def breakout_count(engine: Engine, day_id: str) -> int:
    query = select(func.count()).where(pd_slots.c.day_id == day_id, pd_slots.c.kind == "breakout")
    with engine.connect() as connection:
        return connection.scalar(query) or 0


def not_booked(engine: Engine, day_id: str, slots: int, only: frozenset[str] | None) -> list[Any]:
    query = seats_per_person(day_id, only).order_by("school", people.c.name)
    with engine.connect() as connection:
        return [row for row in connection.execute(query) if row.seats < slots]


def per_school(
    engine: Engine, day_id: str, slots: int, only: frozenset[str] | None
) -> list[dict[str, Any]]:
    """Staff, people booked (fully), attending and lunch needs, school by school."""
    schools_seen: dict[str, dict[str, Any]] = {}
    with engine.connect() as connection:
        for row in connection.execute(seats_per_person(day_id, only)):
            school = schools_seen.setdefault(row.school, _school_line(row.school))
            school["staff"] += 1
            school["booked"] += row.seats >= slots
            school["some"] += 0 < row.seats < slots
        attendees = select(pd_attendees, func.coalesce(schools.c.name, CENTRAL).label("school"))
        attendees = attendees.outerjoin(
            schools, schools.c.school_id == pd_attendees.c.school_id
        ).where(and_(pd_attendees.c.day_id == day_id, pd_attendees.c.attending))
        if only is not None:
            attendees = attendees.where(pd_attendees.c.school_id.in_(only))
        for row in connection.execute(attendees):
            school = schools_seen.setdefault(row.school, _school_line(row.school))
            school["lunches"] += 1
            if row.dietary.strip():
                school["dietary"][row.dietary.strip().lower()] += 1
    return sorted(schools_seen.values(), key=lambda s: (s["name"] == CENTRAL, s["name"]))


def _school_line(name: str) -> dict[str, Any]:
    return {"name": name, "staff": 0, "booked": 0, "some": 0, "lunches": 0, "dietary": Counter()}


def register_lines(engine: Engine, session_id: str, person_id: str | None = None) -> list[Any]:
    """Everyone with a seat, and walk-ins, with their mark: by name."""
    seated = and_(pd_places.c.session_id == session_id, pd_places.c.place == "seat")
    query = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.job_title,
            schools.c.name.label("school"),
            pd_marks.c.mark,
            pd_marks.c.walk_in,
        )
        .select_from(people)
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .outerjoin(
            pd_places,
            and_(pd_places.c.person_id == people.c.person_id, pd_places.c.session_id == session_id),
        )
        .outerjoin(
            pd_marks,
            and_(pd_marks.c.person_id == people.c.person_id, pd_marks.c.session_id == session_id),
        )
        .where(or_(seated, pd_marks.c.session_id == session_id))
        .order_by(people.c.name)
    )
    if person_id:
        query = query.where(people.c.person_id == person_id)
    with engine.connect() as connection:
        return list(connection.execute(query))


def find_slot(engine: Engine, slot_id: str) -> Row:
    with engine.connect() as connection:
        return connection.execute(select(pd_slots).where(pd_slots.c.slot_id == slot_id)).one()
