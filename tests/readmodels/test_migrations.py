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
        for since_0003 in AFTER_0003:
            connection.execute(text(since_0003))
        connection.execute(text(A_SLOT_OF_0003))
        stamped = "UPDATE alembic_version SET version_num = 'frontend_0003'"
        connection.execute(text(stamped + " WHERE version_num LIKE 'frontend_%'"))
    migrate(engine, [PACKAGE_DIR])
    with engine.connect() as connection:
        heads = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
        assert connection.scalar(text("SELECT count(*) FROM sign_ins")) == 0
        assert connection.scalar(text("SELECT speaker FROM pd_slots")) == ""
    engine.dispose()
    assert "frontend_0003" not in heads


AFTER_0003 = (
    "DROP TABLE sign_ins",
    "DROP TABLE identity_links",
    "DROP TABLE pd_exemptions",
    "ALTER TABLE pd_slots DROP COLUMN speaker",
    "ALTER TABLE pd_sessions DROP COLUMN leader_bio",
    "ALTER TABLE pd_sessions DROP COLUMN join_link",
    # 0006_trustyear
    "DROP TABLE trust_years",
    "DROP TABLE year_terms",
    "DROP TABLE school_terms",
    "DROP TABLE school_closures",
    "DROP TABLE directory_posts",
    "DROP INDEX ix_pd_sessions_network_id",
    "ALTER TABLE pd_sessions DROP COLUMN network_id",
    # 0007_networks
    *(f"DROP TABLE {table}" for table in ("networks", "network_posts", "network_people")),
    *(f"DROP TABLE network_{table}" for table in ("meetings", "options", "invitees", "votes")),
    *(f"DROP TABLE network_{table}" for table in ("answers", "nudges", "agenda", "minutes")),
    *(f"DROP TABLE network_{table}" for table in ("actions", "action_schools", "marks")),
    *(f"DROP TABLE {table}" for table in ("network_series", "network_clashes")),
    "DROP TABLE school_priorities",
    # 0008_notifications
    *(f"DROP TABLE notification_{table}" for table in ("messages", "bounces", "preferences")),
    # 0009_invitation_answers
    "DROP TABLE network_invitation_answers",
)
A_SLOT_OF_0003 = (
    "INSERT INTO pd_slots (slot_id, day_id, kind, title, starts, ends)"
    " VALUES ('s1', 'd1', 'keynote', 'Keynote', '09:00', '10:00')"
)
