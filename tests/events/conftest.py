"""The counter service (tests.support.counter_service) over real HTTP, for the tests of what
every service shares."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from events.config import Settings
from tests.support import counter_service
from tests.support.http import serve
from tests.support.identity import SECRET_KEY


@pytest.fixture
def service(nats_server, store, stream_settings) -> Iterator[httpx.Client]:
    settings = Settings(nats_server.url, "sqlite://", stream_settings, SECRET_KEY)
    with serve(counter_service.create_app(settings)) as url, httpx.Client(base_url=url) as client:
        yield client
