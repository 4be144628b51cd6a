"""Reports on a PD day that join the trust days' read side with the directory's people
and schools: the overview's figures, each person's choices, waitlists, who got a freed
seat, what the exports list, and a session's register.

A person is *taken* in a breakout slot when they hold a seat in it or lead one of its open
sessions; *booked* when taken in every slot that has a session to book; *exempt* when the
CPD manager said they are not expected that day (they are counted apart, never chased)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Row, and_, func, or_, select, union

from readmodels.directory.tables import people, schools
from readmodels.trustdays.queries import exempt_people, leaders_by_slot
from readmodels.trustdays.tables import (
    pd_attendees,
    pd_days,
    pd_marks,
    pd_places,
    pd_sessions,
    pd_slots,
)

CENTRAL = "Central team"
PROMOTED = "promoted"
"""pd_places.reason of a seat that came to someone from the waitlist."""


@dataclass
class StaffDay:
    """One person of the trust in scope, and where they stand on the day."""

    person_id: str
    name: str
    email: str
    job_title: str
    school: str
    school_id: str | None
    seats: dict[str, str] = field(default_factory=dict)
    """Slot id -> the session they hold a seat in."""
    waiting: dict[str, list[str]] = field(default_factory=dict)
    """Slot id -> the sessions whose waitlist they are on."""
    leads: set[str] = field(default_factory=set)
    """The slots in which they lead an open session."""
    exempt: str | None = None
    """Why they are not expected (the CPD manager's reason), or None."""
    lunch: bool | None = None
    """Whether they said they come (and eat): None until they answer."""
    dietary: str = ""

    def taken(self, slots: Iterable[str]) -> int:
        return sum(1 for slot in slots if slot in self.seats or slot in self.leads)


@dataclass
class SchoolFigures:
    name: str
    staff: int = 0
    """Expected on the day: exempt people are not counted here."""
    booked: int = 0
    some: int = 0
    none: int = 0
    waiting: int = 0
    exempt: int = 0
    lunches: int = 0
    dietary: Counter = field(default_factory=Counter)

    @property
    def not_booked(self) -> int:
        return self.some + self.none


@dataclass
class DayReport:
    slots: list[Row]
    """The breakout slots with a session open to book, in time order."""
    staff: list[StaffDay]
    """By school (the central team last), then by name."""

    @property
    def slot_ids(self) -> list[str]:
        return [slot.slot_id for slot in self.slots]

    def not_booked(self) -> list[StaffDay]:
        every = len(self.slots)
        return [s for s in self.staff if s.exempt is None and s.taken(self.slot_ids) < every]

    def exempt(self) -> list[StaffDay]:
        return [s for s in self.staff if s.exempt is not None]

    def by_school(self) -> list[SchoolFigures]:
        lines: dict[str, SchoolFigures] = {}
        for person in self.staff:
            line = lines.setdefault(person.school, SchoolFigures(person.school))
            count_in(line, person, self.slot_ids)
        return list(lines.values())

    def totals(self) -> SchoolFigures:
        total = SchoolFigures("All schools")
        for person in self.staff:
            count_in(total, person, self.slot_ids)
        return total


def count_in(line: SchoolFigures, person: StaffDay, slot_ids: list[str]) -> None:
    if person.lunch:
        line.lunches += 1
        if person.dietary.strip():
            line.dietary[person.dietary.strip().lower()] += 1
    if person.exempt is not None:
        line.exempt += 1
        return
    taken = person.taken(slot_ids)
    line.staff += 1
    line.booked += taken >= len(slot_ids)
    line.some += 0 < taken < len(slot_ids)
    line.none += taken == 0 < len(slot_ids)
    line.waiting += sum(len(sessions) for sessions in person.waiting.values())


def bookable_slots(engine: Engine, day_id: str) -> list[Row]:
    open_sessions = select(pd_sessions.c.slot_id).where(
        pd_sessions.c.day_id == day_id, pd_sessions.c.status == "open"
    )
    query = (
        select(pd_slots)
        .where(
            pd_slots.c.day_id == day_id,
            pd_slots.c.kind == "breakout",
            pd_slots.c.slot_id.in_(open_sessions),
        )
        .order_by(pd_slots.c.starts)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def staff_in(only: frozenset[str] | None) -> Any:
    """The trust's active people (of the schools in `only`; None: all), school by school."""
    school = func.coalesce(schools.c.name, CENTRAL).label("school")
    query = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.email,
            people.c.job_title,
            school,
            people.c.school_id,
        )
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .where(people.c.status == "active")
        .order_by(schools.c.name.is_(None), school, people.c.name)
    )
    return query if only is None else query.where(people.c.school_id.in_(only))


def day_report(engine: Engine, day_id: str, only: frozenset[str] | None) -> DayReport:
    """Where every person in scope stands on the day: a few queries, joined here."""
    places = select(
        pd_places.c.person_id, pd_places.c.slot_id, pd_places.c.session_id, pd_places.c.place
    ).where(pd_places.c.day_id == day_id, pd_places.c.place.in_(("seat", "waitlist")))
    attendees = select(pd_attendees).where(pd_attendees.c.day_id == day_id)
    with engine.connect() as connection:
        staff = {row.person_id: StaffDay(*row) for row in connection.execute(staff_in(only))}
        for row in connection.execute(places):
            if person := staff.get(row.person_id):
                if row.place == "seat":
                    person.seats[row.slot_id] = row.session_id
                else:
                    person.waiting.setdefault(row.slot_id, []).append(row.session_id)
        for row in connection.execute(attendees):
            if person := staff.get(row.person_id):
                person.lunch, person.dietary = row.attending, row.dietary
    for slot_id, leaders in leaders_by_slot(engine, day_id).items():
        for person in filter(None, map(staff.get, leaders)):
            person.leads.add(slot_id)
    for person_id, reason in exempt_people(engine, day_id).items():
        if person := staff.get(person_id):
            person.exempt = reason
    return DayReport(bookable_slots(engine, day_id), list(staff.values()))


