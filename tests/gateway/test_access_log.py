"""gunicorn's access log, with our settings, never holds a calendar feed's token, an email's
signed link nor a sign-in's one-time code."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from deploy.access_log import SIMPLE, SecretsMasked, simple_atoms
from deploy.secret_paths import SECRET_PATHS, SIGNED_LINKS, masked
from events.config import Settings
from events.embedded import free_port
from frontend import create_app as create_frontend
from gateway import OPEN_PATHS
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.waiting import wait_until

CONFIG = Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"


def hello(environ, start_response):
    """The smallest WSGI app, for gunicorn to log requests to."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def test_every_path_holding_a_secret_is_open_without_a_session_and_masked_in_the_log():
    for path in SECRET_PATHS:
        assert path in OPEN_PATHS
        assert masked(f"GET {path}abc.def HTTP/1.1") == f"GET {path}[token] HTTP/1.1"


def test_a_feed_token_is_masked_however_it_is_written():
    assert masked("GET /feeds/abc123/mine.ics HTTP/1.1") == "GET /feeds/[token]/mine.ics HTTP/1.1"
    assert masked("/%66eeds/abc123/pd-days.ics") == "/feeds/[token]/pd-days.ics"
    assert masked("//FEEDS//abc123") == "//FEEDS//[token]"
    assert masked("GET /days/1?x=%20 HTTP/1.1") == "GET /days/1?x=%20 HTTP/1.1"  # as it was


def test_every_field_a_format_shows_is_masked_however_the_format_names_it():
    config = Config()
    config.set("access_log_format", "%(r)s %(U)s %({Referer}i)s %({REFERER}i)s %(s)s")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/feeds/s3cret/mine.ics",
        "PATH_INFO": "/feeds/s3cret/mine.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    request = SimpleNamespace(headers=[("Referer", "https://x.test/feeds/s3cret/pd.ics")])
    answer = SimpleNamespace(status="200 OK", sent=5, headers=[])
    atoms = SecretsMasked(config).atoms(answer, request, environ, timedelta(milliseconds=3))
    line = config.access_log_format % SafeAtoms(atoms)
    assert "s3cret" not in line
    assert line.count("[token]") == 4
    assert line.endswith(" 200")


@pytest.mark.parametrize(("status", "sent"), [("200 OK", 5), (404, 0), ("302 Found", None)])
def test_the_atoms_made_for_the_default_format_are_gunicorns(status, sent):
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/days/1?x=%20",
        "PATH_INFO": "/days/1",
        "QUERY_STRING": "x=%20",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
    }
    answer = SimpleNamespace(status=status, sent=sent, headers=[])
    took = timedelta(seconds=1, microseconds=234_567)
    gunicorns = Logger.atoms(
        SecretsMasked(Config()), answer, SimpleNamespace(headers=[]), environ, took
    )
    assert simple_atoms(answer, environ, took) == {key: gunicorns[key] for key in SIMPLE}


def test_gunicorn_logs_requests_without_feed_tokens_nor_signed_links(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "--config", str(CONFIG)),
        *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        "tests.gateway.test_access_log:hello",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return httpx.get(f"{url}/up").status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(answers, timeout=20)
        httpx.get(f"{url}/feeds/s3cret-token/mine.ics")
        httpx.get(f"{url}/%66eeds/s3cret-token/pd-days.ics")
        for path in SIGNED_LINKS:  # an email's signed links, as a mail program opens them
            httpx.get(f"{url}{path}s3cret-token?answer=accept")
            httpx.post(f"{url}{path.upper()}s3cret-token")
        httpx.get(f"{url}/sign-in/callback?state=s3cret-token&code=s3cret-token")
        masked = 2 + 2 * len(SIGNED_LINKS)
        assert wait_until(lambda: log.read_text().count("[token]") == masked, timeout=5)
        assert wait_until(lambda: log.read_text().count("[secret]") == 2, timeout=5)
    finally:
        server.terminate()
        server.wait(10)
    text = log.read_text()
    assert "s3cret-token" not in text
    assert '"GET /feeds/[token]/mine.ics HTTP/1.1" 200' in text
    assert '"GET /invitations/[token]?answer=accept HTTP/1.1" 200' in text


