"""Every service's OpenAPI documents its errors as they are: `{"error", "message", "fields"}`
(flask-smorest's own error schema has other names), on every documented error response."""

from __future__ import annotations

from typing import Any

import flask_smorest
from apispec import BasePlugin
from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields

from events.check_only import checked_before

PROBLEM = {"$ref": "#/components/schemas/Problem"}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's, with each arguments schema made once: given a Schema class, webargs
    makes an instance for every request (about 9% of a booking's CPU in the trust days
    service, make bench --only front). The OpenAPI document is the same. A view with
    arguments answers a check once they have passed (`events.check_only`)."""

    def arguments(self, schema: type[Schema] | Schema, *args: Any, **kwargs: Any) -> Any:
        made = schema() if isinstance(schema, type) else schema
        parsed = super().arguments(made, *args, **kwargs)
        return lambda view: parsed(checked_before(view))


class ProblemSchema(Schema):
    """Documentation only: `events.service.problem` makes the body."""

    class Meta:
        unknown = INCLUDE  # an answer may say more (an import's report of bad rows)

    error = fields.String(required=True, metadata={"description": "What went wrong, as a code"})
    message = fields.String(required=True, metadata={"description": "A sentence for a person"})
    field_errors = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        metadata={"description": "The fields that are not valid, each with its errors"},
    )


class DocumentedAsAnswered(BasePlugin):
    """What flask-smorest leaves out or gets wrong: an error documented without a body
    (`alt_response(409, description=...)`) gets the shape every error has, and form fields
    beside a file go in the multipart body."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            _form_fields_in_the_body(operation)
            for status, response in operation.get("responses", {}).items():
                if _is_error(status) and isinstance(response, dict) and _has_no_body(response):
                    response["content"] = {"application/json": {"schema": PROBLEM}}


def _form_fields_in_the_body(operation: dict) -> None:
    """Form fields beside a file upload come out as OpenAPI 2's `formData` parameters,
    which OpenAPI 3 has not (a client or fuzzer reading the document fails on them): they
    belong in the multipart body, beside the file."""
    parameters = operation.get("parameters", [])
    form = [p for p in parameters if isinstance(p, dict) and p.get("in") == "formData"]
    if not form:
        return
    operation["parameters"] = [p for p in parameters if p not in form]
    if not operation["parameters"]:
        del operation["parameters"]
    fields: dict[str, Any] = {
        "type": "object",
        "properties": {p["name"]: _described(p) for p in form},
    }
    if required := [p["name"] for p in form if p.get("required")]:
        fields["required"] = required
    body = operation.setdefault("requestBody", {"required": True})
    media = body.setdefault("content", {}).setdefault("multipart/form-data", {})
    media["schema"] = {"allOf": [media["schema"], fields]} if "schema" in media else fields


def _described(parameter: dict) -> dict:
    schema = dict(parameter.get("schema", {}))
    if "description" in parameter:
        schema["description"] = parameter["description"]
    return schema


def _is_error(status: object) -> bool:
    return str(status) == "default" or str(status)[:1] in ("4", "5")


def _has_no_body(response: dict) -> bool:
    return "content" not in response and "schema" not in response and "$ref" not in response


class ServiceApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Any = None) -> None:
        super().__init__(app, spec_kwargs={"extra_plugins": [DocumentedAsAnswered()]})
