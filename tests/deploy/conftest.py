"""The deployment tests' PostgreSQL: a cluster's projector follows into PostgreSQL even when
the suite runs on SQLite alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.databases import DEFAULT_POSTGRES, POSTGRES_URL, fresh_schema


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema of the suite's PostgreSQL (or the machine's default one)."""
    with fresh_schema(POSTGRES_URL or DEFAULT_POSTGRES) as url:
        yield url
