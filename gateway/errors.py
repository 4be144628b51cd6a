"""The gateway's own answers: JSON for the API and for clients that ask for it, a page
for people, in the frontend's house style (its titles, its stylesheet, a way back)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from events.status_titles import title_of


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
    """werkzeug's error in our shape, with its own headers (a 405's Allow)."""
    code = (exception.name or "error").lower().replace(" ", "_")
    response = error(exception.code or 500, code, exception.description or "")
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
