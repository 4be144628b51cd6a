"""What every service's `create_app` shares.

- the person, from the gateway's signed header (401 without a valid one);
- one JSON shape for every error: `{"error": code, "message": sentence, "fields": {...}}`,
  a domain rule's refusal named by its rule;
- OpenAPI from the marshmallow schemas (flask-smorest), at /openapi.json;
- a command checked against its schemas and not run, when asked (`events.check_only`);
- `Commands`: a decider's command loop on this process's NATS connection, for sync code.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from typing import Any, Generic

import nats.errors
from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api
from itsdangerous.encoding import base64_decode, bytes_to_int
from werkzeug.exceptions import Forbidden, HTTPException, NotFound, UnprocessableEntity
from werkzeug.middleware.proxy_fix import ProxyFix

from events import timeouts, unknown_outcome
from events.answers import Accepted as Accepted  # services' apis import it from here
from events.check_only import answer_checks_without_arguments
from events.config import Settings
from events.connection import NatsThread, NotConfirmed, process_connection
from events.decider import (
    Command,
    CommandLoop,
    CommandRejected,
    Decider,
    Outcome,
    State,
    TooMuchContention,
)
from events.envelope import Metadata
from events.identity import (
    IDENTITY_HEADER,
    MAX_AGE_SECONDS,
    Identity,
    IdentitySigner,
    InvalidIdentity,
)
from events.openapi import ServiceApi
from events.registry import InvalidEvent
from events.store import EventStore
from events.text import ID_LENGTH, MAX_DEPTH, NestedTooDeep, overlong_ids, text_errors

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
"""Printable ASCII without spaces: a UUID, a ULID or any client's own scheme."""
SUBJECT_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
OPEN_ENDPOINTS = {"api-docs.openapi_json", "health"}
MAX_BODY = 1024 * 1024
"""Bytes of a request body: far more than any command sends."""
NATS_DEADLINE = timeouts.NATS_DEADLINE
"""Seconds a request may wait on NATS in all: less than the gateway's and the frontend's
wait for a service (events/timeouts.py), so the caller hears the honest 503 rather than a
timeout of its own."""


def create_service(
    import_name: str, name: str, settings: Settings, max_body: int = MAX_BODY
) -> tuple[Flask, Api]:
    """A Flask app for service `name`, with its API (register blueprints on the second);
    a request body over `max_body` bytes is refused with 413."""
    app = Flask(import_name)
    # Only the gateway talks to a service: trust its X-Forwarded-* headers, prefix included.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)  # type: ignore[method-assign]
    app.extensions["settings"] = settings
    app.config.update(
        API_TITLE=f"Staffroom {name}",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=max_body,
    )
    api = ServiceApi(app)
    signer = VerifiedHeaders(IdentitySigner(settings.require_secret_key()))

    @app.before_request
    def identify() -> Response | None:
        if request.endpoint in OPEN_ENDPOINTS:
            return None
        try:
            g.identity = signer.verify(request.headers.get(IDENTITY_HEADER))
        except InvalidIdentity as error:
            return problem(401, "unauthenticated", f"Sign in first: {error}.")
        return None

    app.before_request(refuse_unstorable_input)
    app.before_request(answer_checks_without_arguments)

    @app.get("/healthz", endpoint="health")
    def health() -> Response:
        return jsonify(status="ok", service=name)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CommandRejected, rejected)
    app.register_error_handler(InvalidEvent, invalid_event)
    app.register_error_handler(TooMuchContention, contention)
    app.register_error_handler(NotConfirmed, log_unavailable)
    app.register_error_handler(nats.errors.Error, log_unavailable)
    return app, api


class VerifiedHeaders:
    """Identity headers this process has checked, each remembered until it expires. The
    gateway reuses a person's header for up to half its lifetime, and checking the same
    signature again for each request was about 5% of a service's CPU (make bench --only
    front): the same string has the same signature, so only its age is checked again."""

    MOST = 50_000
    """Beyond this many, the expired ones are forgotten (a trust's staff fit)."""

    def __init__(self, signer: IdentitySigner, clock: Callable[[], float] = time.time):
        self.signer, self.clock = signer, clock
        self._known: dict[str, tuple[Identity, int]] = {}
        """A checked header, to its person and the moment it was signed (whole seconds)."""

    def verify(self, token: str | None) -> Identity:
        """The header's person, as `IdentitySigner.verify` says; raises InvalidIdentity."""
        now = int(self.clock())
        known = self._known.get(token) if token else None
        if known is not None and now - known[1] <= MAX_AGE_SECONDS:
            return known[0]
        identity = self.signer.verify(token)
        assert token is not None  # verify refuses a missing one
        if len(self._known) >= self.MOST:
            self._known = {t: k for t, k in self._known.items() if now - k[1] <= MAX_AGE_SECONDS}
        self._known[token] = (identity, _signed_at(token))
        return identity


