"""A three-node JetStream cluster on loopback: three nats-server processes from the venv's
wheel, on free ports, JetStream in temp folders, the users of `staffroom up` and the node
configuration of a deployment (deploy/nats_cluster.py). A node can be killed (SIGKILL, no
flush) and started again on its own store; the stream's leader can be asked to step down."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe
from types import TracebackType

from deploy.nats_cluster import node_config, route_url
from events.embedded import free_port, nats_server_binary, wait_or_kill
from events.nats_access import ADMIN, NatsUser, with_credentials, write_config

HOST = "127.0.0.1"


@dataclass
class Node:
    name: str
    folder: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    cluster_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def healthy(self) -> bool:
        """JetStream on this node is up and current with the cluster (its /healthz)."""
        try:
            url = f"http://{HOST}:{self.monitor_port}/healthz"
            with urllib.request.urlopen(url, timeout=1) as answer:
                return json.load(answer).get("status") == "ok"
        except OSError:
            return False


class LoopbackCluster:
    """Three nodes named n1..n3; `url` is the admin's, `url_for(name)` a user's, each
    listing every node so a client fails over."""

    def __init__(
        self,
        folder: Path,
        users: Sequence[NatsUser] | None = None,
        size: int = 3,
        sync_always: bool = True,
    ):
        self.sync_always = sync_always
        """False: nats-server's default sync (every two minutes), for the benchmark."""
        self.users = {u.name: u for u in users or [NatsUser(ADMIN, token_urlsafe(24))]}
        self.route_password = token_urlsafe(24)
        self.nodes = [Node(f"n{n + 1}", folder / f"n{n + 1}") for n in range(size)]

    def url_for(self, name: str) -> str:
        password = self.users[name].password
        return ",".join(with_credentials(node.address, name, password) for node in self.nodes)

    @property
    def url(self) -> str:
        admin = next(name for name, user in self.users.items() if user.permissions is None)
        return self.url_for(admin)

    def node(self, name: str) -> Node:
        return next(node for node in self.nodes if node.name == name)

    def start(self, timeout: float = 30.0) -> LoopbackCluster:
        for node in self.nodes:
            self._launch(node)
        self.wait_until_healthy(timeout)
        return self

    def _launch(self, node: Node) -> None:
        routes = [
            route_url(HOST, other.cluster_port, self.route_password)
            for other in self.nodes
            if other is not node
        ]
        config = node_config(
            self.users.values(),
            node.name,
            str(node.folder / "jetstream"),
            HOST,
            (node.port, node.monitor_port, node.cluster_port),
            routes,
            self.route_password,
            self.sync_always,
        )
        write_config(config, node.folder / "nats-server.conf")
        command = [
            nats_server_binary(),
            "--config",
            str(node.folder / "nats-server.conf"),
            "--log",
            str(node.folder / "nats-server.log"),
        ]
        node.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_until_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(node.healthy() for node in self.nodes):
            if time.monotonic() > deadline:
                logs = {n.name: (n.folder / "nats-server.log") for n in self.nodes}
                tails = {k: p.read_text()[-600:] if p.exists() else "" for k, p in logs.items()}
                raise RuntimeError(f"the cluster was not healthy within {timeout:.0f} s: {tails}")
            time.sleep(0.1)

    def kill(self, name: str) -> None:
        """SIGKILL: the node dies as in a power cut, nothing flushed."""
        node = self.node(name)
        assert node.process is not None
        node.process.kill()
        node.process.wait()
        node.process = None

    def restart(self, name: str, timeout: float = 30.0) -> None:
        """Start a killed node again on its own store, and wait until it has caught up."""
        node = self.node(name)
        self._launch(node)
        deadline = time.monotonic() + timeout
        while not node.healthy():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not catch up within {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None:
                node.process.terminate()
        for node in self.nodes:
            if node.process is not None:
                wait_or_kill(node.process)
                node.process = None

    def __enter__(self) -> LoopbackCluster:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
