"""A service's HTTP on its NATS loop: no thread between a request and the log.

Under gunicorn's threads a command crossed threads four times (the poller to a worker
thread, the worker to the NATS loop and back, the connection back to the poller), and that
handing over was about a quarter of the trust days' CPU in the booking rush (issue 14).
Here one thread does it all: the connection's loop reads each request and runs the WSGI
app (Flask) in a greenlet of its own; when the app waits on NATS (`NatsThread.run`), the
greenlet hands the coroutine to the loop, which goes on serving other requests until it is
done. The app stays synchronous code; its guarantees do not change (every append is still
awaited until the server acknowledged it, with the same deadlines).

The HTTP is the little a service needs behind the gateway: HTTP/1.1 with keep-alive, a
body with Content-Length (a chunked one is refused with 411), one request at a time per
connection. deploy/loop_worker.py runs it as a gunicorn worker.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

import greenlet

log = logging.getLogger(__name__)
T = TypeVar("T")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MAX_HEAD = 64 * 1024
"""Bytes of a request line and headers."""
IDLE = 75.0
"""Seconds a kept-alive connection may wait for its next request."""
READ = 30.0
"""Seconds a request may take to arrive whole."""


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


class LoopHttp:
    """Serves `app` on the running loop from already bound listening sockets."""

    def __init__(self, app: WsgiApp, server_name: str = "localhost", server_port: str = "80"):
        self.app = app
        self.server_name, self.server_port = server_name, server_port
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
        try:
            await self._requests(reader, writer, str(peer[0]), str(peer[1]))
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except asyncio.LimitOverrunError:
            writer.write(_plain(431, "Request Header Fields Too Large"))
        finally:
            self.open.discard(task)
            writer.close()

    async def _requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: str
    ) -> None:
        while True:
            async with asyncio.timeout(IDLE):
                head = await reader.readuntil(b"\r\n\r\n")
            request_line, _, rest = head[:-4].decode("latin-1").partition("\r\n")
            try:
                method, target, protocol = request_line.split(" ", 2)
            except ValueError:
                writer.write(_plain(400, "Bad Request"))
                return
            environ = self._environ(method, target, protocol, rest, host, port)
            if "HTTP_TRANSFER_ENCODING" in environ:
                writer.write(_plain(411, "Length Required"))
                return
            length = int(environ.get("CONTENT_LENGTH") or 0)
            async with asyncio.timeout(READ):
                body = await reader.readexactly(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            try:
                status, headers, content = await in_greenlet(_call, self.app, environ)
            except Exception:
                log.exception("%s %s failed outside the app's own error handling", method, target)
                writer.write(_plain(500, "Internal Server Error"))
                return
            keep = _keeps_alive(protocol, environ.get("HTTP_CONNECTION", ""))
            writer.write(_response(status, headers, content, keep, method == "HEAD"))
            await writer.drain()
            if not keep:
                return

    def _environ(
        self, method: str, target: str, protocol: str, head: str, host: str, port: str
    ) -> dict[str, Any]:
        path, _, query = target.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": self.server_name,
            "SERVER_PORT": self.server_port,
            "SERVER_PROTOCOL": protocol,
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
        for line in head.split("\r\n") if head else ():
            name, _, value = line.partition(":")
            key = name.strip().upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value.strip()
                continue
            key = "HTTP_" + key
            value = value.strip()
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ


def _keeps_alive(protocol: str, connection: str) -> bool:
    connection = connection.lower()
    if protocol == "HTTP/1.1":
        return "close" not in connection
    return "keep-alive" in connection


def _response(
    status: str, headers: list[tuple[str, str]], body: bytes, keep: bool, head: bool
) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() != "connection"]
    if not any(name.lower() == "content-length" for name, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: keep-alive" if keep else "Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else body)


def _plain(code: int, reason: str) -> bytes:
    body = reason.encode()
    head = f"HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain\r\n"
    return (head + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
