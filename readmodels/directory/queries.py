"""Questions asked of the directory's read side: people by email, sign-in identity or OpenID
link (the gateway), staff searches (the staff page), feed tokens (calendar feeds), and
anyone in the trust by name, school, role or subject (the people pages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, func, literal, or_, select

from events.identity import ROLES, Identity, Role
from readmodels.directory.tables import feed_tokens, identity_links, people, role_grants, schools


def school_choices(engine: Engine, readable: frozenset[str] | None) -> list[tuple[str, str]]:
    """(id, name) of each school the person may look at; the central team for the trust."""
    query = select(schools.c.school_id, schools.c.name).order_by(schools.c.name)
    if readable is not None:
        query = query.where(schools.c.school_id.in_(readable))
    with engine.connect() as connection:
        choices = [(row.school_id, row.name) for row in connection.execute(query)]
    return [*choices, (CENTRAL, "Central team")] if readable is None else choices


CENTRAL = "central"
"""How the school filter names the central team, who belong to no school."""


def search_staff(
    engine: Engine, school_id: str, text: str, include_left: bool = False, limit: int = 300
) -> Sequence[Row]:
    """Staff of one school (None: the central team) whose name, email or job title match."""
    query = select(people).order_by(people.c.name).limit(limit)
    in_school = people.c.school_id
    query = query.where(in_school.is_(None) if school_id == CENTRAL else in_school == school_id)
    if not include_left:
        query = query.where(people.c.status == "active")
    for word in text.split():
        searched = (people.c.name, people.c.email_key, people.c.job_title)
        query = query.where(or_(*(_contains(column, word) for column in searched)))
    with engine.connect() as connection:
        return connection.execute(query).all()


def roles_of(engine: Engine, person_ids: Sequence[str]) -> dict[str, list[str]]:
    """The labels of the roles each person holds."""
    query = select(role_grants).where(role_grants.c.person_id.in_(person_ids))
    held: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for grant in connection.execute(query):
            held.setdefault(grant.person_id, []).append(ROLES.get(grant.role, grant.role))
    return held


def person_with_email(engine: Engine, email: str) -> Row | None:
    """The person (id and name) with this work email, in any case, if there is one."""
    query = select(people.c.person_id, people.c.name)
    query = query.where(people.c.email_key == email.strip().lower())
    with engine.connect() as connection:
        return connection.execute(query).first()


def feed_token_of(engine: Engine, person_id: str) -> str | None:
    """The person's current calendar feed secret; None until they ask for one."""
    query = select(feed_tokens.c.token).where(feed_tokens.c.person_id == person_id)
    with engine.connect() as connection:
        return connection.scalar(query)


def feed_token_holder(engine: Engine, token: str) -> Row | None:
    """The active person (id and name) whose current feed secret this is."""
    query = (
        select(people.c.person_id, people.c.name)
        .join(feed_tokens, feed_tokens.c.person_id == people.c.person_id)
        .where(feed_tokens.c.token == token, people.c.status == "active")
    )
    with engine.connect() as connection:
        return connection.execute(query).first()


# The gateway: who signs in, and as whom.
ACTIVE_BY_EMAIL = select(people).where(
    people.c.email_key == func.lower(bindparam("email")), people.c.status == "active"
)
ACTIVE_BY_ID = select(people).where(
    people.c.person_id == bindparam("person_id"), people.c.status == "active"
)
ROLES_OF = select(role_grants.c.role, role_grants.c.school_id).where(
    role_grants.c.person_id == bindparam("person_id")
)
LINKED = select(identity_links.c.person_id).where(
    identity_links.c.issuer == bindparam("issuer"), identity_links.c.subject == bindparam("subject")
)


def find_by_email(engine: Engine, email: str) -> str | None:
    """The id of the active person with this work email (any case), if there is one."""
    with engine.connect() as connection:
        row = connection.execute(ACTIVE_BY_EMAIL, {"email": email.strip()}).first()
    return row.person_id if row else None


def identity_of(engine: Engine, person_id: str, csrf_token: str) -> Identity | None:
    """The person as services see them, or None if they are unknown or have left."""
    with engine.connect() as connection:
        person = connection.execute(ACTIVE_BY_ID, {"person_id": person_id}).first()
        return None if person is None else identity_with_roles(connection, person, csrf_token)


def linked_person(engine: Engine, issuer: str, subject: str) -> str | None:
    """The person an OpenID Connect identity was linked to on its first sign-in."""
    with engine.connect() as connection:
        return connection.scalar(LINKED, {"issuer": issuer, "subject": subject})


def is_linked_for(engine: Engine, issuer: str, person_id: str) -> bool:
    """Whether the person already signs in with another identity of this issuer."""
    query = select(identity_links.c.subject).where(
        identity_links.c.issuer == issuer, identity_links.c.person_id == person_id
    )
    with engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def identity_with_roles(connection: Connection, person: Row, csrf_token: str) -> Identity:
    """A person's row with the roles they hold, as services see them."""
    grants = connection.execute(ROLES_OF, {"person_id": person.person_id}).all()
    return Identity(
        person_id=person.person_id,
        name=person.name,
        email=person.email,
        school_id=person.school_id,
        roles=frozenset(Role(grant.role, grant.school_id or None) for grant in grants),
        csrf_token=csrf_token,
    )


@dataclass(frozen=True)
class DemoPerson:
    person_id: str
    name: str
    job_title: str
    school: str
    roles: str


