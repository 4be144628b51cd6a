"""The benches' HTTP client: one keep-alive HTTP/1.1 connection per simulated client on
asyncio, framed by h11 (a dependency already: events/loop_http.py serves with it).

It replaces aiohttp, which the benches alone used: with aiohttp installed, nats-py imports it
(for its websocket transport, which Staffroom never uses) in every process of the stack,
about 10 MB of RSS each (docs/performance.md, Memory)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import h11


class ClientError(Exception):
    """The connection failed or closed before a whole answer came."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    """Lower-case names; a repeated header's values joined with ", "."""
    body: bytes

    def text(self) -> str:
        return self.body.decode()


class Connection:
    """One connection to `url`'s host, opened on first use and again after the server
    closed it; one request at a time."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._http = h11.Connection(h11.CLIENT)

    async def request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
    ) -> Answer:
        body = b""
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Content-Length"] = str(len(body))
        try:
            return await self._exchange(method, self.prefix + target, sent, body)
        except (OSError, h11.ProtocolError, asyncio.IncompleteReadError) as error:
            await self.close()
            raise ClientError(f"{method} {target}: {error!r}") from error

    async def _exchange(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Answer:
        if self._streams is None or self._http.our_state is not h11.IDLE:
            await self.close()
            self._streams = await asyncio.open_connection(self.host, self.port)
            self._http = h11.Connection(h11.CLIENT)
        reader, writer = self._streams
        http = self._http
        request = h11.Request(method=method, target=target, headers=list(headers.items()))
        sending = (request, h11.Data(data=body), h11.EndOfMessage())
        writer.write(b"".join(http.send(event) or b"" for event in sending))
        await writer.drain()
        status, chunks = 0, []
        answer_headers: dict[str, str] = {}
        while True:
            event = http.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                if not data:
                    raise ClientError("the server closed the connection")
                http.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
                for name, value in event.headers:
                    key = name.decode().lower()
                    known = answer_headers.get(key)
                    answer_headers[key] = f"{known}, {value.decode()}" if known else value.decode()
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
        if http.our_state is h11.DONE and http.their_state is h11.DONE:
            http.start_next_cycle()
        else:  # the server closes it (Connection: close): open another next time
            await self.close()
        return Answer(status, answer_headers, b"".join(chunks))

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
