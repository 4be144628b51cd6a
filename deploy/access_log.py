"""gunicorn's access log without secrets: a calendar feed's address holds its token (anyone
who reads the log could otherwise read that person's calendar), an email's signed link its
signature (it acts for the person it names), the sign-in callback a one-time code. The
fields that are the request's URL (the request line, its path, its query) or another URL
(the referer) are read as URLs: a path starting with one of deploy/secret_paths.py has its
next segment masked, and each query value it names is masked whole. No other field is
searched or changed: a user agent or a search that looks like a secret path is none."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from gunicorn.glogging import Logger

from deploy.secret_paths import masked_path, masked_query, masked_request_line, masked_url

ATOM = re.compile(r"%\(([^)]*)\)")


class SecretsMasked(Logger):
    """gunicorn's logger, with the access log's URL fields (MASKED) masked as URLs. Only
    the atoms the format shows are made: gunicorn makes every header and environment
    variable of every request an atom, and masking them all was a sixth of the gateway's
    CPU (make bench --only front)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        shown = shown_atoms(self.cfg.access_log_format)
        if shown <= SIMPLE:
            atoms = simple_atoms(resp, environ, request_time)
        else:
            atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: MASKED[key](value) if key in MASKED and isinstance(value, str) else value
            for key, value in atoms.items()
            if key in shown
        }


MASKED: dict[str, Callable[[str], str]] = {
    "r": masked_request_line,
    "U": masked_path,
    "q": masked_query,
    "f": masked_url,
    "{referer}i": masked_url,
}
"""The atoms that are a URL or part of one (the request line, its path and query, the
referer, as an atom and as a header), each masked as what it is."""


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
