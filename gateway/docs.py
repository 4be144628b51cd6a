"""/api/docs: every service's OpenAPI (made from its marshmallow schemas), served together
by the gateway as one page and one merged document, with nothing fetched from elsewhere."""

from __future__ import annotations

import re
from typing import Any

import httpx
from flask import Blueprint, current_app, jsonify, render_template
from werkzeug.wrappers import Response

docs = Blueprint("docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def service_specs() -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Each answering service's OpenAPI document, and the names of those not answering."""
    client: httpx.Client = current_app.extensions["gateway.client"]
    specs, missing = {}, []
    for name, url in sorted(current_app.extensions["routes"].services.items()):
        try:
            answer = client.get(f"{url.rstrip('/')}/openapi.json", timeout=3)
            answer.raise_for_status()
            specs[name] = answer.json()
        except (httpx.HTTPError, ValueError):
            missing.append(name)
    return specs, missing


def merged(specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One document: paths under /api/<service>, each component (schemas, responses,
    parameters...) named <service>.<Name>, and every reference renamed with it."""
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {"schemas": {}}
    for name, spec in specs.items():
        spec = _renamed_refs(spec, name)
        paths.update({f"/api/{name}{path}": item for path, item in spec.get("paths", {}).items()})
        for kind, named in spec.get("components", {}).items():
            for component, body in named.items():
                components.setdefault(kind, {})[f"{name}.{component}"] = body
    return {
        "openapi": "3.1.0",
        "info": {"title": "Staffroom API", "version": "1"},
        "paths": paths,
        "components": components,
    }


COMPONENT_REF = re.compile(r"#/components/(?P<kind>[^/]+)/(?P<name>.+)")


def _renamed_refs(node: Any, service: str) -> Any:
    if isinstance(node, dict):
        return {
            key: _renamed_ref(value, service) if key == "$ref" else _renamed_refs(value, service)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed_refs(item, service) for item in node]
    return node


def _renamed_ref(ref: Any, service: str) -> Any:
    found = COMPONENT_REF.fullmatch(ref) if isinstance(ref, str) else None
    if found is None:
        return ref
    return f"#/components/{found['kind']}/{service}.{found['name']}"


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's operations in path order, each with its request body's fields."""
    schemas = spec["components"]["schemas"]
    found = []
    for path, item in sorted(spec["paths"].items()):
        for method in METHODS:
            if method in item:
                operation = item[method]
                found.append(
                    {
                        "path": path,
                        "method": method.upper(),
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": operation.get("parameters", []),
                        "body": _body_fields(operation, schemas),
                        "responses": operation.get("responses", {}),
                    }
                )
    return found


def _body_fields(operation: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        parts = _parts(media.get("schema", {}), schemas)
        required = {field for part in parts for field in part.get("required", [])}
        return [
            {"name": field, "type": _type_of(spec), "required": field in required, **spec}
            for part in parts
            for field, spec in part.get("properties", {}).items()
        ]
    return []


def _parts(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema, its reference followed, or each part of an `allOf` (a file upload's
    form fields beside its file)."""
    if "allOf" in schema:
        return [part for item in schema["allOf"] for part in _parts(item, schemas)]
    ref = schema.get("$ref", "").removeprefix("#/components/schemas/")
    return [schemas.get(ref, schema)]


def _type_of(spec: dict[str, Any]) -> str:
    kind = spec.get("type", "object")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    return f"{kind} ({spec['format']})" if "format" in spec else kind


@docs.get("/api/docs")
def page() -> str:
    specs, missing = service_specs()
    spec = merged(specs)
    return render_template(
        "docs.html", title="API", operations=operations(spec), services=specs, missing=missing
    )


@docs.get("/api/docs/openapi.json")
def document() -> Response:
    return jsonify(merged(service_specs()[0]))
