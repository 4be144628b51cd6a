"""The one way the frontend turns a refusal or a fault into an answer.

A refusal is the service saying no (frontend.commands.Refused): it keeps the service's
status. A form answers a 409 or 422 in place, with its sentence (base.html's htmx-config
swaps those); any other refusal (403, 404…) is answered like every HTTP error and every
fault (502 not answering, 503 not confirmed, busy or the database away, with Retry-After):
the house's error page with its title, a sentence and a way back; to htmx, the sentence
for the page's message area; JSON to a client that asks for it. A bug (500) on a request
that changes something says that it may have been done (or that it was), and to reload and
check before trying again (events/unknown_outcome.py)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from events import unknown_outcome
from events.status_titles import title_of
from frontend import not_shown_yet
from frontend.commands import Refused

ANSWERED_IN_PLACE = (409, 422)
"""Refusals a form shows in place, with the form as it was sent."""
NO_WAY_TO_THE_DAY = (401, 403, 404)
"""Errors after which the day itself may not be there for the person: back home instead."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
"""Requests that change nothing: a bug there is only a page that did not load."""
MESSAGE_PART = Markup('<p class="banner warning" role="alert">{}</p>')
"""Shaped as static/app.js's own messages in #messages."""


class DatabaseUnavailable(ServiceUnavailable):
    def __init__(self, done: bool = False) -> None:
        super().__init__(
            not_shown_yet.CANNOT_SHOW
            if done
            else "The calendar's records cannot be read just now. Please try again in a minute.",
            retry_after=10,
        )


def attempt(command: Callable[[], str | None], done: str | None = None) -> tuple[str | None, int]:
    """Run a page's command: what to tell the person (what it returned, else `done`) and
    200, or a refusal's sentence and status when the form answers it in place (409, 422).
    Other refusals and every fault are raised, for `answer` below."""
    try:
        return command() or done, 200
    except Refused as refused:
        if refused.status in ANSWERED_IN_PLACE:
            return refused.message, refused.status
        raise


def answer(status: int, code: str, message: str, headers: list[tuple[str, str]]) -> Response:
    message = message[:1].upper() + message[1:]
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if wanted == "application/json":
        response = jsonify(error=code, message=message)
    elif request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        response = Response(MESSAGE_PART.format(message))
    else:
        back, back_label = way_back(status)
        page = render_template(
            "error.html", title=title_of(status), message=message, back=back, back_label=back_label
        )
        response = Response(page)
    response.status_code = status
    for header, value in headers:
        if header.lower() != "content-type":
            response.headers[header] = value
    return response


def way_back(status: int) -> tuple[str, str]:
    """Back to the day the person was on, when there is one they may see; else home."""
    day_id = (request.view_args or {}).get("day_id")
    if day_id and status not in NO_WAY_TO_THE_DAY:
        return url_for("programme.page", day_id=day_id), "Back to the day"
    return url_for("home.index"), "Back to Staffroom"


def http_error(error: HTTPException) -> Response:
    """Every werkzeug error (an abort, a 405, a 413, a fault from a service), in the house
    style, with its own headers (a 405's Allow, a 503's Retry-After)."""
    code = (error.name or "error").lower().replace(" ", "_")
    return answer(error.code or 500, code, error.description or "", error.get_headers())


def internal_error(error: InternalServerError) -> Response:
    """A bug (500). On a request that changes something its command may have been done,
    or surely was (frontend.not_shown_yet.was_done): the page, htmx's banner and JSON say
    so, and to reload and check before trying again, never the general "went wrong"."""
    if request.method in SAFE_METHODS:
        return http_error(error)
    if not_shown_yet.was_done():
        return answer(500, "done_then_a_fault", unknown_outcome.DONE_THEN_A_FAULT, [])
    return answer(500, "not_confirmed", unknown_outcome.A_FAULT_ON_A_PAGE, [])


def refusal(refused: Refused) -> Response:
    return answer(refused.status, refused.rule, refused.message, [])


def database_unavailable(error: Exception) -> Response:
    # Locked, unreachable or out of connections: say so at once rather than a 500.
    current_app.logger.warning("read models unavailable: %s", error)
    return http_error(DatabaseUnavailable(done=not_shown_yet.was_done()))


def answer_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, internal_error)
    app.register_error_handler(Refused, refusal)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(SQLAlchemyTimeoutError, database_unavailable)
