"""The directory's HTTP API: commands in, facts appended; who may do what, decided here."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import NotFound

from events.identity import (
    SCHOOL_LEADERS,
    SIGN_IN_HEADER,
    SignInProof,
    sees_staff,
    staff_visible_to,
)
from events.made_ids import made_id
from events.openapi import Blueprint
from events.service import Accepted, Commands, accepted, identity, problem, require
from services.directory import domain
from services.directory.access import may_set_post, post_scope
from services.directory.domain import (
    Directory,
    DirectoryDecider,
    FeedKeyDecider,
    Person,
    School,
    Scope,
)
from services.directory.events import TRUST_SUBJECT, feed_subject
from services.directory.importing import TOO_MANY, check_file, too_many_rows
from services.directory.posts import LeavePost, TakePost
from services.directory.schemas import (
    IdentityIn,
    ImportFile,
    ImportIn,
    PeopleQuery,
    PersonIn,
    PersonOut,
    RoleIn,
    RoleQuery,
    SchoolIn,
    SchoolOut,
)

blp = Blueprint("directory", __name__, description="Schools, people and their roles.")
commands = Commands(DirectoryDecider())
feed_keys = Commands(FeedKeyDecider())


def subject() -> str:
    return commands.subject(*TRUST_SUBJECT)


def directory() -> Directory:
    return commands.state(subject())


def may_keep_staff_of(school_id: str | None) -> bool:
    """Trust admins keep everyone's record; a headteacher or school CPD lead their school's."""
    me = identity()
    return me.holds("trust_admin") or school_id in me.schools_where(*SCHOOL_LEADERS)


def keeper_scope() -> Scope:
    """The schools whose staff I keep: None for a trust admin (the whole trust)."""
    me = identity()
    return None if me.holds("trust_admin") else me.schools_where(*SCHOOL_LEADERS)


def may_grant(role: str, school_id: str | None, person: Person) -> bool:
    """Trust admins and the CEO grant any role; a headteacher appoints their own school's
    people as its CPD lead or as session leaders."""
    me = identity()
    if me.holds("trust_admin", "ceo"):
        return True
    if role == "school_cpd_lead":
        return me.holds_for_school("headteacher", school_id) and person.school_id == school_id
    if role == "session_leader":
        return me.holds_for_school("headteacher", person.school_id)
    return False


def granter_scope() -> Scope:
    me = identity()
    return None if me.holds("trust_admin", "ceo") else me.schools_where("headteacher")


def person_out(state: Directory, person: Person) -> dict[str, Any]:
    roles = [
        {"role": role, "school_id": school}
        for (holder, role, school) in sorted(state.roles, key=str)
        if holder == person.person_id
    ]
    posts = [
        {"post": post, "school_id": school}
        for (holder, post, school) in sorted(state.posts, key=str)
        if holder == person.person_id
    ]
    status = "left" if person.person_id in state.left else "active"
    return {**asdict(person), "status": status, "roles": roles, "posts": posts}


@blp.get("/schools")
@blp.response(200, SchoolOut(many=True))
def list_schools() -> list[School]:
    """Every school of the trust."""
    return sorted(directory().schools.values(), key=lambda school: school.name)


@blp.post("/schools")
@blp.arguments(SchoolIn)
@blp.response(201, Accepted)
def add_school(school: dict) -> Response:
    """Add a school (trust admins)."""
    require(identity().holds("trust_admin"))
    school_id = made_id("school")
    outcome = commands.execute(subject(), domain.AddSchool(School(school_id=school_id, **school)))
    return accepted(outcome, 201, id=school_id)


@blp.put("/schools/<school_id>")
@blp.arguments(SchoolIn)
@blp.response(200, Accepted)
def update_school(school: dict, school_id: str) -> Response:
    """Change a school's record (trust admins)."""
    require(identity().holds("trust_admin"))
    command = domain.UpdateSchool(School(school_id=school_id, **school))
    return accepted(commands.execute(subject(), command), id=school_id)


@blp.get("/people")
@blp.arguments(PeopleQuery, location="query")
@blp.response(200, PersonOut(many=True))
def list_people(query: dict) -> list[dict]:
    """Staff: the trust sees everyone; a headteacher or school CPD lead their own school."""
    me, state = identity(), directory()
    visible = staff_visible_to(me)
    require(sees_staff(me), "Only the trust and school leaders see the staff directory.")
    wanted = query.get("school")
    school_of = None if wanted == "central" else wanted
    if wanted is not None:
        require(visible is None or school_of in visible, "You see your own school's staff only.")
    return [
        person_out(state, person)
        for person in sorted(state.people.values(), key=lambda p: p.name)
        if (wanted is None or person.school_id == school_of)
        and (visible is None or person.school_id in visible)
    ]


@blp.get("/me")
@blp.response(200, PersonOut)
def me() -> dict:
    """The signed-in person's own record."""
    state = directory()
    person = state.people.get(identity().person_id)
    if person is None:
        raise NotFound("You are not in the directory.")
    return person_out(state, person)


@blp.post("/me/feed-token")
@blp.response(201, Accepted)
def new_feed_token() -> Response:
    """A new secret for my calendar feed's address (192 random bits); the old one stops
    working as soon as the frontend has read this."""
    me = identity().person_id
    command = domain.IssueFeedToken(me, secrets.token_urlsafe(24))
    return accepted(feed_keys.execute(feed_keys.subject(*feed_subject(me)), command), 201)


