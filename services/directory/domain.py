"""The directory decider: one aggregate for the whole trust, so a work email is unique.

Writes are rare (an import, a new starter, a role), so one subject is no bottleneck.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

from events import CommandRejected, Decider, Event
from events.decider import Fact
from events.identity import ROLES, SCHOOL_SCOPED_ROLES, TRUST_LEADERS
from services.directory import posts as post_rules
from services.directory.posts import HeldPost, LeavePost, TakePost

PEOPLE_NAMESPACE = uuid.UUID("5f0c3c1e-7a51-4c2e-9d43-3b1b2f9e8a10")


def person_id_for(email: str) -> str:
    """An imported person's id, from their email: the same file twice names the same people."""
    return str(uuid.uuid5(PEOPLE_NAMESPACE, email.strip().lower()))


@dataclass(frozen=True)
class School:
    school_id: str
    name: str
    phase: str
    urn: str
    town: str


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    email: str
    school_id: str | None
    category: str
    job_title: str
    subjects: tuple[str, ...] = ()

    @property
    def email_key(self) -> str:
        return self.email.lower()


@dataclass(frozen=True)
class Directory:
    schools: Mapping[str, School] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    emails: Mapping[str, str] = field(default_factory=dict)
    """Lowercased work email to person id."""
    left: frozenset[str] = frozenset()
    roles: frozenset[tuple[str, str, str | None]] = frozenset()
    """(person_id, role, school_id or None)."""
    identities: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(OpenID Connect issuer, subject) to the person it was linked to."""
    posts: frozenset[HeldPost] = frozenset()

    def person_by_email(self, email: str) -> Person | None:
        person_id = self.emails.get(email.strip().lower())
        return None if person_id is None else self.people[person_id]

    def school_by_urn(self, urn: str) -> School | None:
        return next((s for s in self.schools.values() if s.urn == urn), None)

    def active(self, person_id: str) -> bool:
        return person_id in self.people and person_id not in self.left


Scope = frozenset[str] | None
"""The schools whose staff the one acting keeps; None: the whole trust (a trust admin)."""

ANOTHER_SCHOOL = "belongs to another school: ask a trust admin to move them"


# Commands
@dataclass(frozen=True)
class AddSchool:
    school: School


@dataclass(frozen=True)
class UpdateSchool:
    school: School


@dataclass(frozen=True)
class AddPerson:
    person: Person
    scope: Scope = None


@dataclass(frozen=True)
class UpdatePerson:
    """A change to someone's record; a new school (a move) only by the whole trust's keeper."""

    person: Person
    scope: Scope = None


@dataclass(frozen=True)
class MarkLeft:
    person_id: str
    scope: Scope = None


@dataclass(frozen=True)
class GrantRole:
    person_id: str
    role: str
    school_id: str | None = None
    scope: Scope = None
    """A school's keeper grants only to their own school's people."""


@dataclass(frozen=True)
class RevokeRole:
    person_id: str
    role: str
    school_id: str | None = None


@dataclass(frozen=True)
class LinkIdentity:
    """Link an OpenID Connect identity to the person who has just signed in with it."""

    person_id: str
    issuer: str
    subject: str


@dataclass(frozen=True)
class ImportStaff:
    """Checked rows of a school MIS export: each becomes a joiner, an update or nothing;
    an active person of `schools` missing from the rows has left."""

    people: Sequence[Person]
    schools: frozenset[str]
    scope: Scope = None


def _record(person: Person) -> dict:
    return {**asdict(person), "subjects": list(person.subjects)}


class DirectoryDecider(Decider[Directory, object]):
    def initial_state(self) -> Directory:
        return Directory()

    def decide(self, command: object, state: Directory) -> Sequence[Event]:
        match command:
            case AddSchool(school) | UpdateSchool(school):
                return _decide_school(command, school, state)
            case AddPerson(person, scope):
                _check_in_scope(person.school_id, scope)
                _check_person(person, state)
                if person.person_id in state.people:
                    raise CommandRejected(
                        "person_exists", "That person is already in the directory."
                    )
                return [Event("PersonJoined", _record(person))]
            case UpdatePerson(person, scope):
                current = _known(state, person.person_id)
                _check_keeps(current, state, scope)
                if scope is not None and person.school_id != current.school_id:
                    raise CommandRejected(
                        "move_is_trust_admins", "Ask a trust admin to move them.", 403
                    )
                _check_person(person, state)
                moved = post_rules.left_on_move(person.person_id, person.school_id, state.posts)
                return (
                    [] if current == person else [Event("PersonUpdated", _record(person)), *moved]
                )
            case MarkLeft(person_id, scope):
                _check_keeps(_known(state, person_id), state, scope)
                if person_id in state.left:
                    raise CommandRejected("already_left", "That person has already left.")
                return [Event("PersonLeft", {"person_id": person_id})]
            case GrantRole() | RevokeRole():
                return _decide_role(command, state)
            case TakePost() | LeavePost():
                person = _known(state, command.person_id)
                active = state.active(person.person_id)
                return post_rules.decide_post(command, person.school_id, active, state.posts)
            case ImportStaff(people, schools, scope):
                return _decide_import(people, schools, scope, state)
            case LinkIdentity():
                return _decide_link(command, state)
        raise TypeError(f"not a directory command: {command!r}")

    def evolve(self, state: Directory, event: Fact) -> Directory:
        data = event.data
        match event.type:
            case "SchoolAdded" | "SchoolUpdated":
                return replace(state, schools={**state.schools, data["school_id"]: School(**data)})
            case "PersonJoined" | "PersonUpdated" | "PersonRejoined":
                person = Person(**{**data, "subjects": tuple(data["subjects"])})
                emails = dict(state.emails)
                before = state.people.get(person.person_id)
                if before is not None:
                    emails.pop(before.email_key, None)
                emails[person.email_key] = person.person_id
                # A leaver's record can be corrected; only joining again makes them active.
                left = (
                    state.left if event.type == "PersonUpdated" else state.left - {person.person_id}
                )
                return replace(
                    state,
                    people={**state.people, person.person_id: person},
                    emails=emails,
                    left=left,
                )
            case "PersonLeft":
                posts = post_rules.without_person(state.posts, data["person_id"])
                return replace(state, left=state.left | {data["person_id"]}, posts=posts)
            case "PostTaken" | "PostLeft":
                return replace(state, posts=post_rules.evolved(state.posts, event.type, data))
            case "RoleGranted":
                role = (data["person_id"], data["role"], data["school_id"])
                return replace(state, roles=state.roles | {role})
            case "RoleRevoked":
                role = (data["person_id"], data["role"], data["school_id"])
                return replace(state, roles=state.roles - {role})
            case "IdentityLinked":
                key = (data["issuer"], data["subject"])
                return replace(state, identities={**state.identities, key: data["person_id"]})
        return state


def _decide_school(command: object, school: School, state: Directory) -> list[Event]:
    exists = school.school_id in state.schools
    if isinstance(command, AddSchool) and exists:
        raise CommandRejected("school_exists", "That school is already in the directory.")
    if isinstance(command, UpdateSchool) and not exists:
        raise CommandRejected("unknown_school", "There is no such school.", 404)
    holder = state.school_by_urn(school.urn)
    if holder is not None and holder.school_id != school.school_id:
        raise CommandRejected("urn_taken", f"URN {school.urn} is {holder.name}'s.")
    if exists and state.schools[school.school_id] == school:
        return []
    kind = "SchoolAdded" if isinstance(command, AddSchool) else "SchoolUpdated"
    return [Event(kind, asdict(school))]


def _known(state: Directory, person_id: str) -> Person:
    if person_id not in state.people:
        raise CommandRejected("unknown_person", "There is no such person.", 404)
    return state.people[person_id]


def _check_in_scope(school_id: str | None, scope: Scope) -> None:
    if scope is not None and school_id not in scope:
        raise CommandRejected("not_your_school", "You keep your own school's staff only.", 403)


def _check_keeps(person: Person, state: Directory, scope: Scope) -> None:
    """A school's keeper touches only their school's people, and none the trust keeps."""
    _check_in_scope(person.school_id, scope)
    if scope is not None and _holds_trust_level_role(state, person.person_id):
        raise CommandRejected("trust_keeps_them", "Ask a trust admin to change them.", 403)


def _holds_trust_level_role(state: Directory, person_id: str) -> bool:
    return any(holder == person_id and role in TRUST_LEADERS for holder, role, _ in state.roles)


def import_refusal(person: Person, state: Directory, scope: Scope) -> str | None:
    """Why an import row may not touch this person, if it may not: a school's file speaks
    only for people who are of that school now (moving someone is a trust admin's act)."""
    if scope is not None and person.school_id not in scope:
        return "not your school"
    current = state.people.get(person.person_id)
    if current is not None and current.school_id != person.school_id:
        return ANOTHER_SCHOOL
    if (
        scope is not None
        and current is not None
        and _holds_trust_level_role(state, person.person_id)
    ):
        return "is kept by the trust: ask a trust admin to change them"
    return None


def _check_person(person: Person, state: Directory) -> None:
    if person.school_id is not None and person.school_id not in state.schools:
        raise CommandRejected("unknown_school", "There is no such school.", 422)
    holder = state.person_by_email(person.email)
    if holder is not None and holder.person_id != person.person_id:
        raise CommandRejected("email_taken", f"{person.email} is {holder.name}'s work email.")


def _decide_role(command: GrantRole | RevokeRole, state: Directory) -> list[Event]:
    person_id, role, school_id = command.person_id, command.role, command.school_id
    _known(state, person_id)
    if role == "staff":
        raise CommandRejected("role_is_implicit", "Everyone in the directory is staff.", 422)
    if role not in ROLES:
        raise CommandRejected("unknown_role", f"There is no role {role!r}.", 422)
    if role in SCHOOL_SCOPED_ROLES and school_id is None:
        raise CommandRejected("role_needs_school", f"A {_named(role)} is one school's.", 422)
    if role not in SCHOOL_SCOPED_ROLES and school_id is not None:
        raise CommandRejected("role_is_trust_wide", f"A {_named(role)} is trust-wide.", 422)
    if school_id is not None and school_id not in state.schools:
        raise CommandRejected("unknown_school", "There is no such school.", 422)
    held = (person_id, role, school_id) in state.roles
    data = {"person_id": person_id, "role": role, "school_id": school_id}
    if isinstance(command, GrantRole):
        person = state.people[person_id]
        wanted = {person.school_id} | ({school_id} if school_id else set())
        if command.scope is not None and not wanted <= command.scope:
            raise CommandRejected(
                "not_your_school", "You appoint your own school's staff only.", 403
            )
        if person_id in state.left:
            raise CommandRejected("person_left", "That person has left the trust.")
        return [] if held else [Event("RoleGranted", data)]
    if not held:
        raise CommandRejected("role_not_held", f"They are not a {_named(role)}.")
    return [Event("RoleRevoked", data)]


def _decide_link(command: LinkIdentity, state: Directory) -> list[Event]:
    """One identity is one person's for good, and a person has one identity per issuer, so
    a work email changed later can never hand their account to another identity."""
    person_id, issuer = command.person_id, command.issuer
    if not state.active(person_id):
        raise CommandRejected("unknown_person", "There is no such person.", 404)
    holder = state.identities.get((issuer, command.subject))
    if holder == person_id:
        return []
    if holder is not None:
        raise CommandRejected("identity_taken", "That account signs in as someone else.")
    if any(iss == issuer and who == person_id for (iss, _), who in state.identities.items()):
        raise CommandRejected("already_linked", "They sign in with another account.")
    data = {"person_id": person_id, "issuer": issuer, "subject": command.subject}
    return [Event("IdentityLinked", data)]


def _named(role: str) -> str:
    return role.replace("_", " ").replace("cpd", "CPD")


def _decide_import(
    people: Sequence[Person], schools: frozenset[str], scope: Scope, state: Directory
) -> list[Event]:
    if scope is not None and not schools <= scope:
        raise CommandRejected("not_your_school", "You import your own school's staff only.", 403)
    decided: list[Event] = []
    in_file = set()
    emails: dict[str, str] = {}
    for person in people:
        refusal = import_refusal(person, state, scope)
        if refusal is not None:  # the rows were checked: the directory changed since
            raise CommandRejected("not_your_school", f"{person.email} {refusal}.", 409)
        if emails.setdefault(person.email_key, person.person_id) != person.person_id:
            raise CommandRejected("email_taken", f"{person.email} is twice in the file.", 422)
        in_file.add(person.person_id)
        _check_person(person, state)
        current = state.people.get(person.person_id)
        if current is None:
            decided.append(Event("PersonJoined", _record(person)))
        elif person.person_id in state.left:
            decided.append(Event("PersonRejoined", _record(person)))
        elif current != person:
            decided.append(Event("PersonUpdated", _record(person)))
    for person in state.people.values():
        if (
            person.school_id in schools
            and person.person_id not in in_file
            and person.person_id not in state.left
            and (scope is None or not _holds_trust_level_role(state, person.person_id))
        ):
            decided.append(Event("PersonLeft", {"person_id": person.person_id}))
    return decided


# A person's calendar feed key
@dataclass(frozen=True)
class IssueFeedToken:
    person_id: str
    token: str
    """Made by the caller (randomness is I/O): at least 128 random bits."""


class FeedKeyDecider(Decider[str | None, IssueFeedToken]):
    """The current secret of a person's calendar feed; a new one replaces it at once."""

    def initial_state(self) -> str | None:
        return None

    def decide(self, command: IssueFeedToken, state: str | None) -> Sequence[Event]:
        data = {"person_id": command.person_id, "token": command.token}
        return [Event("FeedTokenIssued", data)]

    def evolve(self, state: str | None, event: Fact) -> str | None:
        return event.data["token"] if event.type == "FeedTokenIssued" else state
