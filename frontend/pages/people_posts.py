"""A person's posts on their page (what they do: SENCO, maths lead...; the trust's networks
follow posts): given or taken away by who may (services/directory/access.py: the CPD
manager anyone's, a headteacher or school CPD lead their own school's people's)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Row

from frontend.answers import form_answer
from frontend.clients import posts as service
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.people import person_context, visible_person
from readmodels.directory.posts import person_posts
from services.directory.access import may_set_post
from services.directory.events import CENTRAL_POSTS, POSTS

people_posts = Blueprint("people_posts", __name__)


def post_choices(person: Row) -> dict[str, str]:
    """The posts `person` could take that the viewer may give and they do not hold."""
    held = set(person_posts(engine(), person.person_id))
    central = person.school_id is None
    return {
        post: label
        for post, label in POSTS.items()
        if (post in CENTRAL_POSTS) == central
        and post not in held
        and may_set_post(g.identity, post, person.school_id)
    }


@people_posts.app_template_global()
def posts_context(person: Row) -> dict[str, Any]:
    """What the person page's Posts section needs: each post held (name, label, whether the
    viewer may take it away) and the posts the viewer may give."""
    active = person.status == "active"
    held = person_posts(engine(), person.person_id)
    return {
        "held_posts": [
            (post, POSTS[post], active and may_set_post(g.identity, post, person.school_id))
            for post in held
        ],
        "post_choices": post_choices(person) if active else {},
    }


@people_posts.post("/people/<person_id>/posts")
def take(person_id: str) -> ResponseReturnValue:
    person = visible_person(person_id)
    post = request.form.get("post", "")
    if post not in POSTS:
        return answer(person, "Choose a post from the list.", 422)
    if not may_set_post(g.identity, post, person.school_id):
        abort(403, "You set your own school's people's posts only.")

    def command() -> str:
        service.take_post(person_id, post, request.form.get("key"))
        return f"{person.name} is {POSTS[post]} now."

    return answer(person, *attempt(command))


@people_posts.post("/people/<person_id>/posts/<post>/remove")
def leave(person_id: str, post: str) -> ResponseReturnValue:
    person = visible_person(person_id)
    if post not in person_posts(engine(), person_id):
        abort(404, "They do not hold that post.")
    if not may_set_post(g.identity, post, person.school_id):
        abort(403, "You set your own school's people's posts only.")

    def command() -> str:
        service.leave_post(person_id, post, request.form.get("key"))
        return f"{person.name} is no longer {POSTS[post]}."

    return answer(person, *attempt(command))


def answer(person: Row, message: str | None, status: int) -> ResponseReturnValue:
    said = {"text": message, "error": status != 200, "at": "posts"}
    back = url_for("people.person_page", person_id=person.person_id, _anchor="posts")

    def page() -> str:
        return render_template("people_person.html", **person_context(person, said=said))

    return form_answer(status, back, page, page)
