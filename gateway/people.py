"""Who may come in: people and their roles, read from the directory's read model.

The session holds only a person's id; their roles are read on every request, so a role
revoked or a person who has left takes effect at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, Row, bindparam, func, select

from events.identity import Identity, Role
from frontend.readmodels import people, role_grants, schools

ACTIVE_BY_EMAIL = select(people).where(
    people.c.email_key == func.lower(bindparam("email")), people.c.status == "active"
)
ACTIVE_BY_ID = select(people).where(
    people.c.person_id == bindparam("person_id"), people.c.status == "active"
)
ROLES_OF = select(role_grants.c.role, role_grants.c.school_id).where(
    role_grants.c.person_id == bindparam("person_id")
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
        if person is None:
            return None
        grants = connection.execute(ROLES_OF, {"person_id": person_id}).all()
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
        role.replace("_", " ").capitalize() if role != "staff" else "Teacher",
    )
