"""gunicorn's access log without secrets: a calendar feed's address holds its token (anyone
who reads the log could otherwise read that person's calendar), an email's signed link its
signature (it acts for the person it names), the sign-in callback a one-time code. Every
path of deploy/secret_paths.py has its next segment masked, and each query value it names."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from gunicorn.glogging import Logger

from deploy.secret_paths import masked

ATOM = re.compile(r"%\(([^)]*)\)")


class SecretsMasked(Logger):
    """gunicorn's logger, with every access log field the format shows (request line,
    path, referer...) masked. Only those are made: gunicorn makes every header and
    environment variable of every request an atom, and masking them all was a sixth of the
    gateway's CPU (make bench --only front)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        shown = shown_atoms(self.cfg.access_log_format)
        if shown <= SIMPLE:
            atoms = simple_atoms(resp, environ, request_time)
        else:
            atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: masked(value) if isinstance(value, str) else value
            for key, value in atoms.items()
            if key in shown
        }


SIMPLE = frozenset("hrsbmUqHM")
"""The atoms `simple_atoms` makes as gunicorn does (enough for deploy/gunicorn.conf.py)."""


def simple_atoms(resp: Any, environ: dict, request_time: Any) -> dict:
    status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
    method, protocol = environ["REQUEST_METHOD"], environ["SERVER_PROTOCOL"]
    sent = getattr(resp, "sent", None)
    return {
        "h": environ.get("REMOTE_ADDR", "-"),
        "r": f"{method} {environ['RAW_URI']} {protocol}",
        "s": status,
        "b": str(sent) if sent is not None else "-",
        "m": method,
        "U": environ.get("PATH_INFO"),
        "q": environ.get("QUERY_STRING"),
        "H": protocol,
        "M": request_time.seconds * 1000 + int(request_time.microseconds / 1000),
    }


@cache
def shown_atoms(log_format: str) -> frozenset[str]:
    """The atoms a format names; gunicorn looks up `{Header}i` ones in lower case."""
    return frozenset(
        key.lower() if key.startswith("{") else key for key in ATOM.findall(log_format)
    )
