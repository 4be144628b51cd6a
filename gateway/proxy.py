"""Pass a request on to its target and the answer back, the answer streamed.

urllib3's pool, not httpx: the relay is most of the gateway's work on every request, and
urllib3 does the same (keep-alive connections, a connect and a read timeout) for about a
third of the CPU (make bench --only front)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import urllib3
from flask import Request, Response
from urllib3.exceptions import HTTPError
from urllib3.util import parse_url

from events import timeouts
from events.identity import IDENTITY_HEADER, SIGN_IN_HEADER
from events.in_flight import InFlight
from events.never_sent import never_sent
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


class Upstreams:
    """Keep-alive connections to the frontend and the services, shared by a worker's threads:
    a pool per target, found by its base URL (not PoolManager's parse of every URL).

    A service is waited for `timeout` seconds; the frontend `frontend_timeout`, which must
    outlast what the frontend itself waits on in one request (events/timeouts.py)."""

    def __init__(
        self,
        timeout: float,
        in_flight: InFlight,
        connections: int = 32,
        frontend_timeout: float = timeouts.FRONTEND_RELAY,
    ):
        self.in_flight = in_flight
        self.timeouts = {
            False: urllib3.Timeout(connect=min(timeout, timeouts.CONNECT), read=timeout),
            True: urllib3.Timeout(
                connect=min(frontend_timeout, timeouts.CONNECT), read=frontend_timeout
            ),
        }
        """By whether the target is the frontend."""
        self.manager = urllib3.PoolManager(
            num_pools=32,
            maxsize=connections,
            timeout=self.timeouts[False],
            # Only a connection that failed before the request was sent is tried again (a
            # kept-alive one the target had just closed): nothing is ever sent twice.
            retries=urllib3.Retry(total=1, connect=1, read=0, other=0, status=0, redirect=0),
        )
        self.pools: dict[str, tuple[urllib3.HTTPConnectionPool, str]] = {}
        """Per base URL, its pool and its path (usually empty)."""

    def relayed(self, request: Request, target: Target, identity: str | None) -> Response:
        """The target's answer, relayed. A service with `in_flight`'s limit of requests
        already waiting, one too long, is not sent this one: Full (the pages are not
        counted)."""
        if target.is_frontend:
            return relay(self.send(request, target, identity))
        token = self.in_flight.take(target.base_url)
        try:
            relayed = relay(self.send(request, target, identity))
        except BaseException:
            self.in_flight.give_back(target.base_url, token)
            raise
        relayed.call_on_close(lambda: self.in_flight.give_back(target.base_url, token))
        return relayed

    def read_timeout(self, target: Target) -> float:
        """Seconds this relay waits for `target`'s answer."""
        read = self.timeouts[target.is_frontend].read_timeout
        assert isinstance(read, float | int)
        return float(read)

    def send(self, request: Request, target: Target, identity: str | None) -> Answer:
        """The target's answer, its body not yet read. Raises NotSent or NoAnswer."""
        known = self.pools.get(target.base_url)
        if known is None:
            pool = self.manager.connection_from_url(
                target.base_url, pool_kwargs={"timeout": self.timeouts[target.is_frontend]}
            )
            known = self.pools[target.base_url] = (pool, parse_url(target.base_url).path or "")
        pool, base_path = known
        try:
            return pool.urlopen(
                request.method,
                target_path(request, target, base_path),
                body=bounded_body(request),
                headers=outgoing(request, target, identity),
                preload_content=False,
                decode_content=False,
                redirect=False,
            )
        except HTTPError as error:
            raise (NotSent if never_sent(error) else NoAnswer)(repr(error)) from None


Answer = urllib3.BaseHTTPResponse


class NotSent(Exception):
    """The connection to the target could not be made: the request never left."""


class NoAnswer(Exception):
    """The request was sent but no answer came (too slow, paused, or the connection dropped):
    what it did is unknown."""


def target_path(request: Request, target: Target, base_path: str = "") -> str:
    """The path and query the target is asked for (its pool knows where it is)."""
    path = base_path.rstrip("/") + quote(target.path, safe="/:@!$&'()*+,;=-._~")
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def outgoing(request: Request, target: Target, identity: str | None) -> dict[str, str]:
    """The headers for `target`, carrying the signed `identity` header (if signed in)."""
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
    return headers


def bounded_body(request: Request) -> bytes:
    """The whole body, read at most up to the request's limit (413 past it: see
    gateway/limits.py). Forms, JSON and a CSV are small, and a length beats chunks."""
    if request.max_content_length is None:
        raise RuntimeError("The gateway reads no body without a limit.")
    return request.get_data()


def relay(upstream: Answer) -> Response:
    headers = [
        (key, value) for key, value in upstream.headers.items() if key.lower() not in HOP_BY_HOP
    ]
    response = Response(_body(upstream), status=upstream.status, headers=headers)
    response.call_on_close(lambda: _done(upstream))
    return response


def _body(upstream: Answer) -> Iterator[bytes]:
    yield from upstream.stream(64 * 1024, decode_content=False)


def _done(upstream: Answer) -> None:
    """Back to the pool, read to its end (the rest drained if the browser went away)."""
    upstream.drain_conn()
    upstream.release_conn()
