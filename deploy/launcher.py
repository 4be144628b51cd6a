"""`staffroom up`: everything on one machine. An embedded nats-server, the stream, the
database schema, then the processes of the Procfile, restarted when they stop, until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from honcho.environ import parse_procfile

from deploy import workers
from deploy.supervisor import GIVE_UP, GaveUp, Supervisor
from events.config import NATS_PASSWORDS, VAR_DIR, MissingSetting, Settings
from events.connection import connect, disconnect
from events.embedded import EmbeddedNats, EmbeddedNatsError, free_port, port_in_use
from events.nats_access import (
    ADMIN,
    WORKERS,
    NatsUser,
    local_passwords,
    nats_url_variable,
    users,
)
from events.store import EventStore

DEPLOY_DIR = Path(__file__).parent
PROCFILE = DEPLOY_DIR / "Procfile"
NOT_SERVICES = {"gateway", "frontend", "projector", "mailbox"}
"""Every other process of the Procfile but a reactor (`<service>_reactions`) or a sender
(`<service>_sender`) is a service, reached at /api/<name>/."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
NO_ACCESS_LOG = "STAFFROOM_NO_ACCESS_LOG"
"""Set to 1 for a process whose gunicorn keeps no access log (deploy/gunicorn.conf.py)."""
GATEWAY_APP = '"gateway:create_app()"'
FRONT_DOOR_APP = '"deploy.front_door:create_app()"'
FRONTEND_PROCESS = "STAFFROOM_FRONTEND_PROCESS"
"""Set to 1 to run the frontend as a process of its own behind the gateway's HTTP relay, as
docker-compose does; by default `staffroom up` serves it inside the gateway's process."""
WORKERS_PROCESS = "workers"
"""The process of `staffroom up` running the reactors, the sender and the mailbox."""
WORKERS_APART = "STAFFROOM_WORKERS_APART"
"""Set to 1 to run the reactors, the sender and the mailbox each as a process of its own, as
docker-compose does; by default `staffroom up` runs them in one (`staffroom workers`)."""

SERVICES = "services"
"""The process of `staffroom up` serving the quiet services together (TOGETHER)."""
SERVICES_APART = "STAFFROOM_SERVICES_APART"
"""Set to 1 to run each service of the Procfile as a process of its own, as docker-compose
does; by default `staffroom up` serves the quiet ones (TOGETHER) in one process."""
TOGETHER = ("directory", "trustyear", "networks", "notifications")
"""The services `staffroom up` serves in one process: a few commands a minute each, even on
booking morning. The trust days (the hot one, on its loop worker) keep a process of their own."""
TOGETHER_APP = "deploy.services_together:create_app"


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


