"""The directory's facts: schools, people and their roles; the directory's contract (its
subjects and vocabularies with their labels) for the services and pages that read them.

The whole trust's schools, people and roles are one aggregate, `directory.trust`, so that a
rule across people (one identity one person's) is decided in one place; each person's
calendar feed secret has its own, `directory.feed.<person>`.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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
VOCABULARIES = {"phase": PHASES, "category": CATEGORIES, "role": ROLES}
"""Each vocabulary, by the field that holds it, as value -> the label pages show."""


def feed_subject(person_id: str) -> tuple[str, ...]:
    """The tokens of a person's calendar feed secret's subject."""
    return (SERVICE, "feed", person_id)


class SchoolRecord(Schema):
    school_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    urn = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    town = fields.String(required=True, validate=validate.Length(min=1, max=100))


class PersonRecord(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    school_id = fields.String(required=True, allow_none=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    job_title = fields.String(required=True, validate=validate.Length(max=200))
    subjects = fields.List(fields.String(validate=validate.Length(max=100)), required=True)


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
