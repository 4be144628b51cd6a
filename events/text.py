"""Text a read model can store, checked once for every command and every event.

PostgreSQL refuses NUL in text, no database encodes a lone surrogate (JSON's "\\udfff"
decodes to one), and other control characters have no place in a name or a note: such
text is refused at the edge, before it can reach the log, where it would stay for good.
Tab and line breaks are allowed everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = "Contains a character that cannot be stored (a control character or a lone surrogate)."
MAX_DEPTH = 32
"""How deep JSON may nest: far more than any command needs, far less than Python's stack."""


class NestedTooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def storable(text: str) -> str:
    """`text` with every unstorable character replaced (for messages about such text)."""
    return UNSTORABLE.sub("\ufffd", text)


def text_errors(value: Any, depth: int = 0) -> dict[Any, Any]:
    """Field errors shaped as marshmallow's (`{"leader": {"name": [...]}}`, list items by
    index) for each string in `value` that holds an unstorable character; {} if none.

    Raises NestedTooDeep past MAX_DEPTH, so that no input can exhaust the stack."""
    if depth > MAX_DEPTH:
        raise NestedTooDeep(f"Nested deeper than {MAX_DEPTH} levels.")
    items: Any
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return {}
    errors: dict[Any, Any] = {}
    for key, item in items:
        if isinstance(key, str) and UNSTORABLE.search(key):
            errors[storable(key)] = [MESSAGE]
        elif isinstance(item, str):
            if UNSTORABLE.search(item):
                errors[key] = [MESSAGE]
        elif inner := text_errors(item, depth + 1):
            errors[key] = inner
    return errors


def unstorable_fields(*places: Mapping[str, Any]) -> list[str]:
    """The names of the fields of a query string or form (werkzeug MultiDicts, or plain
    mappings) that hold an unstorable character: for a page's clear 422."""
    errors: dict[Any, Any] = {}
    for place in places:
        lists = place.lists() if hasattr(place, "lists") else place.items()
        errors.update(text_errors(dict(lists)))
    return sorted(str(field) for field in errors)
