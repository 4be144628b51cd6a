"""The operator's tools of a deployment, run as an operator runs them: the log backed up
and restored at the same sequences, health, readiness and Prometheus metrics of a web
process under gunicorn, and the projector's lease (a standby takes over when the one
holding it dies)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from deploy.cli import main
from events import Event
from events.db import create_db_engine, migrate
from events.embedded import free_port
from events.projection import checkpoint
from readmodels import PACKAGE_DIR as READMODELS
from tests.support.launch import ROOT, STAFFROOM, environment, stream_env
from tests.support.people import join
from tests.support.trustdays import day_fields, manager
from tests.support.waiting import wait_until

TOKEN = "a-metrics-token"


def increments(*amounts: int) -> list[Event]:
    return [Event("TestCounterIncremented", {"by": n, "reason": "backup"}) for n in amounts]


def every_message(nats, store) -> list[tuple]:
    end = nats.run(store.last_seq())
    found = []
    for seq in range(1, end + 1):
        msg = nats.run(store.js.get_msg(store.stream, seq))
        found.append((msg.seq, msg.subject, (msg.headers or {}).get("Nats-Msg-Id"), msg.data))
    return found


def test_the_log_restored_from_a_backup_has_every_message_at_its_sequence(
    nats, nats_server, store, stream_settings, tmp_path
):
    seq = 0
    for n in range(12):
        subject = store.subject("counter", f"c{n % 3}")
        last = nats.run(store.js.get_last_msg(store.stream, subject)).seq if n >= 3 else 0
        seq = nats.run(store.append(subject, increments(n + 1, 1), last or 0)).seq
    before = every_message(nats, store)
    env = stream_env(nats_server, stream_settings)
    backup = tmp_path / "log.jsonl.gz"

    made = CliRunner().invoke(main, ["log", "backup", str(backup)], env=env)
    assert made.exit_code == 0, made.output
    assert f"Backed up {seq} messages" in made.output
    refused = CliRunner().invoke(main, ["log", "restore", str(backup)], env=env)
    assert refused.exit_code == 1
    assert "is not empty: restore into a new one" in refused.output

    nats.run(store.js.delete_stream(store.stream))  # the log lost
    restored = CliRunner().invoke(main, ["log", "restore", str(backup)], env=env)
    assert restored.exit_code == 0, restored.output
    assert every_message(nats, store) == before
    events, last = nats.run(store.load(store.subject("counter", "c1")))
    assert last == before[-2][0] and [e.data["by"] for e in events][:2] == [2, 1]


@pytest.fixture
def trustdays_under_gunicorn(nats_server, store, stream_settings) -> Iterator[str]:
    port = free_port()
    env = environment(
        **stream_env(nats_server, stream_settings),
        STAFFROOM_SECRET_KEY=os.environ["STAFFROOM_SECRET_KEY"],
        STAFFROOM_METRICS_TOKEN=TOKEN,
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *("--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "1"),
        *("--bind", f"127.0.0.1:{port}", "services.trustdays:create_app()"),
    ]
    service = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: answers(f"{url}/healthz"), timeout=60, every=0.1)
        yield url
    finally:
        service.terminate()
        service.wait(timeout=30)


def answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def sample(metrics: str, name: str, **labels: str) -> float:
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    wanted = f"{name}{{{inner}}}" if inner else name
    found = re.search(rf"^{re.escape(wanted)} (\S+)$", metrics, re.MULTILINE)
    assert found, f"{wanted} not in\n{metrics}"
    return float(found.group(1))


def test_a_web_process_answers_health_readiness_and_metrics(nats, store, trustdays_under_gunicorn):
    url = trustdays_under_gunicorn
    join(nats, store, "person-1")
    assert httpx.get(f"{url}/readyz").text == "ready\n"
    assert httpx.get(f"{url}/metrics").status_code == 401
    planned = httpx.post(f"{url}/days", json=day_fields(), headers=manager())
    assert planned.status_code == 201, planned.text
    assert httpx.post(f"{url}/days", json={}, headers=manager()).status_code == 422

    answer = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    metrics = answer.text
    assert sample(metrics, "staffroom_http_requests_total", method="POST", status="201") == 1
    assert sample(metrics, "staffroom_http_requests_total", method="POST", status="422") == 1
    assert sample(metrics, "staffroom_appends_total", outcome="appended") == 1
    assert sample(metrics, "staffroom_append_seconds", le="+Inf") == 1
    assert "# TYPE staffroom_append_seconds histogram" in metrics


def start_projector(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [STAFFROOM, "projector"],
        env=environment(**env, STAFFROOM_PROBE_PORT=str(port), STAFFROOM_METRICS_TOKEN=TOKEN),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz").status_code == 200
    except httpx.HTTPError:
        return False


def metrics_of(url: str) -> str:
    return httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text


@pytest.mark.slow
def test_one_projector_holds_the_lease_and_a_standby_takes_over_when_it_dies(
    nats, nats_server, store, stream_settings, postgres_url
):
    engine = create_db_engine(postgres_url)
    migrate(engine, [READMODELS])
    seq = join(nats, store, "person-1", "person-2")
    env = stream_env(nats_server, stream_settings, postgres_url)
    first, first_url = start_projector(env)
    second, second_url = None, ""
    try:
        assert wait_until(lambda: ready(first_url), timeout=60, every=0.2)
        assert wait_until(lambda: checkpoint(engine, "directory") == seq, every=0.1)
        second, second_url = start_projector(env)
        assert wait_until(lambda: answers(f"{second_url}/healthz"), timeout=60, every=0.2)
        assert httpx.get(f"{second_url}/readyz").status_code == 503  # a standby
        assert sample(metrics_of(second_url), "staffroom_lease_held") == 0
        metrics = metrics_of(first_url)
        assert sample(metrics, "staffroom_lease_held") == 1
        assert sample(metrics, "staffroom_projection_lag", projection="directory") == 0

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed = time.monotonic()
        seq = join(nats, store, "person-3")
        assert wait_until(lambda: ready(second_url), timeout=30, every=0.1), "took over"
        print(f"\nthe standby was ready {time.monotonic() - killed:.1f} s after the kill")
        assert wait_until(lambda: checkpoint(engine, "directory") == seq, every=0.1)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        engine.dispose()
