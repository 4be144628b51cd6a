"""The SQL side: an engine from DATABASE_URL (SQLite by default, PostgreSQL through
psycopg 3) and schema changes through Alembic migrations.

Reads never wait on writers: SQLite runs in WAL mode and a transaction begins deferred
(a plain BEGIN), giving up after READ_BUSY_TIMEOUT if the database cannot be read at all.
A transaction that reads and then writes (the projector's) uses `writing(engine)`: on
SQLite it takes the write lock at BEGIN IMMEDIATE and queues up to WRITE_BUSY_TIMEOUT.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Dialect, Engine, TypeDecorator, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "staffroom_write"
"""The execution option that marks a transaction as a writer's."""
READ_BUSY_TIMEOUT = 3.0
WRITE_BUSY_TIMEOUT = 30.0
CONNECT_TIMEOUT = 5
"""Seconds to reach PostgreSQL before a page says the database cannot be read."""


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and read back aware. SQLite keeps no offset: an aware time
    is turned to UTC before it is stored (09:00 BST is 08:00 UTC, never 09:00 UTC), and a
    naive one read back is UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and not value.tzinfo else value


def writing(engine: Engine) -> Engine:
    """`engine` for transactions that read then write: on SQLite they take the write lock
    when they begin, so they queue for it instead of failing when a read turns into a write."""
    return engine.execution_options(**{WRITE: True})


def create_db_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **options)
    options.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT})
    return create_engine(parsed, pool_pre_ping=True, **options)


def _sqlite_engine(url: str, **options: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": READ_BUSY_TIMEOUT}, **options)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (so the BEGIN below holds)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        writer = connection.get_execution_options().get(WRITE, False)
        timeout = WRITE_BUSY_TIMEOUT if writer else READ_BUSY_TIMEOUT
        # Straight to the driver: through SQLAlchemy (exec_driver_sql) these two statements
        # cost more than many a page's query (about 9% of a page's CPU, make bench --only front)
        driver = connection.connection.driver_connection
        driver.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        driver.execute("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def migrate(engine: Engine, packages: Iterable[Path] = ()) -> None:
    """Bring the schema to the newest revision: the runtime's own tables and those of
    each package folder given (each with a `migrations/versions` of its own).

    Alembic (and mako, pygments with it: about 110 modules) is imported here, by the one
    process that migrates, not by every process that reads or writes SQL."""
    from alembic import command
    from alembic.config import Config

    locations = [MIGRATIONS / "versions", *(Path(p) / "migrations" / "versions" for p in packages)]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    with writing(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
