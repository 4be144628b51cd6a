"""Migrations and metadata must agree: deployments get their tables from the migrations,
`rebuild` gets them from the metadata, and the two must never drift apart."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text

import readmodels.registry  # declares every read model table, with the next line
import readmodels.signins  # noqa: F401
from events.db import create_db_engine, migrate, writing
from events.projection import metadata as runtime_metadata
from readmodels import PACKAGE_DIR
from readmodels import metadata as readmodels_metadata


def all_tables() -> MetaData:
    combined = MetaData()
    for metadata in (runtime_metadata, readmodels_metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def test_migrated_schema_matches_the_tables_in_code(database_url):
    engine = create_db_engine(database_url)
    migrate(engine, [PACKAGE_DIR])
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), all_tables())
    engine.dispose()
    ignored = {"alembic_version"}
    real = [d for d in differences if not (d[0] == "remove_table" and d[1].name in ignored)]
    assert real == []


def test_a_database_made_before_the_read_models_moved_still_upgrades(database_url):
    """The migrations moved from frontend/ to readmodels/ with their revision ids and
    branch label: a database stamped by the old tree finds each of them and upgrades."""
    engine = create_db_engine(database_url)
    migrate(engine, [PACKAGE_DIR])
    with writing(engine).begin() as connection:
        connection.execute(text("DROP TABLE sign_ins"))
        connection.execute(text("DROP TABLE identity_links"))
        stamped = "UPDATE alembic_version SET version_num = 'frontend_0003'"
        connection.execute(text(stamped + " WHERE version_num = 'frontend_0004_gateway'"))
    migrate(engine, [PACKAGE_DIR])
    with engine.connect() as connection:
        heads = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
        assert connection.scalar(text("SELECT count(*) FROM sign_ins")) == 0
    engine.dispose()
    assert "frontend_0004_gateway" in heads
