"""Writing a read model's rows the way the networks' events replace them whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, delete, insert


def replace_rows(
    connection: Connection, table: Table, key: Mapping[str, Any], rows: list[dict[str, Any]]
) -> None:
    """The rows of `table` under `key` become `rows` (each given the key's columns)."""
    connection.execute(delete(table).where(*(table.c[k] == v for k, v in key.items())))
    if rows:
        connection.execute(insert(table), [{**key, **row} for row in rows])
