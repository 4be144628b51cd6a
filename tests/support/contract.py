"""What a service's contract test reads: every field its schemas check against a list."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import ModuleType

from marshmallow import Schema, fields, validate


def chosen_fields(*modules: ModuleType) -> Iterator[tuple[str, str, set[str]]]:
    """(schema, field, accepted values) for every text field, nested ones included, that
    a schema class of `modules` validates with OneOf."""
    for module in modules:
        for name, schema in inspect.getmembers(module, inspect.isclass):
            if issubclass(schema, Schema) and schema.__module__ == module.__name__:
                yield from _chosen(name, schema())


def unlabelled(labels: dict[str, str]) -> list[str]:
    """The values of a vocabulary without a label a person can read, or whose label
    another value has too (the two would look the same on a page)."""
    seen: dict[str, str] = {}
    wrong = []
    for value, label in labels.items():
        if not (isinstance(label, str) and label.strip()) or label in seen:
            wrong.append(value)
        seen.setdefault(label, value)
    return wrong


def _chosen(name: str, schema: Schema) -> Iterator[tuple[str, str, set[str]]]:
    for field_name, field in schema.fields.items():
        if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
            yield from _chosen(name, field.schema)
        if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            yield from _chosen(name, field.inner.schema)
        for validator in field.validators:
            if isinstance(field, fields.String) and isinstance(validator, validate.OneOf):
                yield name, field_name, set(validator.choices)
