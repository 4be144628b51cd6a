"""The notifications' command schemas: what the API accepts, validated at the edge."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.notifications.events import CHOICES, KINDS


class PreferencesIn(Schema):
    kinds = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KINDS)),
        values=fields.String(validate=validate.OneOf(CHOICES)),
        required=True,
        validate=validate.Length(min=1, error="Choose at least one kind."),
    )


class ReleaseIn(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class Preferences(Schema):
    person_id = fields.String()
    kinds = fields.Dict(keys=fields.String(), values=fields.String())
