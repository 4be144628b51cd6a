"""`staffroom up`: everything on one machine. An embedded nats-server, the stream, the
database schema, then the processes of the Procfile, restarted when they stop, until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from honcho.environ import parse_procfile

from deploy.supervisor import GIVE_UP, GaveUp, Supervisor
from deploy.together import (
    SERVICES,
    frontend_inside_gateway,
    nats_urls_inside,
    nats_urls_of_parts,
    nats_user_of,
    services_in_one_process,
    services_inside,
    workers_together,
)
from events.config import NATS_PASSWORDS, VAR_DIR, Settings
from events.connection import connect, disconnect
from events.embedded import EmbeddedNats, EmbeddedNatsError, free_port, port_in_use
from events.nats_access import ADMIN, WORKERS, NatsUser, local_passwords, users
from events.setting_checks import MissingSetting
from events.store import EventStore

DEPLOY_DIR = Path(__file__).parent
PROCFILE = DEPLOY_DIR / "Procfile"
NOT_SERVICES = {"gateway", "frontend", "projector", "mailbox"}
"""Every other process of the Procfile but a reactor (`<service>_reactions`) or a sender
(`<service>_sender`) is a service, reached at /api/<name>/."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
NO_ACCESS_LOG = "STAFFROOM_NO_ACCESS_LOG"
"""Set to 1 for a process whose gunicorn keeps no access log (deploy/gunicorn.conf.py)."""


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
    """`staffroom db upgrade`: `staffroom up` runs it as a child process (`prepare`)."""
    from events.db import create_db_engine, migrate
    from readmodels import PACKAGE_DIR as READMODELS_DIR

    engine = create_db_engine(database_url)
    try:
        migrate(engine, [READMODELS_DIR])
    finally:
        engine.dispose()


async def ensure_stream(settings: Settings, nats_url: str) -> None:
    nc = await connect(nats_url, name="launcher")
    try:
        await EventStore(nc, settings.stream).ensure_stream()
    finally:
        await disconnect(nc)


def process_env(
    names: list[str], settings: Settings, nats_url: str, port: int, together: Sequence[str] = ()
) -> dict[str, str]:
    """The environment of every process: where NATS and the database are, and a port for
    each process (the gateway's is the public one) with the URLs the gateway routes to;
    the services `together` are each below /<name> of the SERVICES process's port."""
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
        # glibc gives each thread that allocates an arena of its own, and keeps them: two
        # are plenty for Python (its small objects have their own allocator), and the
        # gateway's sixteen threads hold about 10 MB RSS less (make bench --only front)
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
    }
    for name in names:
        own_port = port if name == "gateway" else free_port()
        env[f"{name.upper()}_PORT"] = str(own_port)
        url = f"http://127.0.0.1:{own_port}"
        if name == "frontend":
            env["STAFFROOM_FRONTEND_URL"] = url
        elif name == SERVICES:
            for service in together:
                env[f"STAFFROOM_SERVICE_{service.upper()}_URL"] = f"{url}/{service}"
        elif name not in NOT_SERVICES and not name.endswith(WORKERS):
            env[f"STAFFROOM_SERVICE_{name.upper()}_URL"] = url
    if "mailbox" in names and not env.get("STAFFROOM_SMTP_URL"):  # the embedded mailbox
        env["STAFFROOM_SMTP_URL"] = f"smtp://127.0.0.1:{env['MAILBOX_PORT']}"
    return env


def announce_when_ready(url: str, done: threading.Event, say: Callable[[str], None]) -> None:
    while not done.wait(0.25):
        try:
            with urllib.request.urlopen(url, timeout=2):
                say(f"Staffroom is up: open {url} (Ctrl-C stops it).")
                return
        except (urllib.error.URLError, OSError):
            continue


