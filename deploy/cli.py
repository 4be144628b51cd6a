"""The `staffroom` command: run it all, follow the log, rebuild read models, load a demo."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click
import nats.errors
from nats.js.errors import NotFoundError

from events.config import Settings
from events.nats_access import without_credentials
from events.setting_checks import MissingSetting

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from events.connection import NatsThread
    from events.projection import Projection
    from events.store import EventStore

# Each command imports what it runs inside its function: `staffroom projector`, each
# reactor, the sender and the mailbox are long-lived processes of `staffroom up`, and a
# module imported is memory held by every one of them (docs/performance.md, Memory).
# tests/deploy/test_imports.py keeps it so.

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def where(settings: Settings) -> str:
    """The NATS server(s), without the password."""
    return without_credentials(settings.nats_url)


class Staffroom(click.Group):
    """Says in one sentence what a person can fix, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MissingSetting as error:  # a setting missing or not one it can take
            fail(str(error))
        except NotFoundError:
            settings = Settings.from_env()
            fail(
                f"There is no stream {settings.stream.name} at {where(settings)} yet: "
                "`staffroom up` (or `make run`) creates it."
            )
        except (OSError, nats.errors.NoServersError, nats.errors.TimeoutError):
            fail(
                f"NATS is not answering at {where(Settings.from_env())}: "
                "start Staffroom with `make run`, or set NATS_URL."
            )


PORT = click.IntRange(1, 65535)


@click.group(cls=Staffroom)
def main() -> None:
    """Staffroom: the trust's calendar and bookings."""


@main.command()
@click.option("--port", type=PORT, default=8000, show_default=True, help="Where to open it.")
@click.option("--nats-port", type=PORT, default=4322, show_default=True, help="Embedded NATS.")
@click.option("--demo", "demo_trust", is_flag=True, help="Load the demo trust (again is harmless).")
def up(port: int, nats_port: int, demo_trust: bool) -> None:
    """Run everything on this machine until Ctrl-C."""
    from deploy import launcher

    try:
        launcher.up(port, nats_port, demo_trust)
    except launcher.LaunchError as error:
        fail(str(error))
    except KeyboardInterrupt:  # Ctrl-C before the processes started: nothing to report
        pass
    click.echo("Staffroom stopped.")


@main.command("projector")
def run_projector() -> None:
    """Keep the read models up to date (until SIGTERM or Ctrl-C)."""
    from deploy.lease import Lease, exclusive
    from events import projector
    from readmodels.registry import PROJECTIONS

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env()
    # One projector at a time (a standby waits for the lease); probes if deployed so.
    lease = Lease()
    if settings.probe_port:
        from deploy.follower_probe import projector_probe

        projector_probe(settings, PROJECTIONS, lease, settings.probe_port)
    with exclusive(settings.database_url, f"projector {settings.stream.name}", lease):
        asyncio.run(projector.run(settings, PROJECTIONS))


