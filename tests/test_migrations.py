"""Migrations and metadata must agree: deployments get their tables from the migrations,
`rebuild` gets them from the metadata, and the two must never drift apart."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

import frontend
from events.db import create_db_engine, migrate
from events.projection import metadata as runtime_metadata
from frontend.readmodels import metadata as frontend_metadata


def all_tables() -> MetaData:
    combined = MetaData()
    for metadata in (runtime_metadata, frontend_metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def test_migrated_schema_matches_the_tables_in_code(database_url):
    engine = create_db_engine(database_url)
    migrate(engine, [Path(frontend.__file__).parent])
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), all_tables())
    engine.dispose()
    ignored = {"alembic_version"}
    real = [d for d in differences if not (d[0] == "remove_table" and d[1].name in ignored)]
    assert real == []
