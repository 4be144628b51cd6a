"""What the trust year's API takes and gives."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from events.school_dates import within_school_years
from services.trustyear.events import CLOSURE_KINDS, TermRecord


class YearIn(Schema):
    starts = fields.Date(
        validate=within_school_years,
        required=True,
        metadata={"description": "the year's first day"},
    )
    ends = fields.Date(
        validate=within_school_years, required=True, metadata={"description": "the year's last day"}
    )
    terms = fields.List(
        fields.Nested(TermRecord),
        required=True,
        metadata={"description": "3 or 6 terms, numbered in order, inside the year"},
    )


class SchoolTermsIn(Schema):
    terms = fields.List(
        fields.Nested(TermRecord),
        required=True,
        metadata={"description": "the school's own 3 or 6 terms; [] follows the trust's"},
    )


class ClosureIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CLOSURE_KINDS))
    starts = fields.Date(validate=within_school_years, required=True)
    ends = fields.Date(
        validate=within_school_years,
        load_default=None,
        metadata={"description": "default: the first day"},
    )
    label = fields.String(load_default="", validate=validate.Length(max=200))


class ImportIn(Schema):
    mode = fields.String(
        load_default="check",
        validate=validate.OneOf(["check", "save"]),
        metadata={"description": "check: the preview only; save: add the dates (a clean file)"},
    )


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
