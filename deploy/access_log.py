"""gunicorn's access log without secrets: a calendar feed's address holds its token, and
anyone who reads the log could otherwise read that person's calendar."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger

FEED_TOKEN = re.compile(r"(/+feeds/+)[^/?#\s]+", re.IGNORECASE)
ATOM = re.compile(r"%\(([^)]*)\)")


def masked(text: str) -> str:
    """`text` with any feed token replaced; read as decoded, so `%66eeds` hides nothing."""
    plain = unquote(text)
    return FEED_TOKEN.sub(r"\1[token]", plain) if FEED_TOKEN.search(plain) else text


class SecretsMasked(Logger):
    """gunicorn's logger, with every access log field the format shows (request line,
    path, referer...) masked. Only those are kept: masking every header and environment
    variable of every request was a sixth of the gateway's CPU (make bench --only front)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        shown = shown_atoms(self.cfg.access_log_format)
        return {
            key: masked(value) if isinstance(value, str) else value
            for key, value in atoms.items()
            if key in shown
        }


@cache
def shown_atoms(log_format: str) -> frozenset[str]:
    """The atoms a format names; gunicorn looks up `{Header}i` ones in lower case."""
    return frozenset(
        key.lower() if key.startswith("{") else key for key in ATOM.findall(log_format)
    )
