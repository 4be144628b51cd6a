"""A service's HTTP on its NATS loop: no thread between a request and the log.

Under gunicorn's threads a command crossed threads four times (the poller to a worker
thread, the worker to the NATS loop and back, the connection back to the poller), and that
handing over was about a quarter of the trust days' CPU in the booking rush (issue 14).
Here one thread does it all: the connection's loop reads each request and runs the WSGI
app (Flask) in a greenlet of its own; when the app waits on NATS (`NatsThread.run`), the
greenlet hands the coroutine to the loop, which goes on serving other requests until it is
done. The app stays synchronous code; its guarantees do not change (every append is still
awaited until the server acknowledged it, with the same deadlines).

The HTTP/1.1 itself is h11's (parsing and framing, both ways): a hand-written parser let a
malformed Content-Length drop the connection, read any declared length into memory and
accepted malformed header lines. Here a request h11 refuses is answered with its status
(400, 431, 501) and the connection closed; a body over MAX_BODY gets 413 before it is read;
a header whose name has "_" never reaches the app (as under gunicorn). One request at a
time per connection, with keep-alive. deploy/loop_worker.py runs it as a gunicorn worker.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

import greenlet
import h11

log = logging.getLogger(__name__)
T = TypeVar("T")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MAX_HEAD = 64 * 1024
"""Bytes of a request line and headers (431 past them)."""
MAX_BODY = 1024 * 1024
"""Bytes of a request body (413 past them): the gateway's own limit for forms and JSON
(gateway/limits.py MAX_BODY), which it has already applied to everything it relays. The
largest body a service on the loop gets is a planned day's JSON, far smaller."""
IDLE = 75.0
"""Seconds a kept-alive connection may wait for its next request."""
READ = 30.0
"""Seconds a request's body may take to arrive whole."""
READ_SIZE = 64 * 1024
"""Bytes asked of the socket at a time: a refused body is never held beyond this."""
LINGER = 2.0
"""Seconds a refused request's unread bytes are read and dropped before the connection is
closed: closing on unread bytes resets it, and the client may lose the answer."""


class _Request(greenlet.greenlet):
    """A greenlet running one request's app, whose waits the loop awaits."""


def awaiting() -> bool:
    """Whether this code runs in a request's greenlet on the loop (`wait` may be used)."""
    return isinstance(greenlet.getcurrent(), _Request)


def wait(awaitable: Awaitable[T]) -> T:
    """From a request's app: the result of `awaitable`, awaited by the loop meanwhile."""
    current = greenlet.getcurrent()
    if not isinstance(current, _Request):
        raise RuntimeError("wait() is only for a request's greenlet")
    assert current.parent is not None
    return current.parent.switch(awaitable)