def _signed_at(token: str) -> int:
    """When itsdangerous signed a token it has just verified: `payload.time.signature`."""
    return bytes_to_int(base64_decode(token.rsplit(".", 2)[-2]))


NOT_JSON = "The request body is not JSON we can read."


class NotJson(ValueError):
    """A JSON body that json cannot read: not JSON at all, or (ValueError, not
    JSONDecodeError, so the schemas' parser let it through as a 500) holding an integer of
    more than 4,300 digits, past Python's limit."""


def refuse_unstorable_input() -> Response | None:
    """Before any schema reads it: a JSON body json cannot read is 400, as is JSON nested
    too deep; text that no read model
    could store (NUL, control characters, lone surrogates) and an id longer than any is
    (`events.text.ID_LENGTH`) are 422 naming their field, in the body, the query string or
    a form, for every command of every service; such an id in the path is 404."""
    if any(_overlong_id(name, value) for name, value in (request.view_args or {}).items()):
        return problem(404, "not_found", "There is no such thing here.")
    try:
        places = (_joined(request.args), _joined(request.form), _json_body())
        fields: dict[Any, Any] = {}
        for place in places:
            fields.update(overlong_ids(place))
            fields.update(text_errors(place))
    except NestedTooDeep:
        message = f"The request body nests deeper than {MAX_DEPTH} levels."
        return problem(400, "bad_request", message)
    except NotJson:
        return problem(400, "bad_request", NOT_JSON)
    if fields:
        return problem(422, "invalid", "Some fields are not valid.", fields)
    return None


def _overlong_id(name: str, value: object) -> bool:
    return name.endswith("_id") and isinstance(value, str) and len(value) > ID_LENGTH


def _joined(fields: Any) -> dict[str, str]:
    """A query string's or form's fields, a repeated one's values a line each."""
    return {key: "\n".join(values) for key, values in fields.lists()}


def _json_body() -> Any:
    """The request's JSON body, read once here for every route (None without one: an empty
    body is no body, as the schemas' parser has it); raises NotJson or NestedTooDeep."""
    if not request.is_json or not request.get_data(cache=True).strip():
        return None
    try:
        return json.loads(request.get_data(cache=True))
    except RecursionError:
        raise NestedTooDeep from None
    except ValueError:  # not JSON, not UTF-8, or a number of more than 4,300 digits
        raise NotJson from None


def identity() -> Identity:
    """The person making this request (checked before any view runs)."""
    return g.identity


def require(allowed: bool, message: str = "Your role does not allow this.") -> None:
    """Refuse with 403 unless `allowed`: authorization reads best as a plain condition."""
    if not allowed:
        raise Forbidden(message)


def problem(status: int, code: str, message: str, fields: Any = None) -> Response:
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def http_error(error: HTTPException) -> Response:
    code = (error.name or "error").lower().replace(" ", "_")
    messages = getattr(error, "data", {}).get("messages")
    if isinstance(error, UnprocessableEntity) and messages:
        # webargs files errors under where they came from ("json", "form", "query"...).
        fields = {field: errors for place in messages.values() for field, errors in place.items()}
        return problem(422, "invalid", "Some fields are not valid.", fields)
    if error.code == 400 and request.is_json:
        return problem(400, "bad_request", NOT_JSON)
    if error.code == 500 and request.method not in ("GET", "HEAD", "OPTIONS"):
        # a bug after the command may have been appended: never the general "went wrong"
        said = unknown_outcome.after_a_fault(request.headers.get("Idempotency-Key"))
        return with_headers_of(error, problem(500, "not_confirmed", said))
    response = problem(error.code or 500, code, error.description or error.name)
    return with_headers_of(error, response)


