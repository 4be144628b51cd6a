"""The directory's facts: schools, people and their roles; the directory's contract (its
subjects and vocabularies with their labels) for the services and pages that read them.

The whole trust's schools, people and roles are one aggregate, `directory.trust`, so that a
rule across people (one identity one person's) is decided in one place; each person's
calendar feed secret has its own, `directory.feed.<person>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from events import registry
from events.identity import ROLES

SERVICE = "directory"
TRUST_SUBJECT = (SERVICE, "trust")
"""The tokens of the trust's subject: put the stream's prefix before them with
`store.subject(*TRUST_SUBJECT)` (or a service's `Commands.subject`)."""
PHASES = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special",
}
CATEGORIES = {
    "teaching": "Teaching",
    "support": "Support",
    "leadership": "Leadership",
    "central": "Central team",
}
POSTS = {
    "headteacher": "Headteacher",
    "senco": "SENCO",
    "english_lead": "English lead",
    "maths_lead": "Maths lead",
    "pshe_lead": "PSHE lead",
    "pastoral_lead": "Pastoral lead",
    "disadvantaged_lead": "Disadvantaged lead",
    "attendance_lead": "Attendance lead",
    "data_lead": "Data lead",
    "cpd_lead": "CPD lead",
    "tl_lead": "Teaching and learning lead",
    "science_lead": "Science lead",
    "humanities_lead": "Humanities lead",
    "languages_lead": "Languages lead",
    "arts_lead": "Arts lead",
    "pe_lead": "PE lead",
    "eyfs_lead": "EYFS lead",
    "school_improvement_lead": "School improvement lead",
    "ceo": "CEO",
}
"""What a person does (their post), as name -> label: membership of the trust's networks
follows posts. Roles (events.identity.ROLES) are what a person may do in Staffroom; a post
is not a permission."""
CENTRAL_POSTS = frozenset({"school_improvement_lead", "ceo"})
"""Posts of the central team (held with no school); every other post is held at the
holder's own school."""
VOCABULARIES = {"phase": PHASES, "category": CATEGORIES, "role": ROLES, "post": POSTS}
"""Each vocabulary, by the field that holds it, as value -> the label pages show."""


NAME = validate.Length(min=1, max=200)
"""A school's or a person's name: the read models keep 200 characters."""
TOWN = validate.Length(min=1, max=100)
JOB_TITLE = validate.Length(max=200)
SUBJECT = validate.Length(max=100)
"""One of the subjects a person teaches."""
URN = validate.Regexp(r"^[0-9]{6}\Z", error="Six digits.")
"""A school's unique reference number: six characters, as the read models keep it (`\\Z`:
`$` would let "143201\\n" through)."""
EMAIL_LENGTH = 320


def lowercased_fits(email: str) -> None:
    """The read models keep an email lowercased too (its key, unique in any case), and a
    few letters grow when lowercased ("İ" is two characters then)."""
    if len(email) <= EMAIL_LENGTH < len(email.lower()):
        raise ValidationError(f"Longer than maximum length {EMAIL_LENGTH} once lowercased.")


EMAIL: list[Callable[[str], Any]] = [validate.Length(max=EMAIL_LENGTH), lowercased_fits]


def feed_subject(person_id: str) -> tuple[str, ...]:
    """The tokens of a person's calendar feed secret's subject."""
    return (SERVICE, "feed", person_id)


class SchoolRecord(Schema):
    school_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    name = fields.String(required=True, validate=NAME)
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    urn = fields.String(required=True, validate=URN)
    town = fields.String(required=True, validate=TOWN)


class PersonRecord(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True, validate=EMAIL)
    school_id = fields.String(required=True, allow_none=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    job_title = fields.String(required=True, validate=JOB_TITLE)
    subjects = fields.List(fields.String(validate=SUBJECT), required=True)


@registry.event("SchoolAdded")
class SchoolAdded(SchoolRecord):
    pass


@registry.event("SchoolUpdated")
class SchoolUpdated(SchoolRecord):
    """The school's whole record as it now is."""


@registry.event("PersonJoined")
class PersonJoined(PersonRecord):
    pass


@registry.event("PersonUpdated")
class PersonUpdated(PersonRecord):
    """The person's whole record as it now is (a projection need not merge)."""


@registry.event("PersonRejoined")
class PersonRejoined(PersonRecord):
    """Someone who had left is back (perhaps at another school), with their record."""


@registry.event("PersonLeft")
class PersonLeft(Schema):
    person_id = fields.String(required=True)


class RoleFact(Schema):
    person_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    school_id = fields.String(required=True, allow_none=True)


@registry.event("RoleGranted")
class RoleGranted(RoleFact):
    pass


@registry.event("RoleRevoked")
class RoleRevoked(RoleFact):
    pass


@registry.event("IdentityLinked")
class IdentityLinked(Schema):
    """A person signed in with this OpenID Connect identity for the first time: from now on
    it is theirs alone, whatever their work email becomes."""

    person_id = fields.String(required=True)
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=300))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=255))


@registry.event("FeedTokenIssued")
class FeedTokenIssued(Schema):
    """A person's calendar feed has a new secret: the old one stops working."""

    person_id = fields.String(required=True)
    token = fields.String(required=True, validate=validate.Length(min=22, max=64))


class PostFact(Schema):
    """A post held by a person: at their school, or (school_id None) in the central team."""

    person_id = fields.String(required=True)
    post = fields.String(required=True, validate=validate.OneOf(POSTS))
    school_id = fields.String(required=True, allow_none=True)


@registry.event("PostTaken")
class PostTaken(PostFact):
    """A person holds this post from now on (one person may hold several posts, and a
    school's post may have several holders)."""


@registry.event("PostLeft")
class PostLeft(PostFact):
    """A person no longer holds this post. A person leaving the trust (PersonLeft) leaves
    every post they hold without a PostLeft of its own: readers drop their posts."""
