"""Events read from the log without validating them again (events.trusted): the same data
as their schema loads, and the schema's say for anything not as an append writes it."""

from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import INCLUDE, Schema, fields, post_load

from events import InvalidEvent, registry
from events.registry import EventRegistry
from events.trusted import Untrusted, trusted_loader
from tests.support.counter import CounterIncremented  # noqa: F401  (registers the type)


class Leader(Schema):
    person_id = fields.String(required=True)
    name = fields.String(required=True)


class Everything(Schema):
    name = fields.String(required=True)
    email = fields.Email(required=True)
    count = fields.Integer(required=True)
    flag = fields.Boolean(required=True)
    on = fields.Date(required=True)
    at = fields.AwareDateTime(required=True)
    local = fields.NaiveDateTime(required=True)
    tags = fields.List(fields.String(), load_default=list)
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    leader = fields.Nested(Leader, required=True)
    leaders = fields.List(fields.Nested(Leader), load_default=list)
    owner_id = fields.String(load_default=None, allow_none=True)
    note = fields.String(load_default="")


WIRE = {
    "name": "Maths network",
    "email": "a@example.org",
    "count": 3,
    "flag": True,
    "on": "2027-01-04",
    "at": "2027-01-04T09:00:00+00:00",
    "local": "2027-01-04T16:00:00",
    "tags": ["x", "y"],
    "answers": {"2027-01-04": "yes"},
    "leader": {"person_id": "p1", "name": "Ann"},
    "leaders": [{"person_id": "p2", "name": "Bob"}],
    "owner_id": None,
}


def test_the_same_data_as_the_schema_loads():
    load = trusted_loader(Everything())
    assert load is not None
    trusted = load(WIRE)
    assert trusted == Everything().load(WIRE)
    assert trusted["note"] == "" and trusted["tags"] == ["x", "y"]
    assert trusted["on"] == dt.date(2027, 1, 4)
    assert trusted["at"] == dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "change",
    [
        {"count": "3"},
        {"count": True},
        {"name": None},
        {"on": 20270104},
        {"at": "2027-01-04T09:00:00"},  # not aware
        {"local": "2027-01-04T16:00:00+01:00"},  # not naive
        {"leader": {"person_id": "p1"}},
        {"tags": "x"},
        {"unknown": 1},
    ],
)
def test_data_not_as_an_append_writes_it_is_not_trusted(change):
    load = trusted_loader(Everything())
    assert load is not None
    with pytest.raises(Untrusted):
        load({**WIRE, **change})


def test_a_missing_required_field_is_not_trusted():
    load = trusted_loader(Everything())
    assert load is not None
    with pytest.raises(Untrusted):
        load({key: value for key, value in WIRE.items() if key != "count"})


class Hooked(Schema):
    name = fields.String()

    @post_load
    def shout(self, data, **_):
        return {"name": data["name"].upper()}


class Including(Schema):
    class Meta:
        unknown = INCLUDE

    name = fields.String()


class Other(Schema):
    amount = fields.Decimal()


@pytest.mark.parametrize("schema", [Hooked(), Including(), Other()])
def test_a_schema_it_cannot_read_the_same_way_has_no_trusted_loader(schema):
    assert trusted_loader(schema) is None


def envelope(data: dict) -> dict:
    return {
        "id": "0190-test",
        "type": "TestCounterIncremented",
        "version": 2,
        "subject": "t.counter.1",
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "someone@example.org",
        "data": data,
    }


def test_a_trusted_load_equals_a_validated_one():
    wire = envelope({"by": 3, "reason": "x"})
    assert registry.load(wire, 5, trusted=True) == registry.load(wire, 5)


def test_what_the_trusted_loader_refuses_the_schema_judges():
    """`by` must be at least 1: a trusted read does not check it (the append did), but a
    value of the wrong type falls back to the schema, which refuses it."""
    assert registry.load(envelope({"by": 0, "reason": "x"}), trusted=True).data["by"] == 0
    with pytest.raises(InvalidEvent):
        registry.load(envelope({"by": "lots", "reason": "x"}), trusted=True)


def test_a_type_with_a_hook_is_loaded_by_its_schema():
    events = EventRegistry()
    events.event("Hooked")(Hooked)
    wire = {**envelope({"name": "ann"}), "type": "Hooked", "version": 1}
    assert events.load(wire, trusted=True).data == {"name": "ANN"}
