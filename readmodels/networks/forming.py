"""What the network pages' forms ask of the directory: who may be chosen to facilitate a
network, and the people a network names, by their work email (the form's way to name them).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select

from readmodels.directory.tables import directory_posts, people, role_grants

FACILITATING_POSTS = ("school_improvement_lead", "ceo")
FACILITATING_ROLES = ("network_lead", "ceo")


@dataclass(frozen=True)
class Choice:
    person_id: str
    name: str
    email: str
    job_title: str


def facilitator_choices(engine: Engine, also: Collection[str] = ()) -> list[Choice]:
    """The people who facilitate networks: the school improvement leads and the CEO (by
    post or role), and whoever the network has now (`also`), by name."""
    posted = select(directory_posts.c.person_id).where(
        directory_posts.c.post.in_(FACILITATING_POSTS)
    )
    granted = select(role_grants.c.person_id).where(role_grants.c.role.in_(FACILITATING_ROLES))
    query = (
        select(people.c.person_id, people.c.name, people.c.email, people.c.job_title)
        .where(people.c.status == "active")
        .where(
            or_(
                people.c.person_id.in_(posted),
                people.c.person_id.in_(granted),
                people.c.person_id.in_(list(also)),
            )
        )
        .order_by(people.c.name)
    )
    with engine.connect() as connection:
        return [Choice(*row) for row in connection.execute(query)]


def emails_of(engine: Engine, person_ids: Collection[str]) -> dict[str, str]:
    """Person id -> work email, for the ids the directory knows."""
    if not person_ids:
        return {}
    query = select(people.c.person_id, people.c.email).where(
        people.c.person_id.in_(list(person_ids))
    )
    with engine.connect() as connection:
        return {row.person_id: row.email for row in connection.execute(query)}
