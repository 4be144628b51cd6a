"""Who may do what on NATS: one user per process, written once for the embedded server
(`staffroom up`, tests) and for the deploy configuration (deploy/nats.conf).

A service publishes only to its own subjects (`<prefix>.<service>.>`), and so does the
process running its reactions; the projector and the frontend only read; the admin (the
launcher, and `staffroom` commands run by hand) may manage the stream. Anonymous
connections are refused: a server with users has no anonymous account.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from events.snapshots import permissions as snapshot_permissions

ADMIN = "admin"
READERS = ("projector", "frontend")
"""Processes that read the log and never write to it."""
REACTIONS = "_reactions"
"""A process named `<service>_reactions` runs its service's reactions (events/reactor.py):
with its own password and the service's permissions, it publishes as the service does."""
SENDER = "_sender"
"""A process named `<service>_sender` (the notifications' sender) works for its service
too, with the service's permissions."""
WORKERS = (REACTIONS, SENDER)
"""The suffixes of processes that are not services but work for one."""


def service_of(process: str) -> str:
    """The service whose subjects a process may publish to: a service's own, or the one
    whose reactions (or sending) it runs."""
    for suffix in WORKERS:
        if process.endswith(suffix):
            return process.removesuffix(suffix)
    return process


def nats_url_variable(process: str) -> str:
    """Where a process running several Procfile lines' work finds one line's own NATS URL
    (with that line's user): DIRECTORY_NATS_URL, as DIRECTORY_PORT is its port."""
    return f"{process.upper()}_NATS_URL"


def own_nats_url(process: str, fallback: str, environ: Mapping[str, str]) -> str:
    """The NATS URL of one Procfile line's work in a process running several (`staffroom
    workers`, deploy/services_together.py): its own user's, or `fallback`."""
    return environ.get(nats_url_variable(process)) or fallback


@dataclass(frozen=True)
class NatsUser:
    name: str
    password: str
    permissions: dict[str, Any] | None = None
    """None: everything (the admin)."""

    def config(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"user": self.name, "password": self.password}
        if self.permissions is not None:
            entry["permissions"] = self.permissions
        return entry


def reading(stream: str) -> list[str]:
    """The JetStream API calls that read the stream: its info, direct and message gets,
    consumers (ordered ones and the projector's durable ones) with their acks and flow
    control. A consumer cannot change a limits-retention stream."""
    return [
        "$JS.API.INFO",
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
        f"$JS.API.CONSUMER.*.{stream}",
        f"$JS.API.CONSUMER.*.{stream}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.>",
        f"$JS.ACK.{stream}.>",
        "$JS.FC.>",
    ]


def permissions(process: str, stream: str, prefix: str) -> dict[str, Any]:
    """A reader's permissions, or a service's: a reader's plus its own subjects (and the
    snapshots of its own aggregates)."""
    own: list[str] = []
    if process not in READERS:
        service = service_of(process)
        own = [f"{prefix}.{service}.>", *snapshot_permissions(stream, prefix, service)]
    return {
        "publish": {"allow": own + reading(stream)},
        # Answers to requests and consumer deliveries come to the process's inboxes.
        "subscribe": {"allow": ["_INBOX.>"]},
        "allow_responses": False,
    }


def users(
    passwords: Mapping[str, str], stream: str, prefix: str, admin: str = ADMIN
) -> list[NatsUser]:
    """A user per process of `passwords`; `admin` may do everything."""
    return [
        NatsUser(name, password, None if name == admin else permissions(name, stream, prefix))
        for name, password in passwords.items()
    ]


def server_config(
    users: Iterable[NatsUser],
    store_dir: str,
    host: str = "0.0.0.0",
    port: int = 4222,
    monitor_port: int | None = None,
    sync_always: bool = True,
) -> dict[str, Any]:
    """nats-server's configuration (its format reads JSON). `sync_always` syncs every
    write to disk before the ack, so a machine crash loses no acknowledged event (the
    server's default syncs every two minutes)."""
    jetstream: dict[str, Any] = {"store_dir": store_dir}
    if sync_always:
        jetstream["sync_interval"] = "always"
    config: dict[str, Any] = {
        "host": host,
        "port": port,
        "jetstream": jetstream,
        "authorization": {"users": [user.config() for user in users]},
    }
    if monitor_port is not None:
        config["http"] = f"{host}:{monitor_port}"
    return config


def write_config(config: Mapping[str, Any], path: Path) -> None:
    """Write the configuration readable by its owner only: it holds passwords."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps(config, indent=2) + "\n")


def local_passwords(names: Iterable[str], path: Path) -> dict[str, str]:
    """A password per name, made on first use and kept in `path` (like the secret key),
    so a restarted launcher and `staffroom` commands run by hand know them."""
    kept: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    wanted = {name: kept.get(name) or secrets.token_urlsafe(24) for name in names}
    if wanted.items() - kept.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps({**kept, **wanted}, indent=2) + "\n")
    return wanted


def with_credentials(url: str, user: str, password: str) -> str:
    """`nats://host:port` as `nats://user:password@host:port` (passwords are URL-safe)."""
    parts = urlsplit(url)
    netloc = f"{user}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def without_credentials(url: str) -> str:
    """A NATS URL fit to print: the password, if any, left out."""
    return ",".join(
        urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        for parts in (urlsplit(server.strip()) for server in url.split(","))
    )
