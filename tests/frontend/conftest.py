"""The frontend tests' settings: the suite's nats-server and stream, and a database
migrated for every read model."""

from __future__ import annotations

import pytest

from events.config import Settings
from events.db import migrate
from readmodels import PACKAGE_DIR
from tests.support.identity import SECRET_KEY


@pytest.fixture
def settings(nats_server, store, stream_settings, database_url, engine) -> Settings:
    migrate(engine, [PACKAGE_DIR])
    return Settings(nats_server.url, database_url, stream_settings, SECRET_KEY)