@blp.post("/me/identity")
@blp.arguments(IdentityIn)
@blp.response(200, Accepted)
def link_identity(link: dict) -> Response:
    """Link an OpenID Connect identity (issuer and subject) to me. Only the gateway does
    this, on my first sign-in with it, and proves it in the `X-Staffroom-Sign-In` header."""
    me = identity().person_id
    proof = SignInProof(current_app.extensions["settings"].require_secret_key())
    signed_in = proof.proves(request.headers.get(SIGN_IN_HEADER), me, **link)
    require(signed_in, "An account is linked by signing in with it, and only so.")
    command = domain.LinkIdentity(me, link["issuer"], link["subject"])
    return accepted(commands.execute(subject(), command), id=me)


@blp.post("/people")
@blp.arguments(PersonIn)
@blp.response(201, Accepted)
def add_person(person: dict) -> Response:
    """Add a member of staff (trust admins; school leaders for their own school)."""
    require(may_keep_staff_of(person["school_id"]), "You add your own school's staff only.")
    person_id = made_id("person")
    new = Person(person_id=person_id, **{**person, "subjects": tuple(person["subjects"])})
    command = domain.AddPerson(new, keeper_scope())
    return accepted(commands.execute(subject(), command), 201, id=person_id)


@blp.put("/people/<person_id>")
@blp.arguments(PersonIn)
@blp.response(200, Accepted)
def update_person(person: dict, person_id: str) -> Response:
    """Change a person's record; moving them to another school is a trust admin's act."""
    current = _person(person_id)
    require(may_keep_staff_of(current.school_id), "You keep your own school's staff only.")
    moved = person["school_id"] != current.school_id
    require(not moved or identity().holds("trust_admin"), "Ask a trust admin to move them.")
    changed = Person(person_id=person_id, **{**person, "subjects": tuple(person["subjects"])})
    command = domain.UpdatePerson(changed, keeper_scope())
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.post("/people/<person_id>/leave")
@blp.response(200, Accepted)
def mark_left(person_id: str) -> Response:
    """Mark someone as having left (kept, with their CPD record)."""
    require(may_keep_staff_of(_person(person_id).school_id))
    command = domain.MarkLeft(person_id, keeper_scope())
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.post("/people/<person_id>/roles")
@blp.arguments(RoleIn)
@blp.response(200, Accepted)
def grant_role(role: dict, person_id: str) -> Response:
    """Grant a role (trust admins and the CEO; headteachers: their school's CPD lead and
    session leaders, from their own school's staff)."""
    require(may_grant(role["role"], role["school_id"], _person(person_id)))
    command = domain.GrantRole(person_id, role["role"], role["school_id"], granter_scope())
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.delete("/people/<person_id>/roles/<role>")
@blp.arguments(RoleQuery, location="query")
@blp.response(200, Accepted)
def revoke_role(query: dict, person_id: str, role: str) -> Response:
    """Revoke a role (`?school=` for a school's role); who may is as for granting."""
    require(may_grant(role, query["school"], _person(person_id)))
    command = domain.RevokeRole(person_id, role, query["school"])
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.put("/people/<person_id>/posts/<post>")
@blp.response(200, Accepted)
def take_post(person_id: str, post: str) -> Response:
    """The person holds this post, at their own school (a central post: the central team);
    who may: services/directory/access.py."""
    allowed = may_set_post(identity(), post, _person(person_id).school_id)
    require(allowed, "You set your own school's posts only.")
    command = TakePost(person_id, post, post_scope(identity()))
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.delete("/people/<person_id>/posts/<post>")
@blp.response(200, Accepted)
def leave_post(person_id: str, post: str) -> Response:
    """The person no longer holds this post; who may is as for taking it."""
    allowed = may_set_post(identity(), post, _person(person_id).school_id)
    require(allowed, "You set your own school's posts only.")
    command = LeavePost(person_id, post, post_scope(identity()))
    return accepted(commands.execute(subject(), command), id=person_id)


@blp.post("/imports")
@blp.arguments(ImportIn, location="form")
@blp.arguments(ImportFile, location="files")
@blp.alt_response(422, description="The file has bad rows (the report lists them).")
@blp.response(200, Accepted)
def import_staff(options: dict, upload: dict) -> Response:
    """Import a school MIS staff export (CSV). Every row is checked first; `mode` says what
    to do with a file that has bad rows."""
    me = identity()
    require(me.holds("trust_admin", *SCHOOL_LEADERS), "Only school leaders import staff.")
    content = upload["file"].read()
    if too_many_rows(content):
        return problem(413, "file_too_large", TOO_MANY)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return problem(422, "invalid", "Save the file as CSV (UTF-8) and try again.")
    state = directory()
    allowed = keeper_scope()
    checked = check_file(text, state, allowed)
    report: dict[str, Any] = {
        "good_rows": len(checked.good),
        "bad_rows": [{"line": b.line, "email": b.email, "reasons": b.reasons} for b in checked.bad],
    }
    if checked.problem:
        return problem(422, "unreadable_file", checked.problem)
    mode = options["mode"]
    if mode == "check":
        return jsonify(imported=False, **report)
    if mode == "all" and checked.bad:
        answer = jsonify(
            error="file_has_bad_rows",
            message="Nothing was imported: fix the bad rows, or import the good rows.",
            **report,
        )
        answer.status_code = 422
        return answer
    command = domain.ImportStaff(checked.good, frozenset(checked.schools), allowed)
    return accepted(commands.execute(subject(), command), imported=True, **report)


def _person(person_id: str) -> Person:
    person = directory().people.get(person_id)
    if person is None:
        raise NotFound("There is no such person.")
    return person
