"""The read side: for each service, the SQL tables its projection folds from the log and
the queries pages ask of them (`readmodels/<service>/`: tables.py, projection.py,
queries.py), and `registry.py`, the one list of projections everything runs.

Every table of the read-model database is declared on `metadata` and made by the
migrations under `migrations/versions` (pass `PACKAGE_DIR` to events.db.migrate).
This module imports nothing else, so a process takes only the read sides it uses.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData

metadata = MetaData()

PACKAGE_DIR = Path(__file__).parent
"""Holds migrations/versions: pass it to events.db.migrate."""
