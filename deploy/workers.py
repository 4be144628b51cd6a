"""`staffroom workers NAME...`: lines of deploy/Procfile that follow the log or serve mail
(`staffroom reactor …`, `staffroom sender`, `staffroom mailbox`) run together, as tasks on
one asyncio loop in one process. `staffroom up` runs its reactors, the notifications'
sender and the mailbox so (deploy/together.py, `workers_together`): each such line was a
Python process of 85 to 106 MB with the whole library loaded for little work.

Each part keeps its own NATS user: it connects with `<NAME>_NATS_URL` (for example
`NETWORKS_REACTIONS_NATS_URL`; the launcher gives one per part), or `NATS_URL` when that is
not set. One stop for all (SIGINT, SIGTERM). A part that fails (NATS refuses its user, the
stream is missing, its port is taken) stops the others and the process exits 1, for its
supervisor to start it again; every part resumes where it was (the reactors' durable
consumers and idempotency keys, the sender's claims). The parts have no probe
(STAFFROOM_PROBE_PORT): a deployment runs each line as a process of its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from events.nats_access import own_nats_url

if TYPE_CHECKING:
    from events.config import Settings

log = logging.getLogger(__name__)

Work = Callable[[asyncio.Event], Awaitable[None]]
"""A part: runs until the shared stop is set."""
COMMAND = "staffroom workers"
GRACE = 10.0
"""Seconds the other parts have to stop once one has ended or a signal came."""
NICENESS = 5
"""The workers' work can wait a moment (a reaction, an email), a person's click cannot: on
a machine whose cores are all busy, the kernel gives the gateway, the services and the
projector their CPU first (docs/performance.md)."""


class NotAWorker(Exception):
    """A name `staffroom workers` cannot run, in one sentence for a person."""


def is_worker(command: str) -> bool:
    """A Procfile line `staffroom workers` can run: a reactor, the sender, the mailbox."""
    words = shlex.split(command)
    return words in (["staffroom", "sender"], ["staffroom", "mailbox"]) or (
        words[:2] == ["staffroom", "reactor"] and len(words) > 2
    )


def parts_of(command: str) -> list[str]:
    """The Procfile names a `staffroom workers` command runs (none for another command)."""
    words = shlex.split(command)
    return words[2:] if words[:2] == COMMAND.split() else []


def parts(
    names: Iterable[str],
    procfile: Mapping[str, str],
    settings: Settings,
    environ: Mapping[str, str] = os.environ,
) -> dict[str, Work]:
    """What each named Procfile line runs, with its own NATS URL. Raises NotAWorker for a
    name the Procfile has not, or whose line is not one of a reactor, the sender, the
    mailbox; and ImportError, AttributeError or TypeError for reactions that do not exist."""
    chosen: dict[str, Work] = {}
    for name in names:
        command = procfile.get(name)
        if command is None:
            raise NotAWorker(
                f"The Procfile has no process {name}: choose from {', '.join(procfile)}."
            )
        if not is_worker(command):
            raise NotAWorker(
                f"{name} runs `{command}`: only a reactor, the sender and the mailbox "
                "run as workers."
            )
        own = replace(settings, nats_url=own_nats_url(name, settings.nats_url, environ))
        chosen[name] = work(shlex.split(command)[1:], own, environ)
    return chosen


def work(words: list[str], settings: Settings, environ: Mapping[str, str]) -> Work:
    """A Procfile line's command (after `staffroom`) as a part. What each part runs is
    imported here: the launcher imports this module to know the lines it folds."""
    from events import mailbox, reactor

    if words[0] == "reactor":
        reactions = [each for path in words[1:] for each in reactor.load_reactions(path)]
        return lambda stop: reactor.run(settings, reactions, stop)
    if words[0] == "sender":
        from services.notifications import process

        return lambda stop: process.run(settings, stop)
    port = int(environ.get("MAILBOX_PORT") or mailbox.DEFAULT_PORT)
    return lambda stop: mailbox.serve_until(stop, port)


class Ended(Exception):
    """A part returned while nobody asked it to stop."""


async def _guarded(name: str, part: Work, stop: asyncio.Event) -> None:
    try:
        await part(stop)
    except Exception:
        log.exception("%s failed; the other parts stop too, to start again", name)
        raise
    if not stop.is_set():
        log.error("%s ended by itself; the other parts stop too, to start again", name)
        raise Ended(name)


async def run_together(chosen: Mapping[str, Work], stop: asyncio.Event) -> list[str]:
    """Run the parts until `stop` is set or one of them ends; then stop them all (each has
    GRACE seconds). Answers the names of those that failed."""
    tasks = {
        asyncio.create_task(_guarded(name, part, stop), name=name): name
        for name, part in chosen.items()
    }
    _, running = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    if running:
        _, late = await asyncio.wait(running, timeout=GRACE)
        for task in late:
            log.warning("%s did not stop within %g s; cancelled", tasks[task], GRACE)
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    return [
        name
        for task, name in tasks.items()
        if not task.cancelled() and task.exception() is not None
    ]


async def run(chosen: Mapping[str, Work]) -> list[str]:
    """Run the parts until SIGINT or SIGTERM, or until one fails: the names that failed."""
    from events.consumers import stop_on_signals

    os.nice(NICENESS)
    return await run_together(chosen, stop_on_signals())
