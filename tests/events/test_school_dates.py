"""Dates a school trust has (events.school_dates): the validator, and every date that any
service takes carries it."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from marshmallow import Schema, ValidationError, fields

from events.school_dates import FIRST_YEAR, LAST_YEAR, within_school_years

SERVICES = ("directory", "networks", "notifications", "trustdays", "trustyear")


@pytest.mark.parametrize(
    "value", [date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31), datetime(2026, 9, 1, 8, tzinfo=UTC)]
)
def test_a_school_s_dates_pass(value):
    within_school_years(value)


@pytest.mark.parametrize(
    "value", [date(1, 1, 1), date(FIRST_YEAR - 1, 12, 31), datetime(9999, 12, 31, 23, 59)]
)
def test_dates_no_school_has_are_refused(value):
    with pytest.raises(ValidationError, match=f"from {FIRST_YEAR} to {LAST_YEAR}"):
        within_school_years(value)


def dates_taken(schema: type[Schema], path: str) -> Iterator[tuple[str, fields.Field]]:
    """Each date or datetime field a schema loads, nested ones and list items included."""
    for name, field in schema._declared_fields.items():
        inner = field
        while isinstance(inner, fields.List):
            inner = inner.inner
        if isinstance(inner, fields.Nested) and isinstance(inner.nested, type):
            yield from dates_taken(inner.nested, f"{path}.{name}")
        elif isinstance(inner, fields.Date | fields.DateTime) and not field.dump_only:
            yield f"{path}.{name}", inner


def input_schemas() -> Iterator[tuple[str, type[Schema]]]:
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.schemas")
        for name, found in vars(module).items():
            answer = name.endswith("Out")
            if inspect.isclass(found) and issubclass(found, Schema) and not answer:
                yield f"{service}.{name}", found


def test_every_date_a_service_takes_is_a_school_s():
    taken = [
        (path, field)
        for name, schema in input_schemas()
        for path, field in dates_taken(schema, name)
    ]
    assert len(taken) > 20
    unchecked = [path for path, field in taken if within_school_years not in field.validators]
    assert unchecked == []