def run_processes(
    nats: EmbeddedNats, env: dict[str, str], processes: dict[str, str], url: str
) -> None:
    """The processes under the supervisor, each with its own NATS user, until SIGINT or
    SIGTERM."""
    envs = {
        name: access_log_once(
            name,
            {
                **env,
                "NATS_URL": nats_url_for(nats, nats_user_of(name, command)),
                **nats_urls_inside(nats, command),
                **nats_urls_of_parts(nats, command),
            },
        )
        for name, command in processes.items()
    }
    supervisor = Supervisor(nats, processes, envs)
    done = threading.Event()
    handlers = {sig: signal.signal(sig, lambda *_: done.set()) for sig in STOP_SIGNALS}
    announce = (url, done, supervisor.output.say)
    threading.Thread(target=announce_when_ready, args=announce, daemon=True).start()
    try:
        supervisor.run(done)
    except GaveUp as stopped:
        raise LaunchError(
            f"The {stopped.name} process stopped {GIVE_UP} times in a row (last exit code "
            f"{stopped.code}), so Staffroom stopped: its last lines above say why."
        ) from None
    finally:
        done.set()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def access_log_once(process: str, env: dict[str, str]) -> dict[str, str]:
    """Each request in the access log once, by the gateway: the frontend's and services'
    lines repeated it, and every line costs its process and the launcher CPU (make bench
    --only front). Their gunicorns keep no access log at all (one sent to /dev/null is
    still formatted: about 7% of a service's CPU). STAFFROOM_ACCESS_LOG=all, or
    GUNICORN_CMD_ARGS of your own, keeps them."""
    if process == "gateway" or env.get("STAFFROOM_ACCESS_LOG") == "all":
        return env
    if "GUNICORN_CMD_ARGS" in env:
        return env
    return {**env, NO_ACCESS_LOG: "1"}


def nats_url_for(nats: EmbeddedNats, process: str) -> str:
    """A process's own NATS user; one without (the gateway) is refused if it ever tries."""
    return nats.url_for(process) if process in nats.users else nats.address


def nats_users(processes: list[str], settings: Settings) -> list[NatsUser]:
    """The admin (the launcher, and `staffroom` commands run by hand) and a user for each
    process that uses NATS, with passwords made on first start and kept in var/."""
    names = [ADMIN, *(name for name in processes if name != "gateway")]
    passwords = local_passwords(names, NATS_PASSWORDS)
    return users(passwords, settings.stream.name, settings.stream.prefix)


def prepare(settings: Settings, nats_url: str) -> None:
    """The stream and the schema, before any process needs them. The schema is brought up to
    date by `staffroom db upgrade` in a child process: the launcher lives as long as the
    stack, and SQLAlchemy, Alembic and every read model's tables imported once would stay in
    its memory all along (docs/performance.md, Memory)."""
    asyncio.run(ensure_stream(settings, nats_url))
    upgraded = step(["db", "upgrade"], {"DATABASE_URL": settings.database_url}, stderr=True)
    if upgraded.returncode != 0:
        said = upgraded.stderr.strip().splitlines()
        if len(said) > 1:  # not one sentence: the whole of it, then what failed
            print(upgraded.stderr, file=sys.stderr, end="", flush=True)
        raise LaunchError(said[-1] if said else "`staffroom db upgrade` failed.")


def load_demo(settings: Settings, nats_url: str) -> None:
    """`staffroom demo load` as the NATS admin, in a child process: every service's demo
    data (and their deciders) imported once would stay in the launcher's memory."""
    loaded = step(["demo", "load"], {"NATS_URL": nats_url, "DATABASE_URL": settings.database_url})
    for line in loaded.stdout.splitlines():
        print(f"Demo trust: {line.removeprefix('Loaded ')}", flush=True)
    if loaded.returncode != 0:
        raise LaunchError(
            "The demo trust could not be loaded (`staffroom demo load`): "
            "its last lines above say why."
        )


def step(
    command: list[str], env: Mapping[str, str], stderr: bool = False
) -> subprocess.CompletedProcess[str]:
    """A `staffroom` command run to its end in a child process; its output kept (and its
    errors too, with `stderr`), else its errors go where the launcher's go."""
    return subprocess.run(
        [sys.executable, "-m", "deploy.cli", *command],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if stderr else None,
        text=True,
        check=False,
    )


def up(port: int, nats_port: int, demo_trust: bool = False) -> None:
    check_ports(port, nats_port)
    try:
        settings = Settings.from_env()
        settings.require_secret_key()
    except MissingSetting as error:  # a BadSetting too
        raise LaunchError(str(error)) from None
    procfile = dict(parse_procfile(PROCFILE.read_text()).processes)
    processes = frontend_inside_gateway(procfile)
    processes = services_in_one_process(processes)
    nats = EmbeddedNats(
        VAR_DIR / "nats", port=nats_port, users=nats_users(list(procfile), settings)
    )
    try:
        nats.start()
    except EmbeddedNatsError as error:
        raise LaunchError(str(error)) from None
    try:
        prepare(settings, nats.url)
        if demo_trust:
            load_demo(settings, nats.url)
        print(f"Starting Staffroom on http://127.0.0.1:{port} ...", flush=True)
        env = process_env(
            list(processes),
            settings,
            nats.address,
            port,
            services_inside(processes.get(SERVICES, "")),
        )
        run_processes(nats, env, workers_together(processes), f"http://127.0.0.1:{port}")
    finally:
        nats.stop()
