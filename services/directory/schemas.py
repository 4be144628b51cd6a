"""What the directory's API takes and gives."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from events.identity import ROLES
from services.directory.events import (
    CATEGORIES,
    EMAIL,
    JOB_TITLE,
    NAME,
    PHASES,
    SUBJECT,
    TOWN,
    URN,
)


class SchoolIn(Schema):
    name = fields.String(required=True, validate=NAME)
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    urn = fields.String(required=True, validate=URN)
    town = fields.String(required=True, validate=TOWN)


class SchoolOut(SchoolIn):
    school_id = fields.String()


class PersonIn(Schema):
    name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True, validate=EMAIL)
    school_id = fields.String(
        required=True, allow_none=True, metadata={"description": "None: the central team"}
    )
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    job_title = fields.String(load_default="", validate=JOB_TITLE)
    subjects = fields.List(
        fields.String(validate=[validate.Length(min=1), SUBJECT]), load_default=list
    )


class PersonOut(PersonIn):
    person_id = fields.String()
    status = fields.String(metadata={"description": "active or left"})
    roles = fields.List(fields.Dict())
    posts = fields.List(fields.Dict(), metadata={"description": "[{post, school_id}]"})


class PeopleQuery(Schema):
    school = fields.String(metadata={"description": "a school id, or 'central'"})


class RoleIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf([r for r in ROLES if r != "staff"]))
    school_id = fields.String(load_default=None, allow_none=True)


class RoleQuery(Schema):
    school = fields.String(load_default=None)


class IdentityIn(Schema):
    issuer = fields.String(required=True, validate=validate.Length(min=1, max=300))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ImportIn(Schema):
    mode = fields.String(
        load_default="check",
        validate=validate.OneOf(["check", "all", "good_rows"]),
        metadata={
            "description": "check: report only; all: only a clean file; good_rows: the good rows"
        },
    )


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
