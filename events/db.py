"""The SQL side: an engine from DATABASE_URL (SQLite by default, PostgreSQL through
psycopg 3) and schema changes through Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


def create_db_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **options)
    return create_engine(parsed, pool_pre_ping=True, **options)


def _sqlite_engine(url: str, **options: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **options)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (so BEGIN IMMEDIATE below holds)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_immediate(connection: Any) -> None:
        # Writers queue for the lock at BEGIN instead of failing when a read upgrades.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, packages: Iterable[Path] = ()) -> None:
    """Bring the schema to the newest revision: the runtime's own tables and those of
    each package folder given (each with a `migrations/versions` of its own)."""
    locations = [MIGRATIONS / "versions", *(Path(p) / "migrations" / "versions" for p in packages)]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
