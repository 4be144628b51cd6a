"""The gateway: the one door. It routes /api/<service>/... to that service and everything
else to the frontend, and sets the security headers of every answer.

A service sees the path after /api/<service>, with that prefix in X-Forwarded-Prefix
(werkzeug's ProxyFix(x_prefix=1) makes its url_for include it again).
"""

from __future__ import annotations

import httpx
from flask import Flask, Response, jsonify, request
from markupsafe import escape

from gateway.proxy import outgoing, relay
from gateway.routes import Routes

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
TITLES = {404: "Not found", 502: "Not answering", 504: "Too slow to answer"}


def create_app(routes: Routes | None = None, timeout: float = 10.0) -> Flask:
    routes = routes or Routes.from_env()
    app = Flask(__name__, static_folder=None)  # /static/ is the frontend's
    client = httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )
    app.extensions["gateway.client"] = client

    @app.route("/", defaults={"path": ""}, methods=METHODS)
    @app.route("/<path:path>", methods=METHODS)
    def proxy(path: str) -> Response:
        target = routes.target(request.path)
        if target is None:
            name = request.path.removeprefix("/api/").partition("/")[0]
            return error(404, "not_found", f"There is no service at /api/{name}.")
        try:
            upstream = client.send(outgoing(client, request, target), stream=True)
        except httpx.TimeoutException:
            return error(504, "gateway_timeout", f"{target.label} did not answer in time.")
        except httpx.TransportError:
            message = f"{target.label} is not answering: it may be starting or stopped."
            return error(502, "bad_gateway", message)
        return relay(upstream)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


def error(status: int, code: str, message: str) -> Response:
    message = message[0].upper() + message[1:]
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if request.path.startswith("/api/") or wanted == "application/json":
        response = jsonify(error=code, message=message)
    else:
        title = TITLES.get(status, "Error")
        response = Response(
            f'<!doctype html><html lang="en-GB"><meta charset="utf-8">'
            f"<title>{title} · Staffroom</title><h1>{title}</h1><p>{escape(message)}</p>"
            f'<p><a href="/">Back to Staffroom</a></p></html>',
            mimetype="text/html",
        )
    response.status_code = status
    return response
