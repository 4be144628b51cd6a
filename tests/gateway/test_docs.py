"""/api/docs: every service's OpenAPI together, served by the gateway itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.embedded import free_port
from tests.support import counter_service
from tests.support.http import serve


@pytest.fixture
def counter_url(settings) -> Iterator[str]:
    with serve(counter_service.create_app(settings)) as url:
        yield url


def test_the_docs_page_lists_each_services_operations(make_gateway, counter_url):
    gone = f"http://127.0.0.1:{free_port()}"
    client = make_gateway(counter=counter_url, gone=gone).test_client()
    page = client.get("/api/docs").get_data(as_text=True)
    assert "POST /api/counter/counters/{name}/increments" in page
    assert "Add to the counter" in page
    assert "<code>by</code>" in page and "<code>reason</code>" in page
    assert "Not answering now, so not listed: gone" in page
    assert "<script" not in page  # self-hosted, and nothing to run


def test_the_merged_document_names_each_services_schemas(make_gateway, counter_url):
    client = make_gateway(counter=counter_url).test_client()
    spec = client.get("/api/docs/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    operation = spec["paths"]["/api/counter/counters/{name}/increments"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/counter.Increment"
    assert "counter.Increment" in spec["components"]["schemas"]
