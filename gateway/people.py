"""Who may come in: people and their roles, read from the directory's read model, and
each sign-in, kept on the server so that it can be ended.

The session cookie names a sign-in; the person and their roles are read with it on every
request, so a role revoked or a person who has left takes effect at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from events.db import writing
from events.identity import Identity, Role
from frontend.readmodels import identity_links, people, role_grants, schools, sign_ins

SESSION_LIFETIME = timedelta(hours=12)
"""From signing in, however busy the session: then sign in again."""

ACTIVE_BY_EMAIL = select(people).where(
    people.c.email_key == func.lower(bindparam("email")), people.c.status == "active"
)
ACTIVE_BY_ID = select(people).where(
    people.c.person_id == bindparam("person_id"), people.c.status == "active"
)
ROLES_OF = select(role_grants.c.role, role_grants.c.school_id).where(
    role_grants.c.person_id == bindparam("person_id")
)
ACTIVE_BY_SIGN_IN = (
    select(people)
    .join(sign_ins, sign_ins.c.person_id == people.c.person_id)
    .where(
        sign_ins.c.session_id == bindparam("session_id"),
        sign_ins.c.revoked_at.is_(None),
        sign_ins.c.created_at > bindparam("since"),
        people.c.status == "active",
    )
)
REVOKE = (
    update(sign_ins)
    .where(sign_ins.c.session_id == bindparam("sid"), sign_ins.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
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
        return None if person is None else _identity(connection, person, csrf_token)


def identity_of_sign_in(engine: Engine, session_id: str, csrf_token: str) -> Identity | None:
    """The person of a sign-in that is still open (not revoked, not older than its
    lifetime) and still active in the trust; None otherwise."""
    since = datetime.now(UTC) - SESSION_LIFETIME
    with engine.connect() as connection:
        person = connection.execute(
            ACTIVE_BY_SIGN_IN, {"session_id": session_id, "since": since}
        ).first()
        return None if person is None else _identity(connection, person, csrf_token)


def open_sign_in(engine: Engine, person_id: str) -> str:
    """A new sign-in for the person: its id, for the session cookie. Their sign-ins past
    their lifetime are forgotten, so the table holds about one row a person."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = {"session_id": session_id, "person_id": person_id, "created_at": now}
    ended = sign_ins.c.person_id == person_id, sign_ins.c.created_at < now - SESSION_LIFETIME
    with writing(engine).begin() as connection:
        connection.execute(delete(sign_ins).where(*ended))
        connection.execute(insert(sign_ins), row)
    return session_id


def revoke_sign_in(engine: Engine, session_id: str) -> None:
    with writing(engine).begin() as connection:
        connection.execute(REVOKE, {"sid": session_id, "now": datetime.now(UTC)})


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


def _identity(connection: Connection, person: Row, csrf_token: str) -> Identity:
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
        role.replace("_", " ").capitalize() if role != "staff" else "Teacher",
    )