async def in_greenlet(function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` in a request greenlet, awaiting what it waits for."""
    request = _Request(function)
    asked = request.switch(*args)
    while not request.dead:
        try:
            answer = await asked
        except BaseException as error:  # the waiter's own error, in the greenlet
            asked = request.throw(error)
        else:
            asked = request.switch(answer)
    return asked


def _call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None  # a write() callable nobody here uses

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return started[0], started[1], body


class _TooLarge(Exception):
    """A request body past the server's limit."""


class LoopHttp:
    """Serves `app` on the running loop from already bound listening sockets."""

    def __init__(
        self,
        app: WsgiApp,
        server_name: str = "localhost",
        server_port: str = "80",
        max_body: int = MAX_BODY,
    ):
        self.app = app
        self.server_name, self.server_port = server_name, server_port
        self.max_body = max_body
        self.servers: list[asyncio.Server] = []
        self.open: set[asyncio.Task[None]] = set()

    async def start(self, sockets: Iterable[Any]) -> None:
        for sock in sockets:
            sock.setblocking(False)
            self.servers.append(await asyncio.start_server(self._serve, sock=sock, limit=MAX_HEAD))

    async def stop(self, grace: float) -> None:
        """Stop accepting; let the requests being served finish for up to `grace` s."""
        for server in self.servers:
            server.close()
        if self.open:
            await asyncio.wait(self.open, timeout=grace)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.open.add(task)
        peer = writer.get_extra_info("peername") or ("", 0)
        http = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        try:
            await self._requests(http, reader, writer, str(peer[0]), str(peer[1]))
        except (ConnectionError, TimeoutError):
            pass
        except h11.RemoteProtocolError as error:
            await _refuse(http, reader, writer, error.error_status_hint)
        except _TooLarge:
            await _refuse(http, reader, writer, 413)
        finally:
            self.open.discard(task)
            writer.close()

    async def _requests(
        self,
        http: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        host: str,
        port: str,
    ) -> None:
        while True:
            async with asyncio.timeout(IDLE):
                event = await _next_event(http, reader)
            if not isinstance(event, h11.Request):
                return  # ConnectionClosed: the client is done
            environ = self._environ(event, host, port)
            if "CONTENT_LENGTH" in environ and "HTTP_TRANSFER_ENCODING" in environ:
                # h11 would go by the chunks; two framings are a smuggling attempt's mark,
                # refused as RFC 9112 6.3 allows
                raise h11.RemoteProtocolError("Content-Length and Transfer-Encoding", 400)
            declared = environ.get("CONTENT_LENGTH")
            if declared and int(declared) > self.max_body:  # h11 has checked it is digits
                raise _TooLarge()
            if http.they_are_waiting_for_100_continue:
                writer.write(_send(http, h11.InformationalResponse(status_code=100, headers=[])))
            async with asyncio.timeout(READ):
                body = await self._body(http, reader)
            if environ.pop("HTTP_TRANSFER_ENCODING", None) or "CONTENT_LENGTH" in environ:
                environ["CONTENT_LENGTH"] = str(len(body))  # a chunked one is decoded here
            environ["wsgi.input"] = io.BytesIO(body)
            method, target = environ["REQUEST_METHOD"], environ["RAW_URI"]
            try:
                status, headers, content = await in_greenlet(_call, self.app, environ)
            except Exception:
                log.exception("%s %s failed outside the app's own error handling", method, target)
                await _refuse(http, reader, writer, 500)
                return
            try:
                answer = _response(http, status, headers, content, method == "HEAD")
            except (h11.LocalProtocolError, ValueError, UnicodeError):
                log.exception("%s %s: the app's answer is not HTTP (%s)", method, target, status)
                await _refuse(http, reader, writer, 500)
                return
            writer.write(answer)
            await writer.drain()
            if http.our_state is not h11.DONE or http.their_state is not h11.DONE:
                return  # either side said Connection: close (or HTTP/1.0)
            http.start_next_cycle()

    async def _body(self, http: h11.Connection, reader: asyncio.StreamReader) -> bytes:
        """The request's whole body (decoded if chunked), refused once past the limit."""
        parts: list[bytes] = []
        size = 0
        while isinstance(event := await _next_event(http, reader), h11.Data):
            size += len(event.data)
            if size > self.max_body:
                raise _TooLarge()
            parts.append(bytes(event.data))
        assert isinstance(event, h11.EndOfMessage), event
        return b"".join(parts)

    def _environ(self, request: h11.Request, host: str, port: str) -> dict[str, Any]:
        target = request.target.decode("latin-1")
        path, _, query = target.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method.decode("latin-1"),
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": self.server_name,
            "SERVER_PORT": self.server_port,
            "SERVER_PROTOCOL": "HTTP/" + request.http_version.decode("latin-1"),
            "REMOTE_ADDR": host,
            "REMOTE_PORT": port,
            "REQUEST_URI": target,
            "RAW_URI": target,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for raw_name, raw_value in request.headers:
            name = raw_name.decode("latin-1")
            if "_" in name:
                # X_Staffroom_Identity would be HTTP_X_STAFFROOM_IDENTITY, as the dashed
                # name a gateway strips: dropped, as gunicorn does
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = raw_value.decode("latin-1")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ


async def _next_event(http: h11.Connection, reader: asyncio.StreamReader) -> Any:
    """h11's next event, reading from the socket as long as it needs more."""
    while (event := http.next_event()) is h11.NEED_DATA:
        http.receive_data(await reader.read(READ_SIZE))  # b"": the client closed
    return event


def _send(http: h11.Connection, event: Any) -> bytes:
    data = http.send(event)
    assert data is not None  # None only for ConnectionClosed, never sent here
    return data


def _response(
    http: h11.Connection, status: str, headers: list[tuple[str, str]], body: bytes, head: bool
) -> bytes:
    code, _, reason = status.partition(" ")
    fields = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in headers
        if name.lower() != "connection"
    ]
    bodiless = int(code) < 200 or int(code) in (204, 304)
    if not bodiless and not any(name.lower() == "content-length" for name, _ in headers):
        fields.append((b"Content-Length", str(len(body)).encode()))
    # h11 makes it "close" when either side will not keep the connection
    fields.append((b"Connection", b"keep-alive"))
    answer = _send(http, h11.Response(status_code=int(code), reason=reason, headers=fields))
    if body and not head and not bodiless:
        answer += _send(http, h11.Data(data=body))
    return answer + _send(http, h11.EndOfMessage())


async def _refuse(
    http: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, code: int
) -> None:
    """Answer `code` (its reason, no body: the same for a HEAD) and close, if an answer can
    still be sent on this connection."""
    if http.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
        return
    headers = [("Content-Length", "0"), ("Connection", "close")]
    refusal = h11.Response(status_code=code, reason=HTTPStatus(code).phrase, headers=headers)
    answer = _send(http, refusal) + _send(http, h11.EndOfMessage())
    with suppress(ConnectionError, TimeoutError):
        writer.write(answer)
        await writer.drain()
        writer.write_eof()
        async with asyncio.timeout(LINGER):
            while await reader.read(READ_SIZE):
                pass
