"""Reading events the log already holds without validating them again.

Every event was checked against its schema when it was appended (`EventRegistry.dump`), and
only its own service may publish on its subjects. A reader that trusts the log (the
projector) only needs the data in Python form: the dates and times parsed, missing fields
given their `load_default`. `trusted_loader` builds, once per schema, a plain function that
does just that, checking each value's JSON type as it goes; marshmallow's `Schema.load`
validated every field again, about a quarter of the projector's CPU (issue 14).

A schema with anything this module does not know to read the same way (a field type of its
own, a `pre_load`/`post_load` hook, `only`/`exclude` on a nested schema) gets no trusted
loader, and its events are loaded by marshmallow as before. A value of an unexpected JSON
type, a missing required field or an unknown one raises `Untrusted`: the caller then loads
the event with marshmallow, which says what is wrong (tests/events/test_trusted.py checks
that both ways give equal data for every event type the tests append).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import marshmallow
from marshmallow import fields

Convert = Callable[[Any], Any]
Loader = Callable[[Mapping[str, Any]], dict[str, Any]]


class Untrusted(ValueError):
    """The data is not as an append would have written it: load it with its schema."""


def _text(value: Any) -> Any:
    if type(value) is not str:
        raise Untrusted(value)
    return value


def _integer(value: Any) -> Any:
    if type(value) is not int:
        raise Untrusted(value)
    return value


def _boolean(value: Any) -> Any:
    if type(value) is not bool:
        raise Untrusted(value)
    return value


def _date(value: Any) -> dt.date:
    if type(value) is not str:
        raise Untrusted(value)
    return dt.date.fromisoformat(value)


def _aware(value: Any) -> dt.datetime:
    if type(value) is not str:
        raise Untrusted(value)
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise Untrusted(value)
    return parsed


def _naive(value: Any) -> dt.datetime:
    if type(value) is not str:
        raise Untrusted(value)
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        raise Untrusted(value)
    return parsed


SIMPLE: dict[type, Convert] = {
    fields.String: _text,
    fields.Email: _text,
    fields.Integer: _integer,
    fields.Boolean: _boolean,
    fields.Date: _date,
}
"""Field classes (exactly these, not subclasses) and how their JSON form is read."""


def _converter(field: fields.Field) -> Convert | None:
    """How to read one field's JSON value, or None if this module cannot."""
    kind = type(field)
    if kind in SIMPLE:
        return SIMPLE[kind]
    if kind in (fields.DateTime, fields.AwareDateTime, fields.NaiveDateTime):
        if field.format not in (None, "iso", "iso8601"):  # type: ignore[attr-defined]
            return None
        if kind is fields.AwareDateTime:
            return _aware if field.default_timezone is None else None  # type: ignore[attr-defined]
        if kind is fields.NaiveDateTime:
            return _naive if field.timezone is None else None  # type: ignore[attr-defined]
        return None  # a DateTime that may be either: marshmallow's own reading
    if kind is fields.List:
        inner = _converter(field.inner)  # type: ignore[attr-defined]
        return None if inner is None else _list_of(inner)
    if kind is fields.Dict:
        keys = field.key_field  # type: ignore[attr-defined]
        values = field.value_field  # type: ignore[attr-defined]
        read_key = _text if keys is None else _converter(keys)
        read_value = _any if values is None else _converter(values)
        if read_key is None or read_value is None:
            return None
        return _dict_of(read_key, read_value)
    if kind is fields.Nested:
        if field.only is not None or field.exclude:  # type: ignore[attr-defined]
            return None
        nested = field.schema  # type: ignore[attr-defined]
        if field.unknown not in (None, nested.unknown):  # type: ignore[attr-defined]
            return None
        loader = trusted_loader(nested)
        if loader is None:
            return None
        return _list_of(_mapping(loader)) if field.many else _mapping(loader)  # type: ignore[attr-defined]
    return None


def _any(value: Any) -> Any:
    return value


def _list_of(convert: Convert) -> Convert:
    def read(value: Any) -> list[Any]:
        if type(value) is not list:
            raise Untrusted(value)
        return [convert(item) for item in value]

    return read


def _dict_of(read_key: Convert, read_value: Convert) -> Convert:
    def read(value: Any) -> dict[Any, Any]:
        if type(value) is not dict:
            raise Untrusted(value)
        return {read_key(key): read_value(item) for key, item in value.items()}

    return read


def _mapping(loader: Loader) -> Convert:
    def read(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise Untrusted(value)
        return loader(value)

    return read


HOOKS = ("pre_load", "post_load")


def _hook_name(tag: Any) -> Any:
    """marshmallow files hooks under a name, or a (name, many) pair."""
    return tag[0] if isinstance(tag, tuple) else tag


def trusted_loader(schema: marshmallow.Schema) -> Loader | None:
    """A function reading `schema`'s data as written by an append, or None if some part of
    the schema is not one this module reads the same way as marshmallow."""
    if any(_hook_name(tag) in HOOKS and hooks for tag, hooks in schema._hooks.items()):
        return None  # (a load leaves empty lists under some tags: only hooks count)
    if any(field.pre_load or field.post_load for field in schema.load_fields.values()):  # type: ignore[attr-defined]
        return None
    plan: list[tuple[str, str, Convert, bool, Any, bool]] = []
    for name, field in schema.load_fields.items():
        convert = _converter(field)
        if convert is None:
            return None
        key = field.data_key or name
        attribute = field.attribute or name
        plan.append((key, attribute, convert, field.required, field.load_default, field.allow_none))
    if schema.unknown == marshmallow.INCLUDE:
        return None
    raising = schema.unknown == marshmallow.RAISE
    missing = marshmallow.missing

    def load(wire: Mapping[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        found = 0
        for key, attribute, convert, required, default, allow_none in plan:
            value = wire.get(key, missing)
            if value is missing:
                if default is not missing:
                    data[attribute] = default() if callable(default) else default
                elif required:
                    raise Untrusted(key)
                continue
            found += 1
            if value is None:
                if not allow_none:
                    raise Untrusted(key)
                data[attribute] = None
            else:
                data[attribute] = convert(value)
        if found != len(wire) and raising:
            raise Untrusted("unknown fields")  # marshmallow refuses them (EXCLUDE: dropped)
        return data

    return load
