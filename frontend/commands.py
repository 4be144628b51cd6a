"""Commands from pages: sent to the service over HTTP as the signed-in person, so the
service decides exactly as it does for the API; then the page waits, briefly and bounded,
until its projection has read the write (the person who just booked sees the booking)."""

from __future__ import annotations

from typing import Any

import httpx
from flask import current_app, request
from werkzeug.exceptions import BadGateway, GatewayTimeout, ServiceUnavailable

from events.identity import IDENTITY_HEADER
from events.projection import wait_for

READ_YOUR_WRITES_TIMEOUT = 2.0


class Refused(Exception):
    """The service said no: which rule, in a sentence for a person, and field errors."""

    def __init__(self, status: int, rule: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.rule, self.message, self.fields = status, rule, message, fields or {}


def send(
    service: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    key: str | None = None,
    read_in: str | None = None,
) -> dict[str, Any]:
    """Send a command; its answer once projection `read_in` has applied it. `key` is the
    form's idempotency key: a double click or a resent form runs the command once."""
    url = current_app.extensions["services"].get(service)
    if url is None:
        raise ServiceUnavailable(f"The {service} service is not configured.")
    headers = {IDENTITY_HEADER: request.headers.get(IDENTITY_HEADER, "")}
    if key:
        headers["Idempotency-Key"] = key
    client: httpx.Client = current_app.extensions["service_client"]
    try:
        answer = client.request(method, url.rstrip("/") + path, json=body, headers=headers)
    except httpx.TimeoutException:
        raise GatewayTimeout(f"The {service} service did not answer in time.") from None
    except httpx.TransportError:
        raise BadGateway(f"The {service} service is not answering: try again.") from None
    if answer.status_code >= 400:
        problem = _json(answer)
        raise Refused(
            answer.status_code,
            problem.get("error", "refused"),
            problem.get("message", "That was refused."),
            problem.get("fields"),
        )
    outcome = _json(answer)
    if read_in:
        engine = current_app.extensions["engine"]
        wait_for(engine, read_in, int(outcome.get("seq", 0)), READ_YOUR_WRITES_TIMEOUT)
    return outcome


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
