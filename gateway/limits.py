"""How big a request body may be: an oversize body is refused with 413 before anything
reads it (CSRF, forms, the relay), so one request cannot grow a worker by its size."""

from __future__ import annotations

from flask import Response, request, session
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.errors import error

MEGABYTE = 1024 * 1024
MAX_BODY = 1 * MEGABYTE
"""Forms and JSON: far more than any page or API call sends."""
LARGER_BODIES = {"/api/directory/imports": 10 * MEGABYTE}
"""A school MIS staff export (CSV) of a large school, for someone signed in."""


def max_body() -> int:
    """This request's limit: the larger ones only for a session that names a sign-in (no
    database read yet: whether it is still open is checked after the body is read)."""
    if "sid" not in session:
        return MAX_BODY
    return LARGER_BODIES.get(request.path.rstrip("/"), MAX_BODY)


def limit_body() -> None:
    """Before anything else: a declared length over the limit is refused at once. A body
    without a length (chunked) is read now, one byte past the limit at most: werkzeug's
    capped stream stops at the cap without saying so, and a cut body must not go on."""
    limit = max_body()
    if request.content_length is not None:
        request.max_content_length = limit
        if request.content_length > limit:
            raise RequestEntityTooLarge()
        return
    request.max_content_length = limit + 1
    if len(request.get_data()) > limit:
        raise RequestEntityTooLarge()


def too_large(_: RequestEntityTooLarge) -> Response:
    """413, however it was found: by the declared length, or by reading past the limit."""
    message = f"The request is too large: at most {max_body() // MEGABYTE} MB here."
    return error(413, "too_large", message)
