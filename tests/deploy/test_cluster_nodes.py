"""A cluster started from the deployment's own configuration on a host without Docker:
three `staffroom nats-node` processes (deploy/nats-cluster.conf, the passwords from the
environment) on loopback form one JetStream cluster that keeps the stream on three
nodes, with the deployment's users and permissions."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import nats.errors
import pytest

from deploy.nats_cluster import needed_variables
from events import EventStore, StreamSettings
from events.connection import NatsThread
from events.embedded import free_port
from events.nats_access import with_credentials
from services.directory.events import TRUST_SUBJECT
from tests.support.cluster import Node
from tests.support.launch import ROOT, STAFFROOM, environment
from tests.support.people import joined
from tests.support.waiting import wait_until

PASSWORDS = {name: f"pw-{name.lower()}" for name in needed_variables()}


def user_url(nodes: list[Node], user: str) -> str:
    password = PASSWORDS[f"STAFFROOM_NATS_{user.upper()}_PASSWORD"]
    return ",".join(with_credentials(node.address, user, password) for node in nodes)


@pytest.fixture
def nodes(tmp_path) -> Iterator[list[Node]]:
    nodes = [Node(f"n{n}", tmp_path / f"n{n}") for n in (1, 2, 3)]
    processes = []
    try:
        for node in nodes:
            peers = [f"127.0.0.1:{o.cluster_port}" for o in nodes if o is not node]
            command = [
                *(STAFFROOM, "nats-node", node.name, "--data", str(node.folder)),
                *(arg for peer in peers for arg in ("--peer", peer)),
                *("--port", str(node.port), "--monitor-port", str(node.monitor_port)),
                *("--cluster-port", str(node.cluster_port)),
            ]
            env = environment(**PASSWORDS)
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            processes.append(subprocess.Popen(command, env=env, cwd=ROOT, **quiet))
        assert wait_until(lambda: all(node.healthy() for node in nodes), 30, every=0.1)
        yield nodes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


@pytest.mark.slow
def test_three_nodes_started_from_the_deploy_configuration_keep_the_stream_on_each(nodes):
    admin = NatsThread(user_url(nodes, "admin"), name="admin")
    trustdays = NatsThread(user_url(nodes, "trustdays"), name="trustdays")
    try:
        stream = StreamSettings(replicas=3)
        info = admin.run(EventStore(admin.nc, stream).ensure_stream())
        assert info.config.num_replicas == 3
        assert info.cluster is not None and info.cluster.name == "staffroom"
        assert len(info.cluster.replicas or []) == 2  # beside the leader

        directory = EventStore(admin.nc, stream).subject(*TRUST_SUBJECT)
        forged = EventStore(trustdays.nc, stream, publish_deadline=1.0)
        with pytest.raises(nats.errors.TimeoutError):  # not its own subjects: refused
            trustdays.run(forged.append(directory, [joined("p1")], 0), 10)
        store = EventStore(admin.nc, stream)
        assert admin.run(store.append(directory, [joined("p2")], 0)).seq == 1

        def read_back() -> list[str]:  # a direct get may come from a replica still behind
            events, _ = admin.run(store.load(directory))
            return [e.data["person_id"] for e in events]

        assert wait_until(lambda: read_back() == ["p2"], 30), read_back()
    finally:
        trustdays.close()
        admin.close()


def test_a_node_without_its_passwords_says_which_to_set():
    result = subprocess.run(
        [STAFFROOM, "nats-node", "n1", "--peer", f"127.0.0.1:{free_port()}", "--data", "d"],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Set STAFFROOM_NATS_ADMIN_PASSWORD, ")
    assert result.stderr.rstrip().endswith("(the same values on every node).")
