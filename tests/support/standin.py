"""A stand-in HTTP service in a process of its own, for faults a thread cannot have: paused
(SIGSTOP: the kernel still accepts connections and takes requests, nobody answers) or
killed (nothing listens on its port).

It answers every request with JSON naming what came, except POST /drop, which it takes and
then closes the connection without answering; GET /count says how many requests came."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class StandIn:
    process: subprocess.Popen[str]
    url: str

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def standin() -> Iterator[StandIn]:
    """The stand-in running on a free port; stopped (and resumed first if paused) after."""
    process = subprocess.Popen(  # -P: not this folder's http.py as the standard library's
        [sys.executable, "-P", __file__], stdout=subprocess.PIPE, text=True, env={"PATH": ""}
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield StandIn(process, f"http://127.0.0.1:{port}")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.kill()
        process.wait(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    count = 0

    def _answer(self) -> None:
        _Handler.count += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.command == "POST" and self.path.endswith("/drop"):
            self.close_connection = True
            return
        body = json.dumps({"method": self.command, "path": self.path, "count": _Handler.count})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    print(server.server_port, flush=True)
    server.serve_forever()
