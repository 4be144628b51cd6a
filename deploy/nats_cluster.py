"""A node of a three-node JetStream cluster: the same users and permissions as one server
(events.nats_access), plus its name and the cluster's routes. Used by the loopback
cluster of the tests and for deploy/nats-cluster.conf, the configuration each
docker-compose node reads (its name and routes come on its command line):

    python -m deploy.nats_cluster > deploy/nats-cluster.conf
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from deploy.nats_config import deploy_users
from events.embedded import nats_server_binary
from events.nats_access import NatsUser, server_config

CLUSTER_NAME = "staffroom"
ROUTE_USER = "route"
HEADER = """\
# A node of the three-node JetStream cluster of docker-compose.yml: made by
# `python -m deploy.nats_cluster` from deploy/Procfile and events/nats_access.py.
# The same users and permissions as deploy/nats.conf; each node gets its name (--name)
# and the routes to the others (--routes nats-route://route:<password>@natsN:6222)
# on its command line, its JetStream folder in NATS_STORE_DIR (`staffroom nats-node`
# does both on a host without Docker). Nodes authenticate each other as `route` with
# STAFFROOM_NATS_ROUTE_PASSWORD. Every write is synced to disk before it is acknowledged.
"""


def cluster_block(
    host: str, port: int, routes: Sequence[str], route_password: str
) -> dict[str, Any]:
    """The `cluster` section: where this node listens for the others, and where they are."""
    block: dict[str, Any] = {
        "name": CLUSTER_NAME,
        "host": host,
        "port": port,
        "authorization": {"user": ROUTE_USER, "password": route_password},
    }
    if routes:
        block["routes"] = list(routes)
    return block


def route_url(host: str, port: int, route_password: str) -> str:
    return f"nats-route://{ROUTE_USER}:{route_password}@{host}:{port}"


def node_config(
    users: Iterable[NatsUser],
    name: str,
    store_dir: str,
    host: str,
    ports: tuple[int, int, int],
    routes: Sequence[str],
    route_password: str,
    sync_always: bool = True,
) -> dict[str, Any]:
    """One node's configuration; `ports` are the clients', the monitor's and the cluster's."""
    client, monitor, cluster = ports
    config = server_config(users, store_dir, host, client, monitor, sync_always)
    config["server_name"] = name
    config["cluster"] = cluster_block(host, cluster, routes, route_password)
    return config


def deploy_cluster_config() -> str:
    """deploy/nats-cluster.conf: passwords from the nodes' environment, as nats.conf."""
    config = node_config(
        deploy_users(),
        name="$NATS_SERVER_NAME",
        store_dir="$NATS_STORE_DIR",
        host="0.0.0.0",
        ports=(4222, 8222, 6222),
        routes=[],
        route_password="$STAFFROOM_NATS_ROUTE_PASSWORD",
    )
    # nats-server reads "$NAME" as text and $NAME (unquoted) from the environment.
    text = re.sub(r'"(\$[A-Z_]+)"', r"\1", json.dumps(config, indent=2))
    return HEADER + text + "\n"


CONFIG_FILE = Path(__file__).parent / "nats-cluster.conf"


def needed_variables() -> list[str]:
    """The environment variables deploy/nats-cluster.conf reads (passwords, the name)."""
    return sorted(set(re.findall(r"(?<!\")\$([A-Z][A-Z_]+)\b", deploy_cluster_config())))


def peer_route(peer: str, route_password: str) -> str:
    host, _, port = peer.rpartition(":")
    return route_url(host, int(port), route_password)


def node_command(
    name: str, peers: Sequence[str], ports: tuple[int, int, int], route_password: str
) -> list[str]:
    """nats-server as one node of the cluster: deploy/nats-cluster.conf with the node's
    name, its ports (clients', monitor's, cluster's) and routes to
    `peers` (each `host:cluster-port`)."""
    client, monitor, cluster = ports
    routes = ",".join(peer_route(peer, route_password) for peer in peers)
    return [
        nats_server_binary(),
        *("--config", str(CONFIG_FILE), "--name", name),
        *("--port", str(client), "--http_port", str(monitor)),
        *("--cluster", f"nats://0.0.0.0:{cluster}", "--routes", routes),
    ]


if __name__ == "__main__":
    print(deploy_cluster_config(), end="")
