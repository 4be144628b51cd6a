"""Who holds which post (what people do: services/directory/events.py POSTS), for the people
pages and the networks whose members follow posts. Leavers hold none (their posts are
dropped when they leave)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, Row, select

from readmodels.directory.tables import directory_posts, people, schools
from services.directory.events import POSTS


def posts_of(engine: Engine, person_ids: Sequence[str]) -> dict[str, list[str]]:
    """The labels of the posts each person holds, in the vocabulary's order."""
    query = select(directory_posts).where(directory_posts.c.person_id.in_(person_ids))
    order = list(POSTS)
    held: dict[str, list[str]] = {}
    with engine.connect() as connection:
        rows = sorted(connection.execute(query), key=lambda r: order.index(r.post))
    for row in rows:
        held.setdefault(row.person_id, []).append(POSTS.get(row.post, row.post))
    return held


def person_posts(engine: Engine, person_id: str) -> list[str]:
    """The names (not labels) of the posts one person holds, in the vocabulary's order."""
    query = select(directory_posts.c.post).where(directory_posts.c.person_id == person_id)
    with engine.connect() as connection:
        held = set(connection.scalars(query))
    return [post for post in POSTS if post in held]


def holders_of(
    engine: Engine, posts: Iterable[str], school_ids: Iterable[str] | None = None
) -> Sequence[Row]:
    """Everyone holding any of `posts` (at any school, or only at `school_ids`): rows of
    person_id, name, post, school_id (None: central) and school (its name, or None), by
    school and name."""
    query = (
        select(
            directory_posts.c.person_id,
            people.c.name,
            directory_posts.c.post,
            directory_posts.c.school_id,
            schools.c.name.label("school"),
        )
        .select_from(
            directory_posts.join(
                people, people.c.person_id == directory_posts.c.person_id
            ).outerjoin(schools, schools.c.school_id == directory_posts.c.school_id)
        )
        .where(directory_posts.c.post.in_(list(posts)), people.c.status == "active")
        .order_by(schools.c.name, people.c.name, directory_posts.c.post)
    )
    if school_ids is not None:
        query = query.where(directory_posts.c.school_id.in_(list(school_ids)))
    with engine.connect() as connection:
        return connection.execute(query).all()