DEMO_ROLE_ORDER = ("cpd_manager", "ceo", "trust_admin", "headteacher", "school_cpd_lead")


def demo_people(engine: Engine, per_role: int = 3, teachers: int = 6) -> Sequence[DemoPerson]:
    """People worth signing in as in a demo: a few of each role, then some teachers."""
    chosen: dict[str, DemoPerson] = {}
    with engine.connect() as connection:
        for role in (*DEMO_ROLE_ORDER, "session_leader", "network_lead"):
            for row in _with_role(connection, role, per_role):
                chosen.setdefault(row.person_id, _demo(row, role))
        for row in _without_roles(connection, teachers):
            chosen.setdefault(row.person_id, _demo(row, "staff"))
    return list(chosen.values())


def _people_with_school():
    return (
        select(
            people.c.person_id, people.c.name, people.c.job_title, schools.c.name.label("school")
        )
        .select_from(people.outerjoin(schools, schools.c.school_id == people.c.school_id))
        .where(people.c.status == "active")
        .order_by(people.c.name)
    )


def _with_role(connection, role: str, limit: int) -> Sequence[Row]:
    holders = select(role_grants.c.person_id).where(role_grants.c.role == role)
    query = _people_with_school().where(people.c.person_id.in_(holders)).limit(limit)
    return connection.execute(query).all()


def _without_roles(connection, limit: int) -> Sequence[Row]:
    holders = select(role_grants.c.person_id)
    query = (
        _people_with_school()
        .where(people.c.person_id.not_in(holders), people.c.category == "teaching")
        .limit(limit)
    )
    return connection.execute(query).all()


def _demo(row: Row, role: str) -> DemoPerson:
    return DemoPerson(
        row.person_id,
        row.name,
        row.job_title or "",
        row.school or "Central team",
        ROLES[role] if role != "staff" else "Teacher",
    )


# Find anyone (the people pages): the trust's people by name, school, role or subject.
CENTRAL_TEAM = "Central team"
"""How a person of no school is shown, and found by their school's name."""


@dataclass(frozen=True)
class PeopleQuery:
    """Every word of `text` in a person's name, email, job, subjects or school; and, when
    given, their school (CENTRAL: the central team), role, staff group and subject."""

    text: str = ""
    school_id: str = ""
    role: str = ""
    category: str = ""
    subject: str = ""
    include_left: bool = False


@dataclass(frozen=True)
class FoundPeople:
    people: Sequence[Row]
    total: int
    """How many match, on every page."""


def _school_name() -> Any:
    return func.coalesce(schools.c.name, CENTRAL_TEAM)


def _contains(column: Any, word: str) -> Any:
    """`column` holds `word` (in any case): LIKE's wildcards in it (% and _) and the escape
    character are escaped, so they match only themselves. Every search's LIKE is this one."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _matching(wanted: PeopleQuery, readable: frozenset[str] | None) -> list[Any]:
    """The conditions a person must meet: within the schools the reader may see, and
    matching what they asked for."""
    school = people.c.school_id
    where: list[Any] = [] if readable is None else [school.in_(readable)]
    if wanted.school_id:
        where.append(
            school.is_(None) if wanted.school_id == CENTRAL else school == wanted.school_id
        )
    if not wanted.include_left:
        where.append(people.c.status == "active")
    if wanted.role:
        holders = select(role_grants.c.person_id).where(role_grants.c.role == wanted.role)
        where.append(people.c.person_id.in_(holders))
    if wanted.category:
        where.append(people.c.category == wanted.category)
    if wanted.subject:
        listed = literal("; ") + people.c.subjects + literal("; ")
        where.append(_contains(listed, f"; {wanted.subject}; "))
    searched = (people.c.name, people.c.email_key, people.c.job_title, people.c.subjects)
    for word in wanted.text.split():
        where.append(or_(*(_contains(c, word) for c in searched), _contains(_school_name(), word)))
    return where


def search_people(
    engine: Engine,
    wanted: PeopleQuery,
    readable: frozenset[str] | None,
    page: int = 1,
    per_page: int = 25,
) -> FoundPeople:
    """One page of the people who match, by name, and how many match in all. `readable`:
    the schools whose people the reader may see (None: everyone, the central team too)."""
    joined = people.outerjoin(schools, schools.c.school_id == people.c.school_id)
    where = _matching(wanted, readable)
    shown = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.job_title,
            people.c.subjects,
            people.c.status,
            _school_name().label("school"),
        )
        .select_from(joined)
        .where(*where)
        .order_by(people.c.name, people.c.person_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    counted = select(func.count()).select_from(joined).where(*where)
    with engine.connect() as connection:
        return FoundPeople(connection.execute(shown).all(), connection.scalar(counted) or 0)


def subject_choices(engine: Engine, readable: frozenset[str] | None) -> list[str]:
    """Every subject taught by someone the reader may see, in order."""
    query = select(people.c.subjects).distinct().where(people.c.status == "active")
    if readable is not None:
        query = query.where(people.c.school_id.in_(readable))
    with engine.connect() as connection:
        listed = connection.scalars(query).all()
    return sorted({subject for line in listed for subject in line.split("; ") if subject})


def person_card(engine: Engine, person_id: str) -> Row | None:
    """A person with their school's name (the central team's, if none), active or left."""
    query = (
        select(people, _school_name().label("school"))
        .select_from(people.outerjoin(schools, schools.c.school_id == people.c.school_id))
        .where(people.c.person_id == person_id)
    )
    with engine.connect() as connection:
        return connection.execute(query).first()
