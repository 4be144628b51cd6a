"""Health, readiness and metrics for every process of a deployment.

- `/healthz`: the process runs (200), for a restart policy.
- `/readyz`: it can do its work now: its NATS connection is up and its database answers
  (each if it has one); the projector also holds its lease (deploy/lease.py). 503 if not.
- `/metrics`: Prometheus text, with `Authorization: Bearer $STAFFROOM_METRICS_TOKEN` when
  that is set (the gateway's port is public).

Both settings, the token and STAFFROOM_PROBE_PORT, are read and checked with the others by
events.config.Settings; the probes are given them.

Web processes (gateway, frontend, services) get them from `ProbeMiddleware`, which
gunicorn.conf.py wraps around the app in each worker: HTTP requests by method and status
(a command is a POST, PUT, PATCH or DELETE), and the worker's appends to the log (events.
store.APPENDS: appended, duplicate, conflict; latency). Its figures are its process's
own: a deployment runs one gunicorn process a container (WEB_CONCURRENCY=1).
The projector and the reactors answer on STAFFROOM_PROBE_PORT (`serve`): projection
checkpoints and lag behind the stream, reactions' pending events.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from events.store import APPENDS

if TYPE_CHECKING:
    from events.config import Settings

Metric = tuple[str, str, str, list[tuple[dict[str, str], float]]]
"""(name, type, help, [(labels, value)])."""
Check = Callable[[], bool]
TEXT = "text/plain; version=0.0.4; charset=utf-8"


def render(metrics: Iterable[Metric]) -> str:
    """The Prometheus text exposition format."""
    lines = []
    for name, kind, help_text, samples in metrics:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            inner = ",".join(f'{key}="{label_value(v)}"' for key, v in labels.items())
            lines.append(f"{name}{{{inner}}} {value:g}" if inner else f"{name} {value:g}")
    return "\n".join(lines) + "\n"


def label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def append_metrics() -> list[Metric]:
    """This process's appends to the log: outcomes and latency."""
    outcomes = [({"outcome": k}, float(v)) for k, v in sorted(APPENDS.outcomes.items())]
    counts = APPENDS.counts or [0] * len(APPENDS.buckets)
    total = float(sum(APPENDS.outcomes.values()))
    buckets = [({"le": f"{b:g}"}, float(n)) for b, n in zip(APPENDS.buckets, counts, strict=True)]
    return [
        ("staffroom_appends_total", "counter", "Appends to the log by outcome.", outcomes),
        (
            "staffroom_append_seconds",
            "histogram",
            "Time to append a command's events, retries included.",
            [*buckets, ({"le": "+Inf"}, total)],
        ),
        ("staffroom_append_seconds_sum", "untyped", "Total append time.", [({}, APPENDS.seconds)]),
        ("staffroom_append_seconds_count", "untyped", "Appends timed.", [({}, total)]),
    ]


def allowed(authorization: str | None, token: str | None) -> bool:
    """Without a token, anyone; with one, its bearer. Compared as bytes: a header of other
    characters is refused, never a TypeError (compare_digest takes ASCII text only)."""
    if not token:
        return True
    given = (authorization or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, f"Bearer {token}".encode())


def readiness(checks: dict[str, Check]) -> tuple[int, str]:
    failed = [name for name, check in checks.items() if not safely(check)]
    return (503, "not ready: " + ", ".join(failed) + "\n") if failed else (200, "ready\n")


def safely(check: Check) -> bool:
    try:
        return check()
    except Exception:  # a check that cannot tell says "not ready"
        return False


def web_checks(settings: Settings) -> dict[str, Check]:
    """What a web process needs: NATS (if it has a NATS user) and SQL (if it reads any)."""
    checks: dict[str, Check] = {}
    if os.environ.get("NATS_URL"):
        checks["nats"] = lambda: nats_connected(settings.nats_url)
    if os.environ.get("DATABASE_URL"):
        checks["database"] = database_answers(settings.database_url)
    return checks


def nats_connected(url: str) -> bool:
    from events.connection import process_connection

    return process_connection(url, name="probe").nc.is_connected


def database_answers(url: str) -> Check:
    from sqlalchemy import text

    from events.db import create_db_engine

    engine = create_db_engine(url)

    def check() -> bool:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True

    return check


def respond(
    path: str,
    authorization: str | None,
    checks: dict[str, Check],
    metrics: Callable[[], list[Metric]],
    token: str | None,
) -> tuple[int, str, str]:
    """The status, body and content type of a probe's answer; /metrics asks for `token`."""
    if path == "/healthz":
        return 200, "ok\n", "text/plain"
    if path == "/readyz":
        return (*readiness(checks), "text/plain")
    if path != "/metrics":
        return 404, "not found\n", "text/plain"
    if not allowed(authorization, token):
        return 401, "a bearer token is needed\n", "text/plain"
    return 200, render(metrics()), TEXT


class ProbeMiddleware:
    """/healthz, /readyz and /metrics in front of a WSGI app, and its requests counted."""

    PATHS = ("/healthz", "/readyz", "/metrics")

    def __init__(
        self,
        app: Callable[..., Any],
        checks: dict[str, Check] | None = None,
        settings: Settings | None = None,
    ):
        if settings is None:
            from events.config import Settings  # after the fork: as the worker sees them

            settings = Settings.from_env()
        self.app = app
        self.checks = checks if checks is not None else web_checks(settings)
        self.token = settings.metrics_token
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path in self.PATHS:
            status, body, kind = self.answer(path, environ.get("HTTP_AUTHORIZATION"))
            start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store")])
            return [body.encode()]

        def counting(status: str, headers: list[Any], *rest: Any) -> Any:
            with self.lock:
                self.requests[(environ.get("REQUEST_METHOD", ""), status[:3])] += 1
            return start_response(status, headers, *rest)

        return self.app(environ, counting)

    def answer(self, path: str, authorization: str | None) -> tuple[str, str, str]:
        code, body, kind = respond(path, authorization, self.checks, self.metrics, self.token)
        return f"{code} {HTTPStatus(code).phrase}", body, kind

    def metrics(self) -> list[Metric]:
        with self.lock:
            requests = [
                ({"method": method, "status": status}, float(n))
                for (method, status), n in sorted(self.requests.items())
            ]
        counted = ("staffroom_http_requests_total", "counter", "Requests by method and status.")
        return [(*counted, requests), *append_metrics()]


def serve(
    port: int, checks: dict[str, Check], metrics: Callable[[], list[Metric]], token: str | None
) -> None:
    """/healthz, /readyz and /metrics on `port`, in a thread, for a process without HTTP
    of its own (the projector, a reactor); /metrics asks for `token`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            authorization = self.headers.get("Authorization")
            status, body, kind = respond(self.path, authorization, checks, metrics, token)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: Any) -> None:  # a probe every few seconds is noise
            pass

    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    threading.Thread(target=server.serve_forever, name="probe", daemon=True).start()


class Cached:
    """A figure that costs a round trip, asked at most every `seconds`."""

    def __init__(self, read: Callable[[], Any], seconds: float = 5.0):
        self.read, self.seconds = read, seconds
        self.value: Any = None
        self.at = -seconds

    def __call__(self) -> Any:
        if time.monotonic() - self.at >= self.seconds:
            self.value, self.at = self.read(), time.monotonic()
        return self.value


def gauges(name: str, help_text: str, samples: Iterator[tuple[dict[str, str], float]]) -> Metric:
    return (name, "gauge", help_text, list(samples))
