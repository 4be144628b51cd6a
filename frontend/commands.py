"""Commands from pages: sent to the service over HTTP as the signed-in person, so the
service decides exactly as it does for the API; then the page waits, briefly and bounded,
until its projection has read the write (the person who just booked sees the booking).

When the service cannot say what happened (it timed out, NATS did not confirm, the answer
was lost) the page says exactly that, never "nothing was changed": 503 NotConfirmed when the
service said so, 504 NoAnswer when no answer came. Only a request that never left (502
NotAnswering) says nothing was done. The sentences are events.unknown_outcome's."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import httpx
import urllib3
from flask import Response, after_this_request, current_app, request
from urllib3.exceptions import HTTPError
from werkzeug.exceptions import BadGateway, GatewayTimeout, HTTPException, ServiceUnavailable

from events import in_flight, timeouts, unknown_outcome
from events.check_only import CHECK_HEADER, CHECK_ONLY
from events.identity import IDENTITY_HEADER, Identity, IdentitySigner
from events.in_flight import Full
from events.never_sent import never_sent
from events.projection import wait_for
from frontend import not_shown_yet
from frontend.numbers import whole_number
from frontend.plain_words import plain_fields

READ_YOUR_WRITES_TIMEOUT = timeouts.READ_YOUR_WRITES
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before the request left, through httpx (the trust year's client): the service
never saw the command."""
COMMAND_POOL = "command_pool"
IN_FLIGHT = "commands_in_flight"
BUSY = "busy"
"""The one 5xx that still says for sure that nothing was done."""
_CHECKING: ContextVar[bool] = ContextVar("checking", default=False)
"""Set while a page asks the service to check a command, not run it."""


class NotConfirmed(ServiceUnavailable):
    """The service answered that it could not confirm the command (NATS did not, or it
    failed): its outcome is unknown. The page keeps the form, and its key, as it was:
    sending it again runs the command at most once."""

    def __init__(self) -> None:
        super().__init__(unknown_outcome.ON_A_PAGE, retry_after=int(unknown_outcome.RETRY_AFTER))


class NoAnswer(GatewayTimeout):
    """The command was sent but no answer came (the service too slow, paused, or the
    connection dropped): its outcome is unknown, as NotConfirmed's."""

    def __init__(self) -> None:
        super().__init__(unknown_outcome.ON_A_PAGE)

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", unknown_outcome.RETRY_AFTER)]


