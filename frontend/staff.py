"""The staff directory as people see it: who may see which school's staff, and the search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, Row, func, or_, select

from events.identity import Identity
from frontend.readmodels import people, role_grants, schools

TRUST_WIDE_READERS = ("cpd_manager", "ceo", "trust_admin")
SCHOOL_READERS = ("headteacher", "school_cpd_lead")


def readable_schools(identity: Identity) -> frozenset[str] | None:
    """The schools whose staff this person may see: None for every school."""
    if identity.holds(*TRUST_WIDE_READERS):
        return None
    return identity.schools_where(*SCHOOL_READERS)


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
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(people.c.name).like(pattern),
                people.c.email_key.like(pattern),
                func.lower(people.c.job_title).like(pattern),
            )
        )
    with engine.connect() as connection:
        return connection.execute(query).all()


def roles_of(engine: Engine, person_ids: Sequence[str]) -> dict[str, list[str]]:
    query = select(role_grants).where(role_grants.c.person_id.in_(person_ids))
    held: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for grant in connection.execute(query):
            held.setdefault(grant.person_id, []).append(grant.role.replace("_", " "))
    return held


def person_with_email(engine: Engine, email: str) -> Row | None:
    """The person (id and name) with this work email, in any case, if there is one."""
    query = select(people.c.person_id, people.c.name)
    query = query.where(people.c.email_key == email.strip().lower())
    with engine.connect() as connection:
        return connection.execute(query).first()
