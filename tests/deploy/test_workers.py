"""`staffroom up` runs the reactors, the notifications' sender and the mailbox as one process,
`staffroom workers NAME...` (deploy/workers.py): asyncio tasks on one loop, each part with
its own NATS user. docker-compose and STAFFROOM_WORKERS_APART=1 keep them apart. Here: the
fold, and the combined process end to end on real NATS (with the users of `staffroom up`)
and a real database: reactions run, the sender delivers to the mailbox beside it, each part
has its own rights, a part that fails stops the process with exit code 1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from honcho.environ import parse_procfile

from deploy.cli import main
from deploy.launcher import PROCFILE
from deploy.together import frontend_inside_gateway, nats_urls_of_parts, workers_together
from deploy.workers import NICENESS
from events import Event, mailbox
from events.connection import NatsThread
from events.db import migrate
from events.embedded import EmbeddedNats, free_port, port_in_use
from events.nats_access import ADMIN, local_passwords, users
from events.store import EventStore, StreamSettings
from readmodels import PACKAGE_DIR
from services.networks.reactions import REACTIONS as NETWORKS
from services.notifications.reactions import REACTIONS as NOTIFICATIONS
from services.trustdays.reactions import REACTIONS as TRUSTDAYS
from tests.support.identity import SECRET_KEY
from tests.support.launch import STAFFROOM, environment
from tests.support.notifications import a_day, people, place
from tests.support.stack import running_projector
from tests.support.waiting import wait_until

PARTS = [
    "trustdays_reactions",
    "networks_reactions",
    "notifications_reactions",
    "notifications_sender",
    "mailbox",
]
"""The Procfile's lines `staffroom up` runs as one process, in the Procfile's order."""
WORKERS = f"staffroom workers {' '.join(PARTS)}"
STREAM = StreamSettings(name="WORKERS", subjects=("events.>",))
SOON = (datetime.now(UTC) + timedelta(days=20)).date()


def procfile() -> dict[str, str]:
    return dict(parse_procfile(PROCFILE.read_text()).processes)


def test_staffroom_up_runs_the_reactors_the_sender_and_the_mailbox_as_one_process():
    written = procfile()
    run = workers_together(written, {})
    assert run["workers"] == WORKERS
    assert not set(PARTS) & set(run)
    assert {name: run[name] for name in run if name != "workers"} == {
        name: command for name, command in written.items() if name not in PARTS
    }
    # with the frontend inside the gateway, as `staffroom up` runs them
    both = workers_together(frontend_inside_gateway(written, {}), {})
    assert set(both) == set(written) - {"frontend", *PARTS} | {"workers"}


def test_the_workers_can_still_run_apart():
    written = procfile()
    assert workers_together(written, {"STAFFROOM_WORKERS_APART": "1"}) == written
    alone = {"projector": "staffroom projector", "mailbox": "staffroom mailbox"}
    assert workers_together(alone, {}) == alone  # one such line: nothing to fold
    own = {**written, "mailbox": "staffroom mailbox --port 2525"}  # a line of your own
    assert workers_together(own, {})["mailbox"] == "staffroom mailbox --port 2525"
    assert workers_together(own, {})["workers"] == WORKERS.removesuffix(" mailbox")


def test_each_part_is_given_its_own_nats_user(tmp_path):
    server = EmbeddedNats(tmp_path / "nats", users=procfile_users(tmp_path))  # not started
    urls = nats_urls_of_parts(server, WORKERS)
    assert urls == {
        f"{part.upper()}_NATS_URL": server.url_for(part) for part in PARTS
    }  # MAILBOX_NATS_URL too: it has a user like every line, and no use for it
    assert urls["NETWORKS_REACTIONS_NATS_URL"].startswith("nats://networks_reactions:")
    assert nats_urls_of_parts(server, "staffroom projector") == {}


def test_workers_refuse_a_name_they_cannot_run_in_one_sentence():
    unknown = CliRunner().invoke(main, ["workers", "nosuch"])
    assert unknown.exit_code == 1
    assert unknown.output.startswith("The Procfile has no process nosuch: choose from gateway,")
    web = CliRunner().invoke(main, ["workers", "mailbox", "directory"])
    assert web.exit_code == 1
    assert web.output.startswith("directory runs `gunicorn ")
    assert web.output.rstrip().endswith(
        "only a reactor, the sender and the mailbox run as workers."
    )


def procfile_users(tmp_path: Path):
    names = [ADMIN, *(name for name in procfile() if name != "gateway")]
    return users(local_passwords(names, tmp_path / "passwords.json"), STREAM.name, STREAM.prefix)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """nats-server with the users `staffroom up` makes: one per Procfile line."""
    with EmbeddedNats(tmp_path / "nats", users=procfile_users(tmp_path)) as running:
        yield running


@pytest.fixture
def admin(server: EmbeddedNats) -> Iterator[tuple[NatsThread, EventStore]]:
    connection = NatsThread(server.url, name="test-admin")
    store = EventStore(connection.nc, STREAM)
    connection.run(store.ensure_stream())
    yield connection, store
    connection.close()


def start_workers(
    server: EmbeddedNats, tmp_path: Path, database_url: str, **urls: str
) -> tuple[subprocess.Popen[str], int]:
    """`staffroom workers` as `staffroom up` starts it: NATS_URL without a user (the
    process has none), each part's own in NAME_NATS_URL, the mailbox on a free port."""
    smtp_port = free_port()
    env = environment(
        NATS_URL=server.address,
        **(nats_urls_of_parts(server, WORKERS) | urls),
        STAFFROOM_STREAM=STREAM.name,
        STAFFROOM_SUBJECT_PREFIX=STREAM.prefix,
        DATABASE_URL=database_url,
        STAFFROOM_SECRET_KEY=SECRET_KEY,
        STAFFROOM_VAR=str(tmp_path / "var"),
        STAFFROOM_MAILBOX_DIR=str(tmp_path / "mail"),
        MAILBOX_PORT=str(smtp_port),
        STAFFROOM_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    process = subprocess.Popen(
        [STAFFROOM, *WORKERS.split()[1:]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, smtp_port


def users_connected(server: EmbeddedNats) -> set[str]:
    """The NATS user of each client connected, as the server knows them."""
    url = f"http://127.0.0.1:{server.monitor_port}/connz?auth=1&limit=1024"
    with urllib.request.urlopen(url, timeout=5) as answer:
        found = json.load(answer)["connections"] or []
    return {each.get("authorized_user", "") for each in found}


def killed_if_running(process: subprocess.Popen[str]) -> None:
    """A test that failed before its process ended leaves none behind."""
    if process.poll() is None:
        process.kill()
        process.communicate()


def stopped(process: subprocess.Popen[str]) -> str:
    """What a process said, once stopped (for a failed assertion)."""
    if process.poll() is None:
        process.terminate()
    return process.communicate(timeout=30)[0]


def pending(store: EventStore, nats: NatsThread, durable: str) -> int | None:
    try:
        info = nats.run(store.js.consumer_info(store.stream, durable), timeout=5)
    except Exception:
        return None
    return (info.num_pending or 0) + (info.num_ack_pending or 0)


def refused_to(url: str, subject: str) -> bool:
    """A publish of an event on `subject` with this user is refused (nothing appended)."""
    connection = NatsThread(url, name="test-rights")
    try:
        store = EventStore(connection.nc, STREAM, publish_deadline=0.5)
        before = connection.run(store.last_seq())
        event = Event("TestCounterIncremented", {"by": 1, "reason": "rights"})
        try:
            connection.run(store.append(subject, [event], 0))
        except Exception:
            return connection.run(store.last_seq()) == before
        return False
    finally:
        connection.close()


@pytest.mark.slow
def test_the_workers_react_send_to_the_mailbox_beside_them_each_as_its_own_user(
    server, admin, tmp_path, database_url, engine
):
    nats, store = admin
    migrate(engine, [PACKAGE_DIR])
    process, smtp_port = start_workers(server, tmp_path, database_url)
    try:
        with running_projector(nats, store, engine):  # the sender reads the read models
            a_day(nats, store, "day-1", SOON)
            people(nats, store, "amy")
            # told at once (a booking's confirmation waits a minute for a change of mind)
            place(nats, store, "day-1", "PromotedFromWaitlist", "amy", "s2")

            def arrived() -> list[mailbox.Kept]:
                return [m for m in mailbox.kept(tmp_path / "mail") if "amy@" in m.to]

            assert wait_until(lambda: len(arrived()) == 1, timeout=60), stopped(process)
            assert arrived()[0].subject == "You have a place: Session s2"
            # every reaction of the three reactors follows the log and has acted on it all
            durables = [r.durable for r in [*TRUSTDAYS, *NETWORKS, *NOTIFICATIONS]]
            caught_up = lambda: all(pending(store, nats, d) == 0 for d in durables)  # noqa: E731
            assert wait_until(caught_up), {d: pending(store, nats, d) for d in durables}

        # each part is connected as its own user (and the process as nobody else)
        connected = users_connected(server)
        assert {"trustdays_reactions", "networks_reactions", "notifications_reactions"} <= (
            connected
        )
        assert "notifications_sender" in connected
        assert connected <= {*PARTS, ADMIN}
        # on a busy machine their work waits for the request path's
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, ours + NICENESS)
        # and has only its service's rights: a reactor of the networks publishes no trust
        # days events, the notifications' parts none of the networks'
        parts = nats_urls_of_parts(server, WORKERS)
        trustdays = store.subject("trustdays", "day", "forged")
        networks = store.subject("networks", "network", "forged")
        assert refused_to(parts["NETWORKS_REACTIONS_NATS_URL"], trustdays)
        assert refused_to(parts["NOTIFICATIONS_REACTIONS_NATS_URL"], networks)
        assert refused_to(parts["NOTIFICATIONS_SENDER_NATS_URL"], trustdays)
        assert refused_to(parts["TRUSTDAYS_REACTIONS_NATS_URL"], networks)
        assert not refused_to(parts["TRUSTDAYS_REACTIONS_NATS_URL"], trustdays)  # its own

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        killed_if_running(process)
    assert process.returncode == 0, output
    assert f"Mailbox: SMTP on 127.0.0.1:{smtp_port}" in output
    assert " mail.log " not in output  # aiosmtpd's every line, quiet as `staffroom mailbox`
    assert "Traceback" not in output, output
    assert not port_in_use(smtp_port)


@pytest.mark.slow
def test_a_part_that_fails_stops_the_workers_with_exit_code_1(
    server, admin, tmp_path, database_url, engine
):
    """NATS refuses the sender's user: the reactors and the mailbox stop too, and the
    process exits 1 for its supervisor to start it again."""
    wrong = nats_urls_of_parts(server, WORKERS)["NOTIFICATIONS_SENDER_NATS_URL"].replace("@", "x@")
    process, smtp_port = start_workers(
        server, tmp_path, database_url, NOTIFICATIONS_SENDER_NATS_URL=wrong
    )
    try:
        output, _ = process.communicate(timeout=90)
    finally:
        killed_if_running(process)
    assert process.returncode == 1, output
    assert "notifications_sender failed; the other parts stop too" in output
    last = output.rstrip().splitlines()[-1]
    assert last == "notifications_sender failed (the lines above say why), so the workers stopped."
    assert not port_in_use(smtp_port)