class Busy(ServiceUnavailable):
    """Too many people were changing the same thing: nothing was done, try again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)


class NotAnswering(BadGateway):
    """The command never reached the service: nothing was done, try again."""

    def __init__(self, service: str) -> None:
        super().__init__(unknown_outcome.not_sent(f"The {service} service"))

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", unknown_outcome.RETRY_AFTER)]


class Refused(Exception):
    """The service said no (a 4xx): which rule, in a sentence for a person, and field
    errors. frontend.errors answers it, keeping the service's status."""

    def __init__(self, status: int, rule: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.rule, self.message, self.fields = status, rule, message, fields or {}


def field_sentences(fields: Any, path: str = "") -> list[str]:
    """Field errors as sentences a page can show: `dietary: Contains a character …`."""
    if isinstance(fields, dict):
        return [
            sentence
            for name, errors in fields.items()
            for sentence in field_sentences(errors, f"{path}.{name}" if path else str(name))
        ]
    if isinstance(fields, list) and fields and all(isinstance(e, str) for e in fields):
        return [f"{path.replace('_', ' ')}: {fields[0]}"]
    return []


def send(
    service: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    key: str | None = None,
    read_in: str | None = None,
    acting_for: Identity | None = None,
) -> dict[str, Any]:
    """Send a command; its answer once projection `read_in` has applied it. `key` is the
    form's idempotency key: a double click or a resent form runs the command once. It goes
    as the signed-in person, or as `acting_for` where a signed link is that person's say-so
    (a meeting invitation's answer)."""
    url = current_app.extensions["services"].get(service)
    if url is None:
        raise ServiceUnavailable(f"The {service} service is not configured.")
    headers = {IDENTITY_HEADER: _identity_header(acting_for)}
    if key:
        headers["Idempotency-Key"] = key
    if _CHECKING.get():
        headers[CHECK_HEADER] = CHECK_ONLY
    try:
        with _in_flight().holding(service):
            answer = command_pool().request(
                method, url.rstrip("/") + path, json=body, headers=headers
            )
    except Full:
        message = unknown_outcome.too_many_waiting(f"The {service} service")
        raise Busy(message, int(unknown_outcome.RETRY_AFTER)) from None
    except HTTPError as error:
        raise (NotAnswering(service) if never_sent(error) else NoAnswer()) from None
    problem = _json(answer) if answer.status >= 400 else {}
    if answer.status >= 500 and problem.get("error") == BUSY:
        raise Busy(problem.get("message", "Busy: try again."), _retry_after(answer))
    if answer.status >= 500:
        raise NotConfirmed()
    if answer.status >= 400:
        fields = plain_fields(problem.get("fields") or {}, body)
        message = problem.get("message", "That was refused.")
        raise Refused(
            answer.status,
            problem.get("error", "refused"),
            " ".join((message, *field_sentences(fields))),
            fields,
        )
    if _CHECKING.get():
        raise _Passed
    outcome = _json(answer)
    not_shown_yet.done()
    if read_in:
        read_your_write(read_in, int(outcome.get("seq", 0)))
    return outcome


class _Passed(Exception):
    """The service's schemas found nothing wrong with a command it was asked to check."""


def what_the_service_says(command: Callable[[], object]) -> Refused | None:
    """What the service's schemas say of the command `command` sends, asked without running
    it (events.check_only); None when they find nothing, or the service cannot say."""
    checking = _CHECKING.set(True)
    try:
        command()
    except Refused as refused:
        return refused
    except (_Passed, HTTPException):
        return None
    finally:
        _CHECKING.reset(checking)
    return None


def read_your_write(projection: str, seq: int) -> None:
    """Wait until the projection has applied `seq` (bounded), and say how long it took in
    the answer's Server-Timing (make bench reads it; so do a browser's developer tools).
    When the wait runs out the command is still done: the page says it does not show it
    yet (frontend/not_shown_yet.py)."""
    started = time.perf_counter()
    if not wait_for(current_app.extensions["engine"], projection, seq, READ_YOUR_WRITES_TIMEOUT):
        not_shown_yet.note(projection, seq)
    waited = (time.perf_counter() - started) * 1000

    @after_this_request
    def timing(response: Response) -> Response:
        response.headers.add("Server-Timing", f"read-your-writes;dur={waited:.1f}")
        return response


def _identity_header(acting_for: Identity | None) -> str:
    if acting_for is None:
        return request.headers.get(IDENTITY_HEADER, "")
    return IdentitySigner(current_app.extensions["settings"].require_secret_key()).sign(acting_for)


def command_pool() -> urllib3.PoolManager:
    """Keep-alive connections to the services, for commands: urllib3's pool, not httpx (as
    the gateway's relay: about a third of the CPU of a call, a tenth of a tap's answer).
    A connection that fails before anything was sent is tried once more; nothing is ever
    sent twice."""
    extensions = current_app.extensions
    pool = extensions.get(COMMAND_POOL)
    if pool is None:
        pool = extensions.setdefault(
            COMMAND_POOL,
            urllib3.PoolManager(
                num_pools=16,
                maxsize=32,
                timeout=urllib3.Timeout(connect=timeouts.CONNECT, read=timeouts.SERVICE_CALL),
                retries=urllib3.Retry(total=1, connect=1, read=0, other=0, status=0, redirect=0),
            ),
        )
    return pool


def _in_flight() -> in_flight.InFlight:
    """This app's count of commands waiting on each service (events.in_flight)."""
    limit = current_app.extensions["settings"].in_flight_per_service
    return current_app.extensions.setdefault(IN_FLIGHT, in_flight.InFlight(limit))


def _json(answer: urllib3.BaseHTTPResponse) -> dict[str, Any]:
    try:
        body = json.loads(answer.data)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(answer: urllib3.BaseHTTPResponse) -> int:
    seconds = answer.headers.get("Retry-After", "")
    given = whole_number(seconds, max_digits=5)
    return 1 if given is None else given