def overview_stamp(engine: Engine, day_id: str) -> str:
    """Changes whenever the overview would: the day's version moves with every place, session
    and exemption; answers about coming (and lunch) are counted apart."""
    version = select(pd_days.c.version).where(pd_days.c.day_id == day_id).scalar_subquery()
    answers = select(
        func.count(), func.coalesce(func.sum(pd_attendees.c.sequence), 0), version
    ).where(pd_attendees.c.day_id == day_id)
    with engine.connect() as connection:
        count, changes, day_version = connection.execute(answers).one()
    return f"{day_version}.{count}.{changes}"


@dataclass(frozen=True)
class Waiting:
    position: int
    """1 for the first in the queue."""
    name: str
    school: str


def waitlists(engine: Engine, day_id: str, only: frozenset[str] | None) -> dict[str, list[Any]]:
    """Session id -> the people waiting, in queue order; those outside `only` keep their
    place in the queue but show no name (None)."""
    query = (
        select(
            pd_places.c.session_id,
            people.c.name,
            people.c.school_id,
            func.coalesce(schools.c.name, CENTRAL).label("school"),
        )
        .join(people, people.c.person_id == pd_places.c.person_id)
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .where(pd_places.c.day_id == day_id, pd_places.c.place == "waitlist")
        .order_by(pd_places.c.session_id, pd_places.c.queued_seq)
    )
    queues: dict[str, list[Any]] = defaultdict(list)
    with engine.connect() as connection:
        for row in connection.execute(query):
            queue = queues[row.session_id]
            shown = only is None or row.school_id in only
            queue.append(Waiting(len(queue) + 1, row.name, row.school) if shown else None)
    return queues


def promotions(
    engine: Engine, day_id: str, only: frozenset[str] | None, limit: int = 10
) -> list[Row]:
    """Who got a freed seat from a waitlist, newest first: name, school, session, when."""
    query = (
        select(
            people.c.name,
            func.coalesce(schools.c.name, CENTRAL).label("school"),
            pd_sessions.c.title,
            pd_places.c.changed_at,
        )
        .join(people, people.c.person_id == pd_places.c.person_id)
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .join(pd_sessions, pd_sessions.c.session_id == pd_places.c.session_id)
        .where(
            pd_places.c.day_id == day_id,
            pd_places.c.place == "seat",
            pd_places.c.reason == PROMOTED,
        )
        .order_by(pd_places.c.changed_at.desc(), people.c.name)
        .limit(limit)
    )
    if only is not None:
        query = query.where(people.c.school_id.in_(only))
    with engine.connect() as connection:
        return list(connection.execute(query))


def places_on(engine: Engine, day_id: str, only: frozenset[str] | None) -> list[Row]:
    """Every seat and waitlist place on the day, with the person, their school, the session
    and its slot: by school, name and time (the bookings export)."""
    school = func.coalesce(schools.c.name, CENTRAL).label("school")
    query = (
        select(
            school,
            people.c.name,
            people.c.email,
            people.c.job_title,
            pd_places.c.place,
            pd_slots.c.starts,
            pd_slots.c.ends,
            pd_sessions.c.title,
            pd_sessions.c.room,
        )
        .join(people, people.c.person_id == pd_places.c.person_id)
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .join(pd_sessions, pd_sessions.c.session_id == pd_places.c.session_id)
        .join(pd_slots, pd_slots.c.slot_id == pd_places.c.slot_id)
        .where(pd_places.c.day_id == day_id, pd_places.c.place.in_(("seat", "waitlist")))
        .order_by(schools.c.name.is_(None), school, people.c.name, pd_slots.c.starts)
    )
    if only is not None:
        query = query.where(people.c.school_id.in_(only))
    with engine.connect() as connection:
        return list(connection.execute(query))


def registers_of(engine: Engine, day_id: str, only: frozenset[str] | None) -> list[Row]:
    """Every session's register on the day: who holds a seat or was marked (walk-ins), with
    the mark so far; by time, session and name (the registers export)."""
    on_register = union(
        select(pd_places.c.session_id, pd_places.c.person_id).where(
            pd_places.c.day_id == day_id, pd_places.c.place == "seat"
        ),
        select(pd_marks.c.session_id, pd_marks.c.person_id).where(pd_marks.c.day_id == day_id),
    ).subquery()
    query = (
        select(
            pd_slots.c.starts,
            pd_slots.c.ends,
            pd_sessions.c.title,
            pd_sessions.c.room,
            pd_sessions.c.leader_name,
            people.c.name,
            func.coalesce(schools.c.name, CENTRAL).label("school"),
            people.c.job_title,
            pd_marks.c.mark,
            pd_marks.c.walk_in,
        )
        .select_from(on_register)
        .join(pd_sessions, pd_sessions.c.session_id == on_register.c.session_id)
        .join(pd_slots, pd_slots.c.slot_id == pd_sessions.c.slot_id)
        .join(people, people.c.person_id == on_register.c.person_id)
        .outerjoin(schools, schools.c.school_id == people.c.school_id)
        .outerjoin(
            pd_marks,
            and_(
                pd_marks.c.session_id == on_register.c.session_id,
                pd_marks.c.person_id == on_register.c.person_id,
            ),
        )
        .order_by(pd_slots.c.starts, pd_sessions.c.title, people.c.name)
    )
    if only is not None:
        query = query.where(people.c.school_id.in_(only))
    with engine.connect() as connection:
        return list(connection.execute(query))


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