def frontend_inside_gateway(
    processes: dict[str, str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The Procfile's processes as `staffroom up` runs them: the frontend served inside the
    gateway's process (deploy/front_door.py), one process and one HTTP hop fewer for every
    page (make bench --only front; docs/deploy.md). Not when STAFFROOM_FRONTEND_PROCESS=1,
    nor when the Procfile's gateway line runs another app than the gateway's."""
    gateway = processes.get("gateway", "")
    if "frontend" not in processes or GATEWAY_APP not in gateway:
        return processes
    if environ.get(FRONTEND_PROCESS) == "1":
        return processes
    front_door = gateway.replace(GATEWAY_APP, f"{front_door_size(environ)} {FRONT_DOOR_APP}")
    return {
        name: front_door if name == "gateway" else command
        for name, command in processes.items()
        if name != "frontend"
    }


def front_door_size(environ: Mapping[str, str]) -> str:
    """The front door's gunicorn: one worker of 16 threads, unless WEB_CONCURRENCY or
    STAFFROOM_THREADS say otherwise. On booking morning every process of the stack shares
    the machine's cores, and a second worker booked no faster (make bench --only front:
    API 158/s and pages 84/s with one, 166-186 and 71-95 with two) for about 80 MB more RSS
    (docs/performance.md)."""
    workers = "" if "WEB_CONCURRENCY" in environ else "--workers 1"
    threads = "" if "STAFFROOM_THREADS" in environ else "--threads 16"
    return f"{workers} {threads}".strip()


def services_in_one_process(
    processes: dict[str, str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The Procfile's processes as `staffroom up` runs them: the quiet services (TOGETHER)
    served by one gunicorn, an arbiter and one gthread worker, each below /<name> of its
    port and with its own NATS user (deploy/services_together.py), instead of a gunicorn each
    (about 100 MB each: docs/performance.md, Memory). Only a line running the service's own
    app on one gunicorn worker of the default class is folded (one given more workers or
    another worker class stays apart), and only two or more. Not when
    STAFFROOM_SERVICES_APART=1."""
    inside = [name for name in TOGETHER if _one_plain_worker(name, processes.get(name, ""))]
    if len(inside) < 2 or SERVICES in processes or environ.get(SERVICES_APART) == "1":
        return processes
    app = f"{TOGETHER_APP}('{','.join(inside)}')"
    command = (
        f'gunicorn --config "$STAFFROOM_DEPLOY/gunicorn.conf.py" --workers 1 '
        f'--bind 127.0.0.1:${SERVICES.upper()}_PORT "{app}"'
    )
    folded = {}
    for name, line in processes.items():
        if name == inside[0]:  # where the first of them was: the same order of starting
            folded[SERVICES] = command
        if name not in inside:
            folded[name] = line
    return folded


def _one_plain_worker(service: str, command: str) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:  # not a command line shlex can read: not ours to fold
        return False
    return (
        words[:1] == ["gunicorn"]
        and words[-1:] == [f"services.{service}:create_app()"]
        and "--workers 1" in command
        and "--worker-class" not in command
    )


def services_inside(command: str) -> list[str]:
    """The services a command serves together (none for another command)."""
    found = re.search(re.escape(TOGETHER_APP) + r"\('([\w,]+)'\)", command)
    return found[1].split(",") if found else []


def nats_urls_inside(nats: EmbeddedNats, command: str) -> dict[str, str]:
    """For the services served together: each one's own NATS user in <NAME>_NATS_URL, and
    the first one's as the process's NATS_URL (its /readyz asks NATS with it)."""
    inside = [service for service in services_inside(command) if service in nats.users]
    if not inside:
        return {}
    return {"NATS_URL": nats.url_for(inside[0]), **own_nats_users(nats, inside)}


def workers_together(
    processes: dict[str, str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The Procfile's processes as `staffroom up` runs them: its reactors, the notifications'
    sender and the mailbox run as one process, `staffroom workers NAME...` (deploy/workers.py:
    tasks on one asyncio loop, each with its own NATS user), instead of a Python of 85 to
    106 MB each (make bench --only front; docs/performance.md). Not when
    STAFFROOM_WORKERS_APART=1, nor for fewer than two such lines."""
    parts = [name for name, command in processes.items() if workers.is_worker(command)]
    if len(parts) < 2 or WORKERS_PROCESS in processes or environ.get(WORKERS_APART) == "1":
        return processes
    together = {name: command for name, command in processes.items() if name not in parts}
    return {**together, WORKERS_PROCESS: f"{workers.COMMAND} {' '.join(parts)}"}


def nats_urls_of_parts(nats: EmbeddedNats, command: str) -> dict[str, str]:
    """For `staffroom workers`: each part's own NATS user, in NAME_NATS_URL."""
    return own_nats_users(nats, workers.parts_of(command))


def own_nats_users(nats: EmbeddedNats, names: list[str]) -> dict[str, str]:
    """Each of the Procfile lines `names`, run in one process, its own NATS user's URL in
    NAME_NATS_URL (events.nats_access.own_nats_url reads it)."""
    return {nats_url_variable(name): nats.url_for(name) for name in names if name in nats.users}


def nats_user_of(process: str, command: str) -> str:
    """Whose NATS user a process has: its own, but the gateway serving the frontend has the
    frontend's (read only: its health page reads the stream's last sequence)."""
    return "frontend" if process == "gateway" and FRONT_DOOR_APP in command else process


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
    settings = Settings.from_env()
    try:
        settings.require_secret_key()
    except MissingSetting as error:
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
