"""The gateway's sign-ins (server-side sessions), kept so that they can be ended.

The session cookie names a sign-in; the person and their roles are read with it in one
statement, and each gateway worker remembers them for a moment (gateway/identities.py), so
a role revoked or a person who has left takes effect within that moment.

`sign_ins` is the gateway's own table: no projection fills it and a rebuild leaves it
alone. It is declared here, with the read models, because it lives in their database,
is made by their migrations and joins their `people`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    Engine,
    String,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from events.db import UtcDateTime, writing
from events.identity import Identity, Role
from readmodels import metadata
from readmodels.directory.tables import people, role_grants

SESSION_LIFETIME = timedelta(hours=12)
"""From signing in, however busy the session: then sign in again."""

# A sign-in (server-side session): the cookie names it; sign-out or a leaver revokes it.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

ACTIVE_BY_SIGN_IN = (
    select(
        people.c.person_id,
        people.c.name,
        people.c.email,
        people.c.school_id,
        role_grants.c.role,
        role_grants.c.school_id.label("role_school_id"),
    )
    .select_from(
        sign_ins.join(people, sign_ins.c.person_id == people.c.person_id).outerjoin(
            role_grants, role_grants.c.person_id == people.c.person_id
        )
    )
    .where(
        sign_ins.c.session_id == bindparam("session_id"),
        sign_ins.c.revoked_at.is_(None),
        sign_ins.c.created_at > bindparam("since"),
        people.c.status == "active",
    )
)
"""The person of an open sign-in with each role they hold, in one statement: a row a role
(one with no role when they hold none). Two statements were most of the gateway's reading."""
REVOKE = (
    update(sign_ins)
    .where(sign_ins.c.session_id == bindparam("sid"), sign_ins.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)


def identity_of_sign_in(engine: Engine, session_id: str, csrf_token: str) -> Identity | None:
    """The person of a sign-in that is still open (not revoked, not older than its
    lifetime) and still active in the trust; None otherwise."""
    since = datetime.now(UTC) - SESSION_LIFETIME
    with engine.connect() as connection:
        rows = connection.execute(
            ACTIVE_BY_SIGN_IN, {"session_id": session_id, "since": since}
        ).all()
    if not rows:
        return None
    person = rows[0]
    return Identity(
        person_id=person.person_id,
        name=person.name,
        email=person.email,
        school_id=person.school_id,
        roles=frozenset(Role(row.role, row.role_school_id or None) for row in rows if row.role),
        csrf_token=csrf_token,
    )


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
