"""The directory's projection: schools, people, their roles, feed tokens and identity links.

A projection is handed the event types it handles that this process knows, so it imports
its service's `events` module (which registers its types); the projector refuses to start
with a handler for a type nobody registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, update

import services.directory.events  # noqa: F401  (registers the directory's event types)
from events.envelope import RecordedEvent
from events.projection import Projection
from readmodels.directory.tables import (
    directory_posts,
    feed_tokens,
    identity_links,
    people,
    role_grants,
    schools,
)

# The directory. Its events carry whole records, so each is an upsert by key.
SCHOOL_FIELDS = ("name", "phase", "urn", "town")
PERSON_FIELDS = ("name", "email", "school_id", "category", "job_title")
DELETE_SCHOOL = delete(schools).where(schools.c.school_id == bindparam("key"))
DELETE_PERSON = delete(people).where(people.c.person_id == bindparam("key"))
LEFT = update(people).where(people.c.person_id == bindparam("key")).values(status="left")
DELETE_GRANT = delete(role_grants).where(
    role_grants.c.person_id == bindparam("key"),
    role_grants.c.role == bindparam("role_name"),
    role_grants.c.school_id == bindparam("school"),
)


def put_school(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(DELETE_SCHOOL, {"key": data["school_id"]})
    row = {"school_id": data["school_id"], **{f: data[f] for f in SCHOOL_FIELDS}}
    connection.execute(insert(schools), row)


def person_row(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **{f: data[f] for f in PERSON_FIELDS},
        "email_key": data["email"].lower(),
        "subjects": "; ".join(data["subjects"]),
    }


def put_person(connection: Connection, event: RecordedEvent) -> None:
    """A joiner, or a leaver back: active."""
    person_id = event.data["person_id"]
    connection.execute(DELETE_PERSON, {"key": person_id})
    row = {"person_id": person_id, **person_row(event.data), "status": "active"}
    connection.execute(insert(people), row)


def update_person(connection: Connection, event: RecordedEvent) -> None:
    """A changed record: a leaver stays a leaver."""
    person_id = event.data["person_id"]
    connection.execute(
        update(people).where(people.c.person_id == person_id).values(**person_row(event.data))
    )


def person_left(connection: Connection, event: RecordedEvent) -> None:
    """A leaver keeps their record (and CPD) but leaves every post they held."""
    connection.execute(LEFT, {"key": event.data["person_id"]})
    connection.execute(DELETE_POSTS, {"key": event.data["person_id"]})


# Posts: a person holds each post at one school at most (their own), or centrally.
DELETE_POSTS = delete(directory_posts).where(directory_posts.c.person_id == bindparam("key"))
DELETE_POST = delete(directory_posts).where(
    directory_posts.c.person_id == bindparam("key"),
    directory_posts.c.post == bindparam("post_name"),
)


def post_taken(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(DELETE_POST, {"key": data["person_id"], "post_name": data["post"]})
    row = {"person_id": data["person_id"], "post": data["post"], "school_id": data["school_id"]}
    connection.execute(insert(directory_posts), row)


def post_left(connection: Connection, event: RecordedEvent) -> None:
    connection.execute(
        DELETE_POST, {"key": event.data["person_id"], "post_name": event.data["post"]}
    )


def role_granted(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    row = {
        "person_id": data["person_id"],
        "role": data["role"],
        "school_id": data["school_id"] or "",
    }
    connection.execute(insert(role_grants), row)


def role_revoked(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    grant = {"key": data["person_id"], "role_name": data["role"], "school": data["school_id"] or ""}
    connection.execute(DELETE_GRANT, grant)


DELETE_FEED_TOKEN = delete(feed_tokens).where(feed_tokens.c.person_id == bindparam("key"))


def feed_token_issued(connection: Connection, event: RecordedEvent) -> None:
    """The new secret replaces the old one, which stops working at once."""
    person_id = event.data["person_id"]
    connection.execute(DELETE_FEED_TOKEN, {"key": person_id})
    row = {"person_id": person_id, "token": event.data["token"], "issued_at": event.occurred_at}
    connection.execute(insert(feed_tokens), row)


def identity_linked(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    link = {"issuer": data["issuer"], "subject": data["subject"], "person_id": data["person_id"]}
    connection.execute(insert(identity_links), {**link, "linked_at": event.occurred_at})


directory = Projection(
    name="directory",
    tables=[schools, people, role_grants, feed_tokens, identity_links, directory_posts],
    handlers={
        "SchoolAdded": put_school,
        "SchoolUpdated": put_school,
        "PersonJoined": put_person,
        "PersonUpdated": update_person,
        "PersonRejoined": put_person,
        "PersonLeft": person_left,
        "RoleGranted": role_granted,
        "RoleRevoked": role_revoked,
        "FeedTokenIssued": feed_token_issued,
        "IdentityLinked": identity_linked,
        "PostTaken": post_taken,
        "PostLeft": post_left,
    },
)
