"""Which databases the suite runs on: SQLite always, PostgreSQL too when TEST_DATABASE_URL
is set (every database test is then parametrized over both)."""

from __future__ import annotations

import os

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