def test_the_gateway_names_no_signed_link_when_the_frontend_does_not_answer(make_gateway, caplog):
    """urllib3's error names the URL it failed on, and the gateway logs it."""
    gateway = make_gateway(frontend=f"http://127.0.0.1:{free_port()}").test_client()
    with caplog.at_level(logging.WARNING):
        assert gateway.get("/invitations/s3cret-token?answer=accepted").status_code == 502
        assert gateway.get("/feeds/s3cret-token/mine.ics").status_code == 502
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "is not answering" in logged and "s3cret-token" not in logged


def test_the_frontend_names_no_feed_token_in_an_error(stream_settings, caplog):
    """Flask logs an unhandled error as "Exception on <path>"."""
    settings = Settings("nats://127.0.0.1:1", "sqlite://", stream_settings, SECRET_KEY)
    app = create_frontend(settings)

    def broken(token: str) -> str:
        raise RuntimeError("broken")

    app.add_url_rule("/feeds/<token>/broken.ics", view_func=broken)
    with caplog.at_level(logging.ERROR):
        answer = app.test_client().get("/feeds/s3cret-token/broken.ics", headers=signed(someone()))
        assert answer.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Exception on /feeds/[token]/broken.ics" in logged and "s3cret-token" not in logged


def atoms_of(log_format: str, environ: dict, headers: list[tuple[str, str]]) -> dict:
    config = Config()
    config.set("access_log_format", log_format)
    request = SimpleNamespace(headers=headers)
    answer = SimpleNamespace(status="200 OK", sent=5, headers=[])
    return SecretsMasked(config).atoms(answer, request, {**ENVIRON, **environ}, timedelta(0))


ENVIRON = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.7"}


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("/feeds/ab%20cd/mine.ics", "/feeds/[token]/mine.ics"),
        ("/feeds/ab%2Fcd/mine.ics", "/feeds/[token]/cd/mine.ics"),
        (
            "/sign-in/callback?code=a%20b&state=s%26t",
            "/sign-in/callback?code=[secret]&state=[secret]",
        ),
        (
            "/sign-in/callback?%63ode=abc&STATE=def",
            "/sign-in/callback?%63ode=[secret]&STATE=[secret]",
        ),
        ("/sign-in/callback?code=a+b;state=c", "/sign-in/callback?code=[secret];state=[secret]"),
        (
            "http://staffroom.test/feeds/abc/mine.ics",
            "http://staffroom.test/feeds/[token]/mine.ics",
        ),
        ("//polls//abc?x=1", "//polls//[token]?x=1"),
    ],
)
def test_no_secret_of_a_request_line_is_missed_however_it_is_written(target, shown):
    atoms = atoms_of('"%(r)s" %(s)s', {"RAW_URI": target}, [])
    assert atoms["r"] == f"GET {shown} HTTP/1.1"


def test_only_the_request_and_its_referer_are_masked_as_urls_nothing_else_is_mangled():
    """A search for a path that looks like a secret, a user agent naming one, a page whose
    path holds "feeds" deeper down: none is a secret, each is logged as it came."""
    log_format = '"%(r)s" %(U)s %(q)s "%(f)s" %({referer}i)s "%(a)s" %({user-agent}i)s'
    search = "/people?q=%2Ffeeds%2Fabc%26code%3Dx"
    agent = "Agent/1.0 (+https://x.test/feeds/abc)"
    referer = "https://x.test/days/feeds/abc?q=/polls/x"
    environ = {"RAW_URI": search, "PATH_INFO": "/people", "QUERY_STRING": search[8:]}
    environ |= {"HTTP_USER_AGENT": agent, "HTTP_REFERER": referer}
    headers = [("User-Agent", agent), ("Referer", referer)]
    atoms = atoms_of(log_format, environ, headers)
    assert atoms["r"] == f"GET {search} HTTP/1.1"
    assert atoms["q"] == search[8:]
    assert atoms["a"] == atoms["{user-agent}i"] == agent
    assert atoms["f"] == atoms["{referer}i"] == referer

    referer = "https://x.test/feeds/abc/mine.ics"
    environ = {"RAW_URI": "/polls/abc?code=1", "PATH_INFO": "/polls/abc", "QUERY_STRING": "code=1"}
    environ |= {"HTTP_REFERER": referer}
    atoms = atoms_of(log_format, environ, [("Referer", referer)])
    assert atoms["r"] == "GET /polls/[token]?code=[secret] HTTP/1.1"
    assert (atoms["U"], atoms["q"]) == ("/polls/[token]", "code=[secret]")
    assert atoms["f"] == atoms["{referer}i"] == "https://x.test/feeds/[token]/mine.ics"
