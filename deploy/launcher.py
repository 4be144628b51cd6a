"""`staffroom up`: everything on one machine. An embedded nats-server, the stream, the
database schema, then the processes of the Procfile under honcho, until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Message, Printer
from sqlalchemy.exc import OperationalError

from deploy import demo
from events.config import VAR_DIR, MissingSetting, Settings
from events.connection import connect, disconnect
from events.db import create_db_engine, migrate
from events.embedded import EmbeddedNats, EmbeddedNatsError, free_port, port_in_use
from events.store import EventStore
from frontend import PACKAGE_DIR as FRONTEND_DIR

DEPLOY_DIR = Path(__file__).parent
PROCFILE = DEPLOY_DIR / "Procfile"
NOT_SERVICES = {"gateway", "frontend", "projector"}
"""Every other process of the Procfile is a service, reached at /api/<name>/."""


class LaunchError(Exception):
    """Why Staffroom could not start or keep running, in one sentence for a person."""


def check_ports(port: int, nats_port: int) -> None:
    if port == nats_port:
        raise LaunchError(f"--port and --nats-port are both {port}: give them different ports.")
    for value, option in ((port, "--port"), (nats_port, "--nats-port")):
        if port_in_use(value):
            raise LaunchError(
                f"Port {value} is already in use: stop whatever is using it "
                f"or run `staffroom up {option} {value + 1}`."
            )


def upgrade_database(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        migrate(engine, [FRONTEND_DIR])
    finally:
        engine.dispose()


async def ensure_stream(settings: Settings, nats_url: str) -> None:
    nc = await connect(nats_url, name="launcher")
    try:
        await EventStore(nc, settings.stream).ensure_stream()
    finally:
        await disconnect(nc)


def process_env(names: list[str], settings: Settings, nats_url: str, port: int) -> dict[str, str]:
    """The environment of every process: where NATS and the database are, and a port for
    each process (the gateway's is the public one) with the URLs the gateway routes to."""
    env = {
        **os.environ,
        # The venv's own commands (gunicorn, staffroom) even when the venv is not activated
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NATS_URL": nats_url,
        "DATABASE_URL": settings.database_url,
        "STAFFROOM_VAR": str(VAR_DIR),
        "STAFFROOM_DEPLOY": str(DEPLOY_DIR),
        "STAFFROOM_SECRET_KEY": settings.require_secret_key(),
        "PYTHONUNBUFFERED": "1",
    }
    for name in names:
        own_port = port if name == "gateway" else free_port()
        env[f"{name.upper()}_PORT"] = str(own_port)
        url = f"http://127.0.0.1:{own_port}"
        if name == "frontend":
            env["STAFFROOM_FRONTEND_URL"] = url
        elif name not in NOT_SERVICES:
            env[f"STAFFROOM_SERVICE_{name.upper()}_URL"] = url
    return env


class Watch(Printer):
    """honcho's printer, noting the first process that stopped before we were told to stop."""

    STOPPED = re.compile(r"^(\S+) stopped \(rc=(-?\d+)\)")

    def __init__(self) -> None:
        super().__init__(sys.stdout)
        self.told_to_stop = False
        self.first_stopped: tuple[str, str] | None = None

    def write(self, message: Message) -> None:
        super().write(message)
        if message.name != "system" or self.told_to_stop or self.first_stopped:
            return
        text = str(message.data)
        stopped = self.STOPPED.match(text)
        if stopped:
            self.first_stopped = (stopped[1], stopped[2])
        elif text.startswith(("SIGINT", "SIGTERM")):
            self.told_to_stop = True


def announce_when_ready(url: str, done: threading.Event) -> None:
    while not done.wait(0.25):
        try:
            with urllib.request.urlopen(url, timeout=2):
                print(f"Staffroom is up: open {url} (Ctrl-C stops it).", flush=True)
                return
        except (urllib.error.URLError, OSError):
            continue


def run_processes(env: dict[str, str], processes: dict[str, str], url: str) -> None:
    watch = Watch()
    manager = Manager(printer=watch)
    for name, command in processes.items():
        manager.add_process(name, command, env=env)
    done = threading.Event()
    threading.Thread(target=announce_when_ready, args=(url, done), daemon=True).start()
    try:
        manager.loop()
    finally:
        done.set()
    if watch.first_stopped:
        name, code = watch.first_stopped
        raise LaunchError(
            f"The {name} process stopped (exit code {code}), so Staffroom stopped: "
            "its last lines above say why."
        )


def prepare(settings: Settings, nats_url: str) -> None:
    """The stream and the schema, before any process needs them."""
    asyncio.run(ensure_stream(settings, nats_url))
    try:
        upgrade_database(settings.database_url)
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        message = f"The database cannot be reached ({reason}): check DATABASE_URL."
        raise LaunchError(message) from None


def up(port: int, nats_port: int, demo_trust: bool = False) -> None:
    check_ports(port, nats_port)
    settings = Settings.from_env()
    try:
        settings.require_secret_key()
    except MissingSetting as error:
        raise LaunchError(str(error)) from None
    processes = dict(parse_procfile(PROCFILE.read_text()).processes)
    nats = EmbeddedNats(VAR_DIR / "nats", port=nats_port)
    try:
        nats.start()
    except EmbeddedNatsError as error:
        raise LaunchError(str(error)) from None
    try:
        prepare(settings, nats.url)
        if demo_trust:
            for loaded in asyncio.run(demo.load(replace(settings, nats_url=nats.url))):
                print(f"Demo trust: {loaded}.", flush=True)
        print(f"Starting Staffroom on http://127.0.0.1:{port} ...", flush=True)
        env = process_env(list(processes), settings, nats.url, port)
        run_processes(env, processes, f"http://127.0.0.1:{port}")
    finally:
        nats.stop()
