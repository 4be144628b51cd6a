"""The frontend served inside the gateway's process: its WSGI app called directly, with the
request as the relay would have sent it, instead of over HTTP.

On booking morning the relay to the frontend (an HTTP request written, parsed by a second
gunicorn, the answer read back) was most of the gateway's CPU and a process of its own
(make bench --only front; docs/deploy.md). `staffroom up` runs the frontend this way
(deploy/front_door.py); a deployment may still run it as a process of its own behind the
HTTP relay (STAFFROOM_FRONTEND_URL), and the services are always reached over HTTP.

The frontend sees what it sees behind the relay: the gateway's signed identity header in
place of the browser's, no session cookie, the X-Forwarded-* headers, the body the gateway
has read within its limit. The gateway imports no frontend module: it is handed the app.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import Request, Response
from werkzeug.wrappers import Response as BaseResponse

from events.identity import IDENTITY_HEADER
from gateway.proxy import HOP_BY_HOP, NOT_PASSED_ON, bounded_body

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

NOT_PASSED_ON_ENVIRON = frozenset(
    "HTTP_" + name.upper().replace("-", "_")
    for name in NOT_PASSED_ON | {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
    if name not in ("content-length", "host")
)
"""The headers the relay does not pass on, as WSGI names them (the host stays: the relay's
X-Forwarded-Host carries it), and the forwarded ones, which the gateway sets anew."""
IDENTITY = "HTTP_" + IDENTITY_HEADER.upper().replace("-", "_")


def serve(app: WSGIApplication, request: Request, identity: str | None) -> BaseResponse:
    """The frontend's answer to `request`, passed on with the signed `identity` header (if
    signed in). Its body is streamed as the app gives it; closing the answer closes it."""
    body = bounded_body(request)
    environ = {
        key: value
        for key, value in request.environ.items()
        if key not in NOT_PASSED_ON_ENVIRON and not key.startswith(("werkzeug.", "flask."))
    }
    forwarded_for = request.headers.get("X-Forwarded-For")
    client_address = request.remote_addr or ""
    environ |= {
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_FORWARDED_FOR": (
            f"{forwarded_for}, {client_address}" if forwarded_for else client_address
        ),
        "HTTP_X_FORWARDED_PROTO": request.scheme,
        "HTTP_X_FORWARDED_HOST": request.host,
    }
    if identity:
        environ[IDENTITY] = identity
    answer = Response.from_app(app, environ)
    for header in [key for key, _ in answer.headers if key.lower() in HOP_BY_HOP]:
        del answer.headers[header]
    return answer
