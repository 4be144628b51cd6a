"""Posts: what a person does (headteacher, SENCO, maths lead...), which the trust's networks
follow. Decided on the directory's one aggregate with the people, so a post is always held
at the holder's own school (or centrally, by the central team).

One person may hold several posts, and a school's post may have several holders (two
SENCOs job-sharing). A person who leaves, or moves school, leaves the posts they held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from events import CommandRejected, Event
from services.directory.events import CENTRAL_POSTS, POSTS

HeldPost = tuple[str, str, str | None]
"""(person_id, post, school_id or None for a central post)."""


@dataclass(frozen=True)
class TakePost:
    person_id: str
    post: str
    scope: frozenset[str] | None = None
    """The schools whose staff the one acting keeps; None: the whole trust."""


@dataclass(frozen=True)
class LeavePost:
    person_id: str
    post: str
    scope: frozenset[str] | None = None


def decide_post(
    command: TakePost | LeavePost,
    school_id: str | None,
    active: bool,
    held: frozenset[HeldPost],
) -> list[Event]:
    """The post's event, for a person of `school_id` (None: the central team)."""
    post = command.post
    if post not in POSTS:
        raise CommandRejected("unknown_post", f"There is no post {post!r}.", 422)
    if command.scope is not None and school_id not in command.scope:
        raise CommandRejected("not_your_school", "You keep your own school's staff only.", 403)
    data = {"person_id": command.person_id, "post": post, "school_id": school_id}
    holds = (command.person_id, post, school_id) in held
    if isinstance(command, LeavePost):
        if not holds:
            raise CommandRejected("post_not_held", f"They are not a {POSTS[post]}.")
        return [Event("PostLeft", data)]
    if not active:
        raise CommandRejected("person_left", "That person has left the trust.")
    if post in CENTRAL_POSTS and school_id is not None:
        raise CommandRejected(
            "post_is_central", f"{POSTS[post]} is a central team post: they are at a school.", 422
        )
    if post not in CENTRAL_POSTS and school_id is None:
        raise CommandRejected(
            "post_needs_school",
            f"{POSTS[post]} is a post at a school: they are in the central team.",
            422,
        )
    return [] if holds else [Event("PostTaken", data)]


def left_on_move(person_id: str, new_school: str | None, held: frozenset[HeldPost]) -> list[Event]:
    """A person moving school leaves the posts they held at the old one."""
    return [
        Event("PostLeft", {"person_id": who, "post": post, "school_id": school})
        for who, post, school in sorted(held, key=str)
        if who == person_id and school != new_school
    ]


def without_person(held: frozenset[HeldPost], person_id: str) -> frozenset[HeldPost]:
    return frozenset(p for p in held if p[0] != person_id)


def evolved(
    held: frozenset[HeldPost], event_type: str, data: Mapping[str, Any]
) -> frozenset[HeldPost]:
    """The posts held after a PostTaken or PostLeft."""
    post = (data["person_id"], data["post"], data["school_id"])
    return held | {post} if event_type == "PostTaken" else held - {post}
