"""`staffroom up` serves the frontend inside the gateway's process (deploy/front_door.py):
one process and one HTTP hop fewer; docker-compose and STAFFROOM_FRONTEND_PROCESS=1 keep
them apart. The whole stack's pages through it: tests/deploy/test_cli.py."""

from __future__ import annotations

from honcho.environ import parse_procfile

from deploy.launcher import PROCFILE
from deploy.together import FRONT_DOOR_APP, frontend_inside_gateway, nats_user_of
from tests.support.identity import SECRET_KEY


def procfile() -> dict[str, str]:
    return dict(parse_procfile(PROCFILE.read_text()).processes)


def test_staffroom_up_runs_the_frontend_inside_the_gateway():
    written = procfile()
    run = frontend_inside_gateway(written, {})
    assert "frontend" not in run
    assert FRONT_DOOR_APP in run["gateway"]
    assert run["gateway"].startswith("gunicorn --config")  # the same settings as before
    assert {name: run[name] for name in run if name != "gateway"} == {
        name: command for name, command in written.items() if name not in ("gateway", "frontend")
    }
    assert nats_user_of("gateway", run["gateway"]) == "frontend"  # its health page reads
    assert nats_user_of("gateway", written["gateway"]) == "gateway"  # no user: refused
    assert nats_user_of("trustdays", run["trustdays"]) == "trustdays"


def test_the_front_door_is_one_worker_of_sixteen_threads_unless_told_otherwise():
    written = procfile()
    assert "--workers 1 --threads 16 " in frontend_inside_gateway(written, {})["gateway"]
    chosen = frontend_inside_gateway(written, {"WEB_CONCURRENCY": "3"})["gateway"]
    assert "--workers" not in chosen and "--threads 16 " in chosen
    chosen = frontend_inside_gateway(written, {"STAFFROOM_THREADS": "4"})["gateway"]
    assert "--workers 1 " in chosen and "--threads" not in chosen


def test_the_frontend_can_still_be_a_process_of_its_own():
    written = procfile()
    assert frontend_inside_gateway(written, {"STAFFROOM_FRONTEND_PROCESS": "1"}) == written
    other = {**written, "gateway": "gunicorn 'my.gateway:app()'"}
    assert frontend_inside_gateway(other, {}) == other  # a gateway of your own: left alone


def test_the_front_door_serves_pages_in_its_own_process(monkeypatch, database_url, engine):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STAFFROOM_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")
    monkeypatch.setenv("STAFFROOM_FRONTEND_URL", "http://127.0.0.1:1")  # never asked
    from deploy.front_door import create_app

    app = create_app()
    client = app.test_client()
    assert client.get("/static/app.css").status_code == 200
    page = client.get("/my-cpd")
    assert (page.status_code, page.headers["Location"]) == (302, "/sign-in?next=/my-cpd")
    app.extensions["engine"].dispose()
