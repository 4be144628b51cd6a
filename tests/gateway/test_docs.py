"""/api/docs: every service's OpenAPI together, served by the gateway itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.embedded import free_port
from services import directory, trustdays
from tests.support.http import serve


def test_the_docs_page_lists_each_services_operations(make_gateway, counter_url):
    gone = f"http://127.0.0.1:{free_port()}"
    client = make_gateway(counter=counter_url, gone=gone).test_client()
    page = client.get("/api/docs").get_data(as_text=True)
    assert "POST /api/counter/counters/{name}/increments" in page
    assert "Add to the counter" in page
    assert "<code>by</code>" in page and "<code>reason</code>" in page
    assert "Not answering now, so not listed: gone" in page
    assert "<code>X-Staffroom-Check: only</code> a command is checked and not run" in page
    assert "<script" not in page  # self-hosted, and nothing to run


def test_the_merged_document_names_each_services_schemas(make_gateway, counter_url):
    client = make_gateway(counter=counter_url).test_client()
    spec = client.get("/api/docs/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    operation = spec["paths"]["/api/counter/counters/{name}/increments"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/counter.Increment"
    assert "counter.Increment" in spec["components"]["schemas"]


@pytest.fixture
def real_services(settings) -> Iterator[dict[str, str]]:
    with (
        serve(directory.create_app(settings)) as directory_url,
        serve(trustdays.create_app(settings)) as trustdays_url,
    ):
        yield {"directory": directory_url, "trustdays": trustdays_url}


def references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def resolve(document: dict, ref: str) -> object:
    """A local JSON pointer (RFC 6901), as a client of the document follows it."""
    assert ref.startswith("#/"), ref
    node: object = document
    for part in ref.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_every_reference_of_the_merged_document_resolves(make_gateway, real_services, counter_url):
    client = make_gateway(counter=counter_url, **real_services).test_client()
    spec = client.get("/api/docs/openapi.json").get_json()
    refs = set(references(spec))
    assert "#/components/responses/directory.DEFAULT_ERROR" in refs
    for ref in refs:
        resolve(spec, ref)


def error_responses(spec: dict) -> Iterator[tuple[str, dict]]:
    for path, item in spec["paths"].items():
        for method in set(item) & {"get", "post", "put", "patch", "delete"}:
            for status, response in item[method]["responses"].items():
                if status == "default" or status[:1] in "45":
                    yield f"{method.upper()} {path} {status}", response


def test_every_documented_error_has_the_shape_errors_have(make_gateway, real_services):
    client = make_gateway(**real_services).test_client()
    spec = client.get("/api/docs/openapi.json").get_json()
    for where, response in error_responses(spec):
        if "$ref" in response:
            response = resolve(spec, response["$ref"])
        schema = response["content"]["application/json"]["schema"]
        problem = resolve(spec, schema["$ref"])
        assert set(problem["properties"]) == {"error", "message", "fields"}, where
        assert problem["required"] == ["error", "message"], where


def test_form_fields_beside_a_file_are_in_the_multipart_body(make_gateway, real_services):
    client = make_gateway(**real_services).test_client()
    spec = client.get("/api/docs/openapi.json").get_json()
    places = {
        parameter["in"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
    }
    assert places <= {"path", "query", "header", "cookie"}  # OpenAPI 3 has no formData
    page = client.get("/api/docs").get_data(as_text=True)
    imports = page.split("POST /api/directory/imports")[1].split("POST /api/")[0]
    assert "<code>file</code>" in imports and "<code>mode</code>" in imports
