"""Which databases the suite runs on: SQLite always, PostgreSQL too when TEST_DATABASE_URL
is set (every database test is then parametrized over both); a fresh PostgreSQL schema per
test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from events.db import create_db_engine

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
"""For the tests that need PostgreSQL whatever TEST_DATABASE_URL says (a cluster's projector)."""


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """The URL of a new, empty schema of the database at `base`, dropped after the block.
    Fails, not skips, when PostgreSQL is unreachable."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
