"""The gateway's own answers: JSON for the API and for clients that ask for it, a page
for people, in the frontend's house style (its titles, its stylesheet, a way back)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from events import unknown_outcome
from events.status_titles import title_of
from gateway.routes import Target

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def error(status: int, code: str, message: str) -> Response:
    message = message[:1].upper() + message[1:]
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if request.path.startswith("/api/") or wanted == "application/json":
        response = jsonify(error=code, message=message)
    else:
        page = render_template("error.html", title=title_of(status), message=message)
        response = Response(page)
    response.status_code = status
    return response


def http_error(exception: HTTPException) -> Response:
    """werkzeug's error in our shape, with its own headers (a 405's Allow). A bug (500) on a
    request that changes something may have come after it was relayed and done: said so."""
    code = (exception.name or "error").lower().replace(" ", "_")
    said = exception.description or ""
    if exception.code == 500 and request.method not in SAFE_METHODS:
        code = "not_confirmed"
        if request.path.startswith("/api/"):
            said = unknown_outcome.after_a_fault(request.headers.get("Idempotency-Key"))
        else:
            said = unknown_outcome.A_FAULT_ON_A_PAGE
    response = error(exception.code or 500, code, said)
    for header, value in exception.get_headers():
        if header.lower() != "content-type":
            response.headers[header] = value
    return response


def database_unavailable(exception: Exception) -> Response:
    """The people's records cannot be read (locked, unreachable, out of connections): say
    so at once, rather than a 500."""
    current_app.logger.warning("people's records unavailable: %s", exception)
    message = "Sign-in records cannot be read just now: try again in a few seconds."
    response = error(503, "unavailable", message)
    response.headers["Retry-After"] = "5"
    return response


def not_sent(target: Target) -> Response:
    """The connection to `target` could not be made: the request never left."""
    message = unknown_outcome.not_sent(target.label)
    return _retry_soon(error(502, "bad_gateway", message))


def no_answer(target: Target) -> Response:
    """`target` had the request but gave no answer: a read is simply tried again; a change
    may or may not have been done, and only the same key tells without doing it twice."""
    late = f"{target.label} did not answer in time."
    if request.method in SAFE_METHODS:
        return _retry_soon(error(504, "gateway_timeout", f"{late} Try again."))
    if target.is_frontend:
        return _retry_soon(error(504, "not_confirmed", unknown_outcome.ON_A_PAGE))
    key = request.headers.get("Idempotency-Key")
    return _retry_soon(error(504, "not_confirmed", f"{late} {unknown_outcome.for_a_client(key)}"))


def _retry_soon(response: Response) -> Response:
    response.headers["Retry-After"] = unknown_outcome.RETRY_AFTER
    return response


def too_many_waiting(target: Target) -> Response:
    """`target` has as many requests waiting as the gateway lets it hold: not sent."""
    message = unknown_outcome.too_many_waiting(target.label)
    return _retry_soon(error(503, "busy", message))
