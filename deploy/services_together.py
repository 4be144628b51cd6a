"""Several services in one process: `staffroom up` serves its quiet ones this way
(deploy/together.py `services_in_one_process`: the directory, the trust year, the networks
and the notifications), one gunicorn (an arbiter and one gthread worker) instead of one
each: about 100 MB of memory a service (docs/performance.md, "Memory").

Each is still the app its Procfile line runs, below a path of its own:
`http://127.0.0.1:$SERVICES_PORT/<name>/…` is the service's `/…`, and the launcher gives the
gateway and the frontend that base URL as STAFFROOM_SERVICE_<NAME>_URL. The gateway's
X-Forwarded-Prefix (/api/<name>) replaces the /<name> of this process in the URLs a service
makes (its ProxyFix), so they are right through the gateway as before.

- **Its own NATS user**: each app gets the Settings of the environment with the NATS URL in
  <NAME>_NATS_URL (the launcher gives the service's own user there; without it, NATS_URL),
  and `events.connection.process_connection` keeps a connection per URL, so a service
  still publishes only to its own subjects.
- **Its own limits and answers**: its request body limit (the directory's imports 10 MiB),
  its error handlers, its /healthz at /<name>/healthz. The process's own /healthz, /readyz
  and /metrics are deploy/probe.py's, as in every web process; /readyz checks NATS as
  NATS_URL's user (the launcher gives the first service's).
- **Its own state**: commands' loops and caches and foreign facts are kept per app
  (`app.extensions`), never per process.

docker-compose, and `staffroom up` with STAFFROOM_SERVICES_APART=1, run the Procfile's lines
apart, each scaled on its own.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from events.config import Settings
from events.nats_access import own_nats_url

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def settings_of(service: str, base: Settings, environ: Mapping[str, str] = os.environ) -> Settings:
    """The environment's Settings with the service's own NATS URL."""
    return replace(base, nats_url=own_nats_url(service, base.nats_url, environ))


def create_app(names: str) -> DispatcherMiddleware:
    """The services `names` (comma-separated: "directory,trustyear"), each made by its
    package's `create_app(settings)` and served below /<name>."""
    base = Settings.from_env()
    apps: dict[str, WSGIApp] = {}
    for name in (part.strip() for part in names.split(",")):
        service = importlib.import_module(f"services.{name}")
        apps[f"/{name}"] = service.create_app(settings_of(name, base))
    return DispatcherMiddleware(nothing_here, apps)


def nothing_here(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A path below none of the services: 404 in the services' shape."""
    body = json.dumps({"error": "not_found", "message": "There is no such service here."})
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [body.encode()]
