"""Where a request goes: /api/<service>/... to that service, everything else to the frontend."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from events.config import service_urls


@dataclass(frozen=True)
class Target:
    label: str
    """How an error page names it: "the frontend", "the trustdays service"."""
    base_url: str
    path: str
    prefix: str
    """The part of the public path the target does not see (X-Forwarded-Prefix)."""

    @property
    def is_frontend(self) -> bool:
        """Every service is below a prefix of its own (/api/<service>); the frontend is not."""
        return not self.prefix


@dataclass(frozen=True)
class Routes:
    frontend: str
    services: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Routes:
        frontend = environ.get("STAFFROOM_FRONTEND_URL", "http://127.0.0.1:8001")
        return cls(frontend, service_urls(environ))

    def target(self, path: str) -> Target | None:
        """The target of a public path, or None for an /api/ path naming no service."""
        if path != "/api" and not path.startswith("/api/"):
            return Target("the frontend", self.frontend.rstrip("/"), path, "")
        name, _, rest = path.removeprefix("/api").removeprefix("/").partition("/")
        url = self.services.get(name)
        if url is None:
            return None
        return Target(f"the {name} service", url.rstrip("/"), f"/{rest}", f"/api/{name}")
