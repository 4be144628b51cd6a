"""A service's field errors reach a page in plain words (frontend/plain_words.py): every
message marshmallow itself gives for the fields and validators our schemas use is reworded,
and a message a service wrote for people is left alone."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, missing, validate

from frontend.plain_words import plain, plain_fields


def said(field: fields.Field, value: Any) -> str:
    """What marshmallow answers when `field` is given `value`."""
    with pytest.raises(ValidationError) as error:
        field.deserialize(value)
    messages: Any = error.value.messages
    while not isinstance(messages, str):  # a nested schema's: {"_schema": ["…"]}
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return messages


STOCK = [
    said(fields.Integer(required=True), missing),
    said(fields.Integer(allow_none=False), None),
    said(fields.Integer(), "ten"),
    said(fields.Integer(strict=True), 1.5),
    said(fields.Float(), "x"),
    said(fields.Float(allow_nan=False), "nan"),
    said(fields.String(), 12),
    said(fields.Boolean(), "perhaps"),
    said(fields.Date(), "2026-02-30"),
    said(fields.DateTime(), "soon"),
    said(fields.Time(), "25:00"),
    said(fields.Email(), "nobody"),
    said(fields.Url(), "not a link"),
    said(fields.UUID(), "x"),
    said(fields.List(fields.String()), "x"),
    said(fields.Dict(), "x"),
    said(fields.Nested(Schema.from_dict({})), "x"),
    said(fields.String(validate=validate.Length(1, 120)), ""),
    said(fields.String(validate=validate.Length(min=1)), ""),
    said(fields.String(validate=validate.Length(min=3)), "ab"),
    said(fields.String(validate=validate.Length(max=200)), "x" * 201),
    said(fields.String(validate=validate.Length(equal=6)), "x"),
    said(fields.Integer(validate=validate.Range(min=1)), 0),
    said(fields.Integer(validate=validate.Range(max=6)), 7),
    said(fields.Integer(validate=validate.Range(1, 52)), 60),
    said(
        fields.Integer(validate=validate.Range(0, 9, min_inclusive=False, max_inclusive=False)), 0
    ),
    said(fields.Integer(validate=validate.Range(min=0, min_inclusive=False)), 0),
    said(fields.String(validate=validate.OneOf(["in", "out"])), "maybe"),
    said(fields.List(fields.String(), validate=validate.ContainsOnly(["a"])), ["b"]),
    said(fields.String(validate=validate.Regexp(r"\d+\Z")), "x"),
    said(fields.String(validate=validate.NoneOf(["x"])), "x"),
    said(fields.String(validate=validate.Predicate("isdigit")), "x"),
]


@pytest.mark.parametrize("message", STOCK)
def test_every_stock_message_is_reworded(message: str) -> None:
    reworded = plain(message)
    assert reworded != message
    assert reworded.endswith(".") and reworded[0].isupper()


def test_schema_level_messages_are_reworded() -> None:
    with pytest.raises(ValidationError) as error:
        Schema.from_dict({"a": fields.String()})().load({"b": 1})
    assert plain(error.value.messages["b"][0]) != "Unknown field."


@pytest.mark.parametrize(
    ("message", "sentence"),
    [
        ("Length must be between 1 and 120.", "Write between 1 and 120 characters."),
        ("Not a valid integer.", "Give a whole number."),
        ("Missing data for required field.", "This is needed."),
        ("Shorter than minimum length 1.", "Fill this in."),
        ("Longer than maximum length 200.", "Write no more than 200 characters."),
        ("Must be greater than or equal to 1.", "Give 1 or more."),
        (
            "Must be greater than or equal to 1 and less than or equal to 52.",
            "Give a number from 1 to 52.",
        ),
        ("Not a valid date.", "Give a date that is on the calendar."),
    ],
)
def test_the_common_ones_read_as_a_teacher_would_say_them(message: str, sentence: str) -> None:
    assert plain(message) == sentence


def test_a_services_own_sentence_is_left_alone() -> None:
    assert plain("Give a time as HH:MM.") == "Give a time as HH:MM."


def test_a_lists_length_counts_items_and_nested_errors_are_reworded_where_they_are() -> None:
    fields_ = {
        "options": ["Length must be between 1 and 20."],
        "items": {
            "0": {"minutes": ["Not a valid integer."], "title": ["Shorter than minimum length 1."]}
        },
    }
    sent = {"options": [], "items": [{"minutes": "x", "title": ""}]}
    assert plain_fields(fields_, sent) == {
        "options": ["Choose between 1 and 20."],
        "items": {"0": {"minutes": ["Give a whole number."], "title": ["Fill this in."]}},
    }
