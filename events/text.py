"""Text a read model can store, checked once for every command and every event.

PostgreSQL refuses NUL in text, no database encodes a lone surrogate (JSON's "\\udfff"
decodes to one), and other control characters have no place in a name or a note: such
text is refused at the edge, before it can reach the log, where it would stay for good.
Tab and line breaks are allowed everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = "Contains a character that cannot be stored (a control character or a lone surrogate)."
MAX_DEPTH = 32
"""How deep JSON may nest: far more than any command needs, far less than Python's stack."""
ID_LENGTH = 36
"""The longest id a read model keeps (a UUID's 36 characters). A field named `*_id`, or an
item of one named `*_ids`, that is longer names nothing, and an event carrying it could not
be stored (PostgreSQL refuses it, and the projection would stop there)."""
ID_MESSAGE = f"Longer than any id ({ID_LENGTH} characters): it names nothing here."


class NestedTooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def storable(text: str) -> str:
    """`text` with every unstorable character replaced (for messages about such text)."""
    return UNSTORABLE.sub("\ufffd", text)


def text_errors(value: Any, depth: int = 0) -> dict[Any, Any]:
    """Field errors shaped as marshmallow's (`{"leader": {"name": [...]}}`, list items by
    index) for each string in `value` that holds an unstorable character; {} if none.

    Raises NestedTooDeep past MAX_DEPTH, so that no input can exhaust the stack."""
    errors: dict[Any, Any] = {}
    for key, item in _items(value, depth):
        if isinstance(key, str) and UNSTORABLE.search(key):
            errors[storable(key)] = [MESSAGE]
        elif isinstance(item, str):
            if UNSTORABLE.search(item):
                errors[key] = [MESSAGE]
        elif inner := text_errors(item, depth + 1):
            errors[key] = inner
    return errors


def overlong_ids(value: Any, in_a_list_of_ids: bool = False, depth: int = 0) -> dict[Any, Any]:
    """Field errors shaped as `text_errors`' for each id in `value` longer than ID_LENGTH:
    a string named `*_id`, or an item of a list named `*_ids`."""
    errors: dict[Any, Any] = {}
    for key, item in _items(value, depth):
        named = str(key)
        if isinstance(item, str):
            an_id = named.endswith("_id") or (in_a_list_of_ids and isinstance(key, int))
            if an_id and len(item) > ID_LENGTH:
                errors[key] = [ID_MESSAGE]
        elif inner := overlong_ids(item, named.endswith("_ids"), depth + 1):
            errors[key] = inner
    return errors


def _items(value: Any, depth: int) -> Iterable[tuple[Any, Any]]:
    """A mapping's or a list's (key or index, item) pairs; none for anything else."""
    if depth > MAX_DEPTH:
        raise NestedTooDeep(f"Nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, Mapping):
        return value.items()
    if isinstance(value, list | tuple):
        return enumerate(value)
    return ()


FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,59}\Z")
"""A name a form of ours may give a field (`leader_name`, `item-<uuid>-minutes`)."""


def our_names(fields: list[str]) -> str | None:
    """The fields' names for a page's sentence, if each is a name a form of ours may use;
    else None: a name is the sender's to write, and would put their words on our page
    ("?Your_account_is_locked=%00")."""
    if fields and all(FIELD_NAME.match(name) for name in fields):
        return ", ".join(fields)
    return None


def unstorable_said(fields: list[str]) -> str:
    """A page's 422 for `unstorable_fields`, naming them where `our_names` may."""
    if named := our_names(fields):
        return f"{named}: holds a character that cannot be used."
    return "A field holds a character that cannot be used."


def unstorable_fields(*places: Mapping[str, Any]) -> list[str]:
    """The names of the fields of a query string or form (werkzeug MultiDicts, or plain
    mappings) that hold an unstorable character: for a page's clear 422."""
    errors: dict[Any, Any] = {}
    for place in places:
        lists = place.lists() if hasattr(place, "lists") else place.items()
        errors.update(text_errors(dict(lists)))
    return sorted(str(field) for field in errors)