@main.command("reactor")
@click.argument("reactions", nargs=-1, required=True)
def run_reactor(reactions: tuple[str, ...]) -> None:
    """Turn events into follow-up commands (until SIGTERM or Ctrl-C): REACTIONS are each
    `module:name` of a reaction or a list of them, e.g.
    services.trustdays.reactions:REACTIONS."""
    from events import reactor

    settings = Settings.from_env()
    try:
        chosen = [each for path in reactions for each in reactor.load_reactions(path)]
    except (ImportError, AttributeError, TypeError) as error:
        fail(f"There are no such reactions: {error}.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if settings.probe_port:
        from deploy.follower_probe import reactor_probe

        reactor_probe(settings, chosen, settings.probe_port)
    asyncio.run(reactor.run(settings, chosen))


@main.command("sender")
def run_sender() -> None:
    """Send the notifications that are due through SMTP (STAFFROOM_SMTP_URL), until SIGTERM."""
    from services.notifications import process

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(process.run(Settings.from_env()))


@main.command("mailbox")
@click.option("--port", type=PORT, default=None, help="SMTP port (default $MAILBOX_PORT or 8025).")
def run_mailbox(port: int | None) -> None:
    """A local SMTP server keeping every message (shown at /operator/mail), until Ctrl-C."""
    from events import mailbox

    mailbox.run(port or int(os.environ.get("MAILBOX_PORT", mailbox.DEFAULT_PORT)))


@main.command("workers")
@click.argument("names", nargs=-1, required=True)
def run_workers(names: tuple[str, ...]) -> None:
    """Run the Procfile's reactors, sender and mailbox NAMES together in one process (as
    `staffroom up` does), each with its own NATS user from NAME_NATS_URL (else NATS_URL),
    until SIGTERM or Ctrl-C; exits 1 when one of them fails (deploy/workers.py)."""
    from honcho.environ import parse_procfile

    from deploy import launcher, workers

    procfile = dict(parse_procfile(launcher.PROCFILE.read_text()).processes)
    try:
        chosen = workers.parts(names, procfile, Settings.from_env())
    except workers.NotAWorker as error:
        fail(str(error))
    except (ImportError, AttributeError, TypeError) as error:
        fail(f"There are no such reactions: {error}.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    failed = asyncio.run(workers.run(chosen))
    if failed:
        fail(f"{', '.join(failed)} failed (the lines above say why), so the workers stopped.")


@main.group()
def log() -> None:
    """The event log."""


@log.command()
@click.option(
    "--from-seq",
    type=click.IntRange(min=1),
    help="Start at this stream sequence (default: the last 10).",
)
def tail(from_seq: int | None) -> None:
    """Print events as they arrive, one line each."""
    from deploy import logview

    asyncio.run(logview.until_interrupted(logview.tail(Settings.from_env(), from_seq, click.echo)))


@log.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def log_backup(file: Path) -> None:
    """Write every message of the log to FILE (gzipped JSON lines; deploy/backup.py)."""
    from deploy import backup

    count = asyncio.run(with_store(lambda store: backup.backup(store, file)))
    click.echo(f"Backed up {count} messages of the log to {file}.")


@log.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def log_restore(file: Path) -> None:
    """Restore FILE into the stream, which must be new and empty (as the NATS admin);
    then rebuild the read models (`staffroom projections rebuild`)."""
    from deploy import backup

    try:
        count = asyncio.run(with_store(lambda store: backup.restore(store, file)))
    except backup.RestoreRefused as refused:
        fail(f"Nothing more was restored: {refused}.")
    click.echo(f"Restored {count} messages, each at its old sequence.")


async def with_store(work: Callable[[EventStore], Awaitable[T]]) -> T:
    from events.connection import connect, disconnect
    from events.store import EventStore

    settings = Settings.from_env()
    nc = await connect(settings.nats_url, name="staffroom")
    try:
        return await work(EventStore(nc, settings.stream))
    finally:
        await disconnect(nc)


@main.group()
def projections() -> None:
    """The read models' projections (readmodels/registry.py)."""


@projections.command("rebuild")
@click.argument("name", required=False)
def rebuild_command(name: str | None) -> None:
    """Empty read models and fold the whole log into them again (NAME, or all)."""
    from events.connection import NatsThread
    from events.db import create_db_engine
    from events.store import EventStore
    from readmodels.registry import PROJECTIONS

    chosen = [p for p in PROJECTIONS if name in (None, p.name)]
    if not chosen:
        names = ", ".join(p.name for p in PROJECTIONS)
        fail(f"There is no projection {name}: choose one of {names}.")
    settings = Settings.from_env()
    nats = NatsThread(settings.nats_url, name="rebuild")
    engine = create_db_engine(settings.database_url)
    try:
        store = EventStore(nats.nc, settings.stream)
        rebuilt = [rebuild_one(nats, store, engine, projection) for projection in chosen]
    finally:
        engine.dispose()
        nats.close()
    if not all(rebuilt):
        sys.exit(1)


def rebuild_one(
    nats: NatsThread, store: EventStore, engine: Engine, projection: Projection
) -> bool:
    from events.projection import ProjectionStopped, rebuild

    end = nats.run(store.last_seq())
    try:
        with click.progressbar(length=end, label=projection.name, show_pos=True) as bar:

            def progress(seq: int, _end: int) -> None:
                bar.update(seq - bar.pos)

            seq = nats.run(rebuild(store, engine, projection, progress), timeout=None)
    except ProjectionStopped as stopped:
        click.echo(f"{stopped} (the events before it are applied).", err=True)
        return False
    click.echo(f"{projection.name}: rebuilt up to sequence {seq}.")
    return True


@projections.command("status")
def status_command() -> None:
    """Where each projection is against the log, as the operator page says it: running,
    catching up, not moving (exit 1) or stopped at an event it cannot apply, and why (exit 1)."""
    from sqlalchemy.exc import SQLAlchemyError

    from events.connection import NatsThread
    from events.db import create_db_engine
    from events.projection_health import projections_health, stream_last_seq
    from readmodels.registry import PROJECTIONS

    settings = Settings.from_env()
    made: list[NatsThread] = []

    def nats() -> NatsThread:
        if not made:
            made.append(NatsThread(settings.nats_url, name="staffroom"))
        return made[0]

    engine = create_db_engine(settings.database_url)
    try:
        nats_ok, last_seq = stream_last_seq(settings, nats)
        names = [projection.name for projection in PROJECTIONS]
        now = projections_health(settings, engine, names, last_seq, nats)
    except SQLAlchemyError:
        fail("The database cannot be read: is it up, and its schema made (`staffroom db upgrade`)?")
    finally:
        engine.dispose()
        for connection in made:
            connection.close()
    if not nats_ok:
        click.echo(
            f"NATS is not answering at {where(settings)}: the log's end is unknown.", err=True
        )
    for each in now:
        said = each.state[:1].lower() + each.state[1:]
        if not each.failed_seq:
            behind = f" of {last_seq}" if each.lag else ""
            said += f", at sequence {each.checkpoint}{behind}"
        click.echo(f"{each.name}: {said}: {each.why}" if each.why else f"{each.name}: {said}")
    if any(each.down for each in now):
        sys.exit(1)


@main.group("demo")
def demo_commands() -> None:
    """The demo trust."""


@demo_commands.command("load")
def demo_load() -> None:
    """Load the demo trust into the log (each service adds its part)."""
    from deploy import demo

    for what in asyncio.run(demo.load(Settings.from_env())):
        click.echo(f"Loaded {what}.")


@main.group("stream")
def stream_commands() -> None:
    """The JetStream stream that holds the log."""


@stream_commands.command("ensure")
def stream_ensure() -> None:
    """Create the stream, or bring its configuration up to date (as the NATS admin: the
    projector and the services may not; `staffroom up` does it itself)."""
    from deploy import launcher

    settings = Settings.from_env()
    asyncio.run(launcher.ensure_stream(settings, settings.nats_url))
    click.echo(f"The stream {settings.stream.name} is ready.")


@main.command("nats-node")
@click.argument("name")
@click.option("--peer", "peers", multiple=True, required=True, help="Another node: host:6222.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--port", type=PORT, default=4222, show_default=True, help="For clients.")
@click.option("--monitor-port", type=PORT, default=8222, show_default=True)
@click.option("--cluster-port", type=PORT, default=6222, show_default=True)
def nats_node(
    name: str, peers: tuple[str, ...], data: Path, port: int, monitor_port: int, cluster_port: int
) -> None:
    """Run node NAME of the three-node JetStream cluster on a host without Docker
    (deploy/nats-cluster.conf), its passwords from the environment."""
    from deploy import nats_cluster

    given = ("NATS_SERVER_NAME", "NATS_STORE_DIR")
    missing = [v for v in nats_cluster.needed_variables() if v not in given]
    missing = [v for v in missing if not os.environ.get(v)]
    if missing:
        fail(f"Set {', '.join(missing)} first (the same values on every node).")
    if not all(re.fullmatch(r"[\w.-]+:\d{1,5}", peer) for peer in peers):
        fail("Give each --peer as host:port, the port its cluster listens on (6222).")
    route_password = os.environ["STAFFROOM_NATS_ROUTE_PASSWORD"]
    ports = (port, monitor_port, cluster_port)
    command = nats_cluster.node_command(name, peers, ports, route_password)
    data.mkdir(parents=True, exist_ok=True)
    node = {"NATS_SERVER_NAME": name, "NATS_STORE_DIR": str(data.resolve())}
    os.execve(command[0], command, {**os.environ, **node})


@main.group("db")
def db() -> None:
    """The SQL database."""


@db.command()
def upgrade() -> None:
    """Bring the schema up to date (Alembic migrations)."""
    from sqlalchemy.exc import OperationalError

    from deploy import launcher

    try:
        launcher.upgrade_database(Settings.from_env().database_url)
    except OperationalError as error:  # `staffroom up` runs this command and says the same
        reason = str(error.orig or error).strip().splitlines()[0]
        fail(f"The database cannot be reached ({reason}): check DATABASE_URL.")
    click.echo("The database schema is up to date.")


if __name__ == "__main__":  # `python -m deploy.cli`: how `staffroom up` runs its steps
    main(prog_name="staffroom")