def with_headers_of(error: HTTPException, response: Response) -> Response:
    """The exception's own headers (a 405's Allow) on the JSON answer that replaces it."""
    for header, value in error.get_headers():
        if header.lower() != "content-type":
            response.headers[header] = value
    return response


def rejected(error: CommandRejected) -> Response:
    return problem(error.status, error.rule, error.message)


def invalid_event(error: InvalidEvent) -> Response:
    return problem(422, "invalid", "Some fields are not valid.", error.errors)


def contention(error: TooMuchContention) -> Response:
    response = problem(503, "busy", "Too many people are changing this at once: try again.")
    response.headers["Retry-After"] = "1"
    return response


def log_unavailable(error: Exception) -> Response:
    """NATS timed out or is away. A read can simply be tried again; a command may or may not
    have been done, and only a retry with the same key can tell without doing it twice."""
    if request.method in ("GET", "HEAD"):
        response = problem(503, "log_unavailable", "The event log is not answering: try again.")
    else:
        key = request.headers.get("Idempotency-Key")
        response = problem(503, "not_confirmed", unknown_outcome.for_a_client(key))
    response.headers["Retry-After"] = unknown_outcome.RETRY_AFTER
    return response


def idempotency_key() -> str | None:
    """The request's `Idempotency-Key`: the same key twice runs the command once."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise UnprocessableEntity(
            "Idempotency-Key must be 1 to 200 printable characters without spaces."
        )
    return key


def accepted(outcome: Outcome, status: int = 200, **body: Any) -> Response:
    """A command's answer: its stream sequence, for the page that waits to read its write."""
    response = jsonify(seq=outcome.seq, events=[event.type for event in outcome.events], **body)
    response.status_code = status
    response.headers["X-Staffroom-Seq"] = str(outcome.seq)
    return response


def time_left_for_nats() -> float:
    """What remains of this request's NATS_DEADLINE (counted from its first wait on NATS;
    an app may set its own in `app.config["NATS_DEADLINE"]`)."""
    allowed = current_app.config.get("NATS_DEADLINE", NATS_DEADLINE)
    deadline = g.setdefault("nats_deadline", time.monotonic() + allowed)
    return max(deadline - time.monotonic(), 0.001)


class Commands(Generic[State, Command]):
    """A decider's commands, run from Flask code on this process's NATS connection."""

    def __init__(self, decider: Decider[State, Command]):
        self.decider = decider

    def subject(self, *parts: str) -> str:
        """The subject of an aggregate from its tokens, which its service's contract builds:
        `subject(*day_subject(day_id))`. An id from a URL that could not be one token of a
        subject ("a.b", "*") names nothing: 404."""
        if not all(SUBJECT_TOKEN.fullmatch(part) for part in parts):
            raise NotFound("There is no such thing here.")
        settings: Settings = current_app.extensions["settings"]
        return ".".join((settings.stream.prefix, *parts))

    def execute(self, subject: str, command: Command) -> Outcome:
        connection, loop = self._loop()
        meta = Metadata(actor=identity().person_id)
        running = loop.execute(subject, command, idempotency_key(), meta)
        return connection.run(running, timeout=time_left_for_nats())

    def state(self, subject: str, max_age: float = 0.0) -> State:
        """The aggregate's state at the head of the log (or known to be, `max_age` s ago)."""
        connection, loop = self._loop()
        recent = loop.recent(subject, max_age) if max_age else None
        if recent is None:
            recent = connection.run(loop.load(subject), timeout=time_left_for_nats())
        return recent.state

    def _loop(self) -> tuple[NatsThread, CommandLoop[State, Command]]:
        # One loop per app and process: after a gunicorn fork the parent's is not ours.
        key = f"commands.{id(self)}"
        pid, connection, loop = current_app.extensions.get(key, (None, None, None))
        if pid == os.getpid() and connection is not None and not connection.loop.is_closed():
            return connection, loop  # (process_connection's lock, once per request, was 2%)
        settings: Settings = current_app.extensions["settings"]
        connection = process_connection(settings.nats_url, current_app.name)
        loop = CommandLoop(EventStore(connection.nc, settings.stream), self.decider)
        current_app.extensions[key] = (os.getpid(), connection, loop)
        return connection, loop
