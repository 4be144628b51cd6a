"""Pass a request on to its target and the answer back, streaming both ways."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from flask import Request, Response

from events.identity import IDENTITY_HEADER, SIGN_IN_HEADER
from gateway.routes import Target

# Headers about one connection, not the message: never passed on (RFC 9110, 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


NOT_PASSED_ON = HOP_BY_HOP | {
    "host",
    "content-length",
    "cookie",
    IDENTITY_HEADER.lower(),
    SIGN_IN_HEADER.lower(),
}
"""The session cookie is the gateway's alone, and only the gateway says who is asking or
who has just signed in."""


def outgoing(
    client: httpx.Client, request: Request, target: Target, identity: str | None
) -> httpx.Request:
    """The request for `target`, carrying the signed `identity` header (if signed in)."""
    headers = {
        key: value for key, value in request.headers.items() if key.lower() not in NOT_PASSED_ON
    }
    if identity:
        headers[IDENTITY_HEADER] = identity
    forwarded_for = request.headers.get("X-Forwarded-For")
    client_address = request.remote_addr or ""
    headers["X-Forwarded-For"] = (
        f"{forwarded_for}, {client_address}" if forwarded_for else client_address
    )
    headers["X-Forwarded-Proto"] = request.scheme
    headers["X-Forwarded-Host"] = request.host
    if target.prefix:
        headers["X-Forwarded-Prefix"] = target.prefix
    url = httpx.URL(target.base_url + quote(target.path, safe="/:@!$&'()*+,;=-._~"))
    return client.build_request(
        request.method,
        url.copy_with(query=request.query_string or None),
        headers=headers,
        content=bounded_body(request),
    )


def bounded_body(request: Request) -> bytes:
    """The whole body, read at most up to the request's limit (413 past it: see
    gateway/limits.py). Forms, JSON and a CSV are small, and a length beats chunks."""
    if request.max_content_length is None:
        raise RuntimeError("The gateway reads no body without a limit.")
    return request.get_data()


def relay(upstream: httpx.Response) -> Response:
    headers = [
        (key, value)
        for key, value in upstream.headers.multi_items()
        if key.lower() not in HOP_BY_HOP
    ]
    response = Response(upstream.iter_raw(), status=upstream.status_code, headers=headers)
    response.call_on_close(upstream.close)
    return response
