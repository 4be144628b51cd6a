"""The `staffroom` command, run as a person runs it: real processes, real NATS, real SQL."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from click.testing import CliRunner
from honcho.environ import parse_procfile
from sqlalchemy import inspect, select

from deploy import demo
from deploy.cli import main
from deploy.launcher import PROCFILE
from deploy.together import SERVICES
from events import Event, projection
from events.db import create_db_engine, migrate
from events.embedded import free_port, port_in_use
from events.projection import checkpoint
from events.store import EventStore, StreamSettings
from readmodels import PACKAGE_DIR
from readmodels.log_stats import log_event_counts
from readmodels.registry import PROJECTIONS
from services.directory.events import TRUST_SUBJECT
from tests.support.launch import (
    ROOT,
    STAFFROOM,
    Output,
    csrf_token_in,
    environment,
    start_up,
    stream_env,
)
from tests.support.waiting import wait_until

# The same command in a process that also knows the test event types (as a service would).
STAFFROOM_WITH_TEST_EVENTS = [
    sys.executable,
    "-c",
    "import tests.support.counter; from deploy.cli import main; main()",
]


def increments(*amounts: int) -> list[Event]:
    return [Event("TestCounterIncremented", {"by": n, "reason": "cli test"}) for n in amounts]


@pytest.mark.parametrize("option", ["--port", "--nats-port"])
def test_up_refuses_a_port_in_use_in_one_sentence(option, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = {"--port": str(free_port()), "--nats-port": str(free_port()), option: str(busy)}
        result = subprocess.run(
            [STAFFROOM, "up", *(arg for pair in ports.items() for arg in pair)],
            env=environment(STAFFROOM_VAR=str(tmp_path / "var")),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Port {busy} is already in use: stop whatever is using it "
        f"or run `staffroom up {option} {busy + 1}`.\n"
    )
    assert not (tmp_path / "var").exists()  # checked before starting anything


def test_up_without_a_secret_key_says_what_to_set(tmp_path):
    result = subprocess.run(
        [STAFFROOM, "up", "--port", str(free_port()), "--nats-port", str(free_port())],
        env=environment(STAFFROOM_VAR=str(tmp_path / "var")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Set STAFFROOM_SECRET_KEY (the same long random value")
    assert not (tmp_path / "var").exists()


@pytest.mark.slow
def test_up_serves_the_pages_through_the_gateway_and_stops_on_sigint(tmp_path):
    port, nats_port = free_port(), free_port()
    launcher = start_up(tmp_path, port, nats_port)
    try:
        output = Output(launcher)
        output.wait_for(lambda line: line.startswith("Staffroom is up"), timeout=240)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10, follow_redirects=True)
        assert page.status_code == 200
        assert page.url.path == "/sign-in" and "Sign in to Staffroom" in page.text
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        htmx = httpx.get(f"http://127.0.0.1:{port}/static/vendor/htmx.min.js")
        assert htmx.status_code == 200, "htmx is copied from node_modules by `make install`"
        assert "htmx" in htmx.text[:2000] and htmx.headers["Content-Type"].startswith(
            "text/javascript"
        )
        assert httpx.get(f"http://127.0.0.1:{port}/api/nosuch/x").status_code == 404
        assert (tmp_path / "var" / "staffroom.db").exists()
        assert (tmp_path / "var" / "nats" / "jetstream").is_dir()

        text = stopped_by_ctrl_c(launcher, output)
        assert launcher.returncode == 0, text
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert text.rstrip().endswith("Staffroom stopped."), text
    assert "Traceback" not in text and "SIGKILL" not in text, text
    assert "| gateway started" in text
    assert "| frontend started" not in text  # served inside the gateway's process
    assert "| workers started" in text  # the reactors, the sender and the mailbox
    assert "| mailbox started" not in text and "| notifications_sender started" not in text
    assert f"| {SERVICES} started" in text  # the directory, trust year, networks, notifications
    assert "| directory started" not in text
    assert not port_in_use(port) and not port_in_use(nats_port)


@pytest.mark.slow
def test_make_run_lets_a_newcomer_sign_in_as_the_demo_cpd_manager(tmp_path):
    port, nats_port = free_port(), free_port()
    launcher = start_up(tmp_path, port, nats_port, "--demo", STAFFROOM_DEV="1")
    output = Output(launcher)
    try:
        output.wait_for(lambda line: line.startswith("Staffroom is up"), timeout=240)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as browser:
            home = sign_in_as_the_demo_cpd_manager(browser)
            assert "Development copy" in home.text  # the banner on every page
            staff = browser.get("/staff", params={"school": "central"})
            assert staff.status_code == 200 and "Helen Marsh" in staff.text
    finally:
        stopped_by_ctrl_c(launcher, output)


def stopped_by_ctrl_c(launcher: subprocess.Popen[str], output: Output, timeout: float = 120) -> str:
    """SIGINT, as Ctrl-C: `staffroom up` stops every process and then itself. Its output;
    if it has not stopped within `timeout` (a deadline, not a measure), what it last said."""
    launcher.send_signal(signal.SIGINT)
    try:
        launcher.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        launcher.kill()
        launcher.wait()
        raise AssertionError(f"not stopped in {timeout:g} s:\n{output.rest()[-6000:]}") from None
    return output.rest()


def sign_in_as_the_demo_cpd_manager(browser: httpx.Client) -> httpx.Response:
    on_the_list = lambda: "Priya Shah" in browser.get("/sign-in").text  # noqa: E731
    assert wait_until(on_the_list, every=0.5), "the projector lists the demo people"
    signin = browser.get("/sign-in").text
    assert "Development: sign in as someone" in signin
    home = browser.post(
        "/sign-in/as",
        data={"csrf_token": csrf_token_in(signin), "email": "priya.shah@pennine-trust.org.uk"},
        follow_redirects=True,
    )
    assert home.url.path == "/" and "Welcome, Priya" in home.text
    return home


@pytest.mark.slow
def test_a_process_that_cannot_start_stops_everything_in_one_sentence(tmp_path):
    """Restarted after 1, 2, 4 and 8 s, then given up on: a setting is wrong."""
    port, nats_port = free_port(), free_port()
    launcher = start_up(tmp_path, port, nats_port, STAFFROOM_THREADS="not-a-number")
    try:
        output, _ = launcher.communicate(timeout=120)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert launcher.returncode == 1
    last = output.rstrip().splitlines()[-1]
    # whichever web process read the bad setting first (each gunicorn line of the Procfile)
    stopped = re.match(r"The (\w+) process stopped 5 times in a row", last)
    assert stopped and stopped[1] in WEB_PROCESSES, last
    assert "restarting in 8 s" in output
    assert last.endswith("so Staffroom stopped: its last lines above say why.")
    assert not port_in_use(port) and not port_in_use(nats_port)


WEB_PROCESSES = {
    SERVICES,  # the quiet services' process of `staffroom up` (deploy/services_together.py)
    *(
        name
        for name, command in parse_procfile(PROCFILE.read_text()).processes.items()
        if command.startswith("gunicorn")
    ),
}
"""The processes that read STAFFROOM_THREADS (deploy/gunicorn.conf.py)."""


def pid_of(output: Output, name: str) -> int:
    """The process id the launcher last gave for `name` ("projector started (pid 123)")."""
    started = [re.search(rf"\| {name} started \(pid (\d+)\)", line) for line in output.lines]
    return int([found for found in started if found][-1][1])


def a_new_feed_token_shows(browser: httpx.Client) -> bool:
    """A command through the gateway (a new calendar feed address) answers, and the page
    shows its result once the projector has it."""

    def feed_address() -> str | None:
        found = re.search(r'id="feed-url"[^>]*value="([^"]+)"', browser.get("/my-cpd").text)
        return found[1] if found else None

    try:
        before = feed_address()
        csrf = csrf_token_in(browser.get("/my-cpd").text)
        answer = browser.post("/api/directory/me/feed-token", headers={"X-CSRF-Token": csrf})
        if answer.status_code != 201:
            return False
        return wait_until(lambda: feed_address() != before, timeout=20, every=0.5)
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_killed_processes_and_nats_server_come_back_unattended(tmp_path):
    port, nats_port = free_port(), free_port()
    launcher = start_up(tmp_path, port, nats_port, "--demo", STAFFROOM_DEV="1")
    try:
        output = Output(launcher)
        output.wait_for(lambda line: line.startswith("Staffroom is up"), timeout=240)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as browser:
            sign_in_as_the_demo_cpd_manager(browser)
            assert wait_until(lambda: a_new_feed_token_shows(browser), timeout=60, every=1)
            # the feed token is the directory's: SERVICES serves it (with three others)
            for victim in ("projector", SERVICES, "nats-server"):
                os.kill(pid_of(output, victim), signal.SIGKILL)
                output.wait_for(
                    lambda line, victim=victim: line.endswith(
                        f"| {victim} was killed by SIGKILL; restarting in 1 s\n"
                    )
                )
                output.wait_for(lambda line, victim=victim: f"| {victim} started" in line)
                back = wait_until(lambda: a_new_feed_token_shows(browser), timeout=90, every=1)
                assert back, f"a command works again after {victim} was killed"
        text = stopped_by_ctrl_c(launcher, output)
        assert launcher.returncode == 0, text
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert output.rest().rstrip().endswith("Staffroom stopped.")
    assert not port_in_use(port) and not port_in_use(nats_port)


def test_log_tail_prints_each_event_and_follows_the_log(nats, nats_server, store, stream_settings):
    subject = store.subject("counter", "tail")
    first = nats.run(store.append(subject, increments(2, 3), 0))
    tail = subprocess.Popen(
        [STAFFROOM, "log", "tail", "--from-seq", "1"],
        env=environment(**stream_env(nats_server, stream_settings)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        output = Output(tail)
        line = output.wait_for(lambda line: '"by":2' in line)
        assert line.split()[0] == str(first.seq)
        assert "TestCounterIncremented" in line and subject in line and " system " in line
        assert line.rstrip().endswith('{"by":2,"reason":"cli test"}')
        output.wait_for(lambda line: '"by":3' in line)

        later = nats.run(store.append(subject, increments(7), first.seq))
        line = output.wait_for(lambda line: '"by":7' in line)
        assert line.split()[0] == str(later.seq)
        tail.send_signal(signal.SIGINT)
        _, errors = tail.communicate(timeout=30)
    finally:
        if tail.poll() is None:
            tail.kill()
    assert tail.returncode == 0
    assert "Traceback" not in errors


def test_projector_keeps_log_stats_up_to_date_and_stops_on_sigterm(
    nats, nats_server, store, stream_settings, database_url, engine
):
    migrate(engine, [PACKAGE_DIR])
    subject = store.subject("counter", "projected")
    seq = nats.run(store.append(subject, increments(1, 1), 0)).seq
    projector = subprocess.Popen(
        [*STAFFROOM_WITH_TEST_EVENTS, "projector"],
        env=environment(**stream_env(nats_server, stream_settings, database_url)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: checkpoint(engine, "log_stats") == seq)
        seq = nats.run(store.append(subject, increments(5), seq)).seq
        assert wait_until(lambda: checkpoint(engine, "log_stats") == seq)
        projector.send_signal(signal.SIGTERM)
        _, errors = projector.communicate(timeout=30)
    finally:
        if projector.poll() is None:
            projector.kill()
    assert projector.returncode == 0, errors
    assert "Traceback" not in errors, errors
    with engine.connect() as connection:
        row = connection.execute(select(log_event_counts)).one()
    assert (row.type, row.count, row.last_seq) == ("TestCounterIncremented", 3, seq)


def test_projections_rebuild_fills_the_read_model_again(
    nats, nats_server, store, stream_settings, database_url, engine
):
    migrate(engine, [PACKAGE_DIR])
    subject = store.subject("counter", "rebuilt")
    first = nats.run(store.append(subject, increments(1, 2), 0))
    last = nats.run(store.append(subject, increments(3), first.seq))
    result = CliRunner().invoke(
        main,
        ["projections", "rebuild"],
        env=stream_env(nats_server, stream_settings, database_url),
    )
    assert result.exit_code == 0, result.output
    assert f"log_stats: rebuilt up to sequence {last.seq}." in result.output
    assert checkpoint(engine, "log_stats") == last.seq
    with engine.connect() as connection:
        assert connection.execute(select(log_event_counts.c.count)).scalar_one() == 3


def test_a_rebuild_stops_at_an_event_it_cannot_apply_and_status_says_where_and_why(
    nats, nats_server, store, stream_settings, database_url, engine
):
    """A school named with a lone surrogate, appended before the edge refused it."""
    migrate(engine, [PACKAGE_DIR])
    school = {"school_id": "s1", "name": "Oak \udfff", "phase": "primary", "urn": "100001"}
    envelope = {
        "id": "018f0000-0000-7000-8000-00000000dead",
        "type": "SchoolAdded",
        "version": 1,
        "subject": store.subject(*TRUST_SUBJECT),
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "someone",
        "data": {**school, "town": "Leeds"},
    }
    nats.run(store.append(store.subject("counter", "a"), increments(1), 0))
    nats.run(store.js.publish(envelope["subject"], json.dumps([envelope]).encode()))
    env = stream_env(nats_server, stream_settings, database_url)

    rebuilt = CliRunner().invoke(main, ["projections", "rebuild"], env=env)
    assert rebuilt.exit_code == 1, rebuilt.output
    assert "log_stats: rebuilt up to sequence 2." in rebuilt.output
    assert "projection directory stopped at sequence 2: SchoolAdded: Unicode" in rebuilt.output
    assert "trustdays: rebuilt up to sequence 2." in rebuilt.output  # the others go on

    status = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert status.exit_code == 1
    stopped = (
        "directory: stopped at sequence 2: SchoolAdded: UnicodeEncodeError: 'utf-8' codec "
        "can't encode character '\\udfff' in position 4: surrogates not allowed"
    )
    assert status.output.splitlines() == [
        stopped if p.name == "directory" else f"{p.name}: running, at sequence 2"
        for p in PROJECTIONS
    ]


def test_reactor_with_unknown_reactions_says_so_in_one_sentence():
    result = CliRunner().invoke(main, ["reactor", "services.trustdays.reactions:NOSUCH"])
    assert result.exit_code == 1
    assert result.output.startswith("There are no such reactions: ")
    assert "Traceback" not in result.output


def test_rebuilding_an_unknown_projection_says_which_exist():
    result = CliRunner().invoke(main, ["projections", "rebuild", "nosuch"])
    assert result.exit_code == 1
    names = ", ".join(p.name for p in PROJECTIONS)
    assert result.output == f"There is no projection nosuch: choose one of {names}.\n"


def test_demo_load_creates_the_stream_and_loading_again_changes_nothing(
    nats, nats_server, stream_settings
):
    env = stream_env(nats_server, stream_settings)
    try:
        first = CliRunner().invoke(main, ["demo", "load"], env=env)
        assert first.exit_code == 0, first.output
        assert "7 schools and" in first.output
        loaded = nats.run(EventStore(nats.nc, stream_settings).last_seq())
        assert loaded > 0
        again = CliRunner().invoke(main, ["demo", "load"], env=env)
        assert again.output == first.output
        assert nats.run(EventStore(nats.nc, stream_settings).last_seq()) == loaded
    finally:
        nats.run(nats.nc.jetstream().delete_stream(stream_settings.name))


def test_demo_load_runs_each_services_loader(
    nats, nats_server, store, stream_settings, monkeypatch
):
    async def counters(loader_store: EventStore) -> str:
        await loader_store.append(loader_store.subject("counter", "demo"), increments(4), 0)
        return "1 test counter"

    monkeypatch.setattr(demo, "LOADERS", [counters])
    result = CliRunner().invoke(
        main, ["demo", "load"], env=stream_env(nats_server, stream_settings)
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Loaded 1 test counter.\n"
    events, _ = nats.run(store.load(store.subject("counter", "demo")))
    assert [event.data["by"] for event in events] == [4]


def test_stream_ensure_creates_the_stream_the_projector_may_only_read(nats, nats_server):
    settings = StreamSettings(name=f"E{uuid.uuid4().hex[:8]}", subjects=("ensured.>",))
    result = CliRunner().invoke(main, ["stream", "ensure"], env=stream_env(nats_server, settings))
    try:
        assert result.exit_code == 0, result.output
        assert result.output == f"The stream {settings.name} is ready.\n"
        assert nats.run(EventStore(nats.nc, settings).last_seq()) == 0
    finally:
        nats.run(nats.nc.jetstream().delete_stream(settings.name))


def test_db_upgrade_creates_the_runtime_and_frontend_tables(database_url):
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    engine = create_db_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"projection_checkpoints", "log_event_counts"} <= tables


@pytest.mark.parametrize(
    "args",
    [["up", "--port", "99999"], ["up", "--nats-port", "0"], ["log", "tail", "--from-seq", "-5"]],
)
def test_out_of_range_options_are_refused_by_name(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "Invalid value for '--" in result.output and "Traceback" not in result.output


def test_a_log_without_its_stream_is_one_sentence(nats_server, monkeypatch):
    monkeypatch.setenv("NATS_URL", nats_server.url)
    monkeypatch.setenv("STAFFROOM_STREAM", "NEVER_CREATED")
    result = CliRunner().invoke(main, ["log", "tail"])
    assert result.exit_code == 1
    assert result.output.startswith("There is no stream NEVER_CREATED at ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.slow
def test_nats_away_is_one_sentence_not_a_hang(monkeypatch):
    monkeypatch.setenv("NATS_URL", f"nats://127.0.0.1:{free_port()}")
    result = CliRunner().invoke(main, ["log", "tail"])
    assert result.exit_code == 1
    assert result.output.startswith("NATS is not answering at nats://127.0.0.1:")


def test_projections_status_without_a_database_says_so_in_one_sentence(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("The database cannot be read")


def test_projections_status_says_catching_up_and_not_moving_as_the_operator_page_does(
    nats, nats_server, store, stream_settings, database_url, engine, monkeypatch
):
    """A projection behind the log: "catching up" while the event is new, "not moving" once
    nothing was read for NOT_MOVING_AFTER (the operator page's rule, Status.progress), exit 1."""
    migrate(engine, [PACKAGE_DIR])
    nats.run(store.append(store.subject("counter", "a"), increments(1), 0))
    env = stream_env(nats_server, stream_settings, database_url)

    catching_up = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert "log_stats: catching up, at sequence 0 of 1" in catching_up.output.splitlines()
    assert catching_up.exit_code == 0, catching_up.output

    monkeypatch.setattr(projection, "NOT_MOVING_AFTER", timedelta(seconds=0.5))
    time.sleep(0.6)
    stuck = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert stuck.exit_code == 1
    assert (
        "log_stats: not moving, at sequence 0 of 1: behind the log, and no event read for "
        "0.5 s: is the projector running?"
    ) in stuck.output.splitlines()


def test_a_setting_it_cannot_take_is_one_sentence(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "STAFFROOM_IN_FLIGHT_PER_SERVICE": "0"}
    result = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Set STAFFROOM_IN_FLIGHT_PER_SERVICE to a whole number from 1")


@pytest.mark.parametrize(
    ("name", "given", "said"),
    [
        ("STAFFROOM_SIGNIN_RATE_LIMIT", "5 per fortnight", "a rate limit such as '30 per minute'"),
        ("STAFFROOM_SIGNED_LINK_RATE_LIMIT", "abc", "one rate limit such as '30 per minute'"),
        ("STAFFROOM_RATE_LIMIT_STORAGE", "redis//cache", "where flask-limiter counts"),
        ("STAFFROOM_SMTP_URL", "relay.trust.example:587", "smtp://host:port"),
        ("STAFFROOM_MAIL_FROM", "Staffroom", "one address such as"),
        ("STAFFROOM_PUBLIC_URL", "staffroom.trust.example", "an absolute http:// or https://"),
        ("STAFFROOM_METRICS_TOKEN", "two words", "visible ASCII characters"),
        ("STAFFROOM_PROBE_PORT", "65536", "a whole number from 1 to 65535"),
    ],
)
def test_each_setting_it_cannot_take_is_one_sentence_naming_it(tmp_path, name, given, said):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", name: given}
    result = CliRunner().invoke(main, ["projections", "status"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith(f"Set {name} to ")
    assert said in result.output
    assert result.output.count("\n") == 1


def test_up_refuses_a_setting_it_cannot_take_before_starting_anything(tmp_path):
    ports = ["--port", str(free_port()), "--nats-port", str(free_port())]
    result = subprocess.run(
        [STAFFROOM, "up", *ports],
        env=environment(
            STAFFROOM_VAR=str(tmp_path / "var"), STAFFROOM_SIGNIN_RATE_LIMIT="5 per fortnight"
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Set STAFFROOM_SIGNIN_RATE_LIMIT to a rate limit such as")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "var").exists()
