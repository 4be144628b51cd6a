"""Which lines of deploy/Procfile `staffroom up` runs inside one process, on one machine, to
spare the memory of a Python each (docs/deploy.md, docs/performance.md "Memory"): the
frontend inside the gateway's process, the quiet services in one gunicorn, the reactors,
the sender and the mailbox as `staffroom workers`; and the NATS user each such process, and
each line inside it, is given. docker-compose and a hand-run deployment run every line
apart; so does `staffroom up` when told (STAFFROOM_FRONTEND_PROCESS, STAFFROOM_SERVICES_APART,
STAFFROOM_WORKERS_APART)."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping

from deploy import workers
from events.embedded import EmbeddedNats
from events.nats_access import nats_url_variable

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
