"""docker-compose.yml, the Dockerfile and the cluster nodes' nats-server configuration,
checked without Docker (not on the development machines): each file is what its
generator makes from the Procfile, the compose file read back as YAML holds every
process with a health check and a restart policy, every image is pinned, no secret is
written down, and nats-server accepts the node configuration."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import pytest
from honcho.environ import parse_procfile

from deploy.compose import LOCAL_ONLY, NODES, compose_file
from deploy.env_file import env_file
from deploy.nats_cluster import deploy_cluster_config, needed_variables
from events.embedded import nats_server_binary
from tests.support.launch import ROOT

COMPOSE = ROOT / "docker-compose.yml"
PROCFILE = parse_procfile((ROOT / "deploy" / "Procfile").read_text()).processes
PROCESSES = [name for name in PROCFILE if name not in LOCAL_ONLY]
"""Every process but the embedded mailbox of `staffroom up` (a deployment has a relay)."""
ONE_OFF = {"setup"}


def read_yaml(text: str) -> dict:
    """The block-mapping YAML the generator writes (every list and scalar in JSON's flow
    form), read independently of it: a line it cannot read fails the test."""
    root: dict = {}
    stack: list[tuple[int, dict]] = [(-1, root)]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        found = re.fullmatch(r"([A-Za-z0-9_.-]+):(?: (.+))?", line.strip())
        assert found, f"line {number} is not `key: value`: {line!r}"
        while stack[-1][0] >= indent:
            stack.pop()
        key, value = found.groups()
        parent = stack[-1][1]
        assert key not in parent, f"line {number}: {key} twice"
        if value is None:
            parent[key] = {}
            stack.append((indent, parent[key]))
        else:
            parent[key] = json.loads(value)
    return root


@pytest.fixture(scope="module")
def compose() -> dict:
    return read_yaml(COMPOSE.read_text())


def test_the_files_are_what_their_generators_make_from_the_procfile():
    assert COMPOSE.read_text() == compose_file(), (
        "run: python -m deploy.compose > docker-compose.yml"
    )
    cluster_conf = (ROOT / "deploy" / "nats-cluster.conf").read_text()
    assert cluster_conf == deploy_cluster_config(), "run: python -m deploy.nats_cluster"


def test_every_process_of_the_procfile_runs_with_a_health_check_and_a_restart_policy(compose):
    services = compose["services"]
    assert set(PROCESSES) <= set(services)
    assert {*NODES, "postgres"} <= set(services)
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), name
        if name not in ONE_OFF:
            assert service["healthcheck"]["test"][0] == "CMD", name


def test_every_image_is_pinned_to_a_version(compose):
    images = {service["image"] for service in compose["services"].values()}
    dockerfile = (ROOT / "Dockerfile").read_text()
    images |= set(re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE))
    for image in images:
        tag = image.partition(":")[2]
        assert re.match(r"\d+\.\d+", tag), f"{image} is not pinned to a version"


def test_a_three_node_cluster_with_data_volumes_and_replicas_3(compose):
    services, volumes = compose["services"], compose["volumes"]
    for node in NODES:
        command = services[node]["command"]
        routes = command[command.index("--routes") + 1].split(",")
        assert sorted(r.rpartition("@")[2] for r in routes) == sorted(
            f"{other}:6222" for other in NODES if other != node
        )
        assert f"{node}-data" in volumes
        assert any(v.startswith(f"{node}-data:") for v in services[node]["volumes"])
    assert "postgres-data" in volumes
    for name in PROCESSES:
        env = services[name]["environment"]
        assert env["STAFFROOM_STREAM_REPLICAS"] == "3"
        if name != "gateway":
            assert len(env["NATS_URL"].split(",")) == 3
            assert all(url.startswith(f"nats://{name}:") for url in env["NATS_URL"].split(","))


def test_secrets_come_from_the_environment_and_compose_refuses_to_start_without_them(compose):
    for service in compose["services"].values():
        for key, value in service.get("environment", {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN", key):
                assert re.fullmatch(r"\$\{\w+:(\?[^}]+|-)\}", value), key
            for password in re.findall(r"://[^:/]+:([^@]*)@", value):
                assert password.startswith("${") and ":?" in password, key


def test_nats_server_accepts_a_node_configuration():
    env = {name: "a-value" for name in needed_variables()}
    checked = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(ROOT / "deploy" / "nats-cluster.conf")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout


def test_a_first_env_file_gives_every_secret_compose_asks_for_a_fresh_value():
    first, second = env_file(), env_file()
    values = dict(line.split("=", 1) for line in first.splitlines() if "=" in line)
    asked = set(re.findall(r"\$\{(\w+):\?", COMPOSE.read_text()))
    assert asked <= set(values)
    assert all(re.fullmatch(r"[0-9a-f]{64}", values[name]) for name in asked)
    assert first != second


def test_the_image_pins_every_dependency_of_pyproject():
    """deploy/requirements.txt is made by hand from a tested .venv: a dependency added to
    pyproject.toml later must not be missing from the image (its pages would fail there)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {name_of(requirement) for requirement in project["dependencies"]}
    pinned = (ROOT / "deploy" / "requirements.txt").read_text().splitlines()
    assert wanted - {name_of(line) for line in pinned if line and not line.startswith("#")} == set()


def name_of(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
