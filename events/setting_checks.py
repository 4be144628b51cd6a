"""What each setting may be: a check takes the variable's name and the value given (never
empty: events.config.setting gives the default then) and returns it as the setting, or
raises BadSetting, one sentence naming the variable and what it takes, that `staffroom` and
`staffroom up` show before anything starts."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import getaddresses
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

from events.numbers import whole_number

T = TypeVar("T")
Check = Callable[[str, str], T]


class MissingSetting(Exception):
    """A setting production must be given; the message says which."""


class BadSetting(MissingSetting):
    """A setting given a value it cannot take; the message says which and what it takes."""


def whole_from(low: int, high: int | None = None) -> Check[int]:
    """A whole number from `low` (to `high`), in ASCII digits, at most nine
    (events.numbers)."""

    def check(name: str, given: str) -> int:
        number = whole_number(given)
        if number is None or number < low or (high is not None and number > high):
            upto = f" to {high}" if high is not None else ""
            raise BadSetting(
                f"Set {name} to a whole number from {low}{upto} (it is {given[:20]!r})."
            )
        return number

    return check


def port(name: str, given: str) -> int:
    """A TCP port."""
    number = whole_number(given)
    if number is None or not 1 <= number <= 65535:
        raise BadSetting(
            f"Set {name} to a port, a whole number from 1 to 65535 (it is {given[:20]!r})."
        )
    return number


SECONDS = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")


def seconds(name: str, given: str) -> float:
    """A number of seconds above 0, such as 300 or 0.5 (ASCII digits)."""
    number = float(given) if SECONDS.fullmatch(given) else 0.0
    if number <= 0:
        raise BadSetting(f"Set {name} to a number of seconds above 0 (it is {given[:20]!r}).")
    return number


def one_of(*choices: str) -> Check[str]:
    """One of `choices`, as written."""

    def check(name: str, given: str) -> str:
        if given not in choices:
            raise BadSetting(f"Set {name} to {' or '.join(choices)} (it is {given[:20]!r}).")
        return given

    return check


def rate_limits(several: bool = True) -> Check[str]:
    """A rate limit flask-limiter reads (limits.parse_many: "30 per minute", "30/minute",
    several joined by ";" where `several`), each letting at least one through."""

    def check(name: str, given: str) -> str:
        # Only for a value given: `limits` loads asyncio, ssl and more (a few MB), and every
        # process reads its Settings, the launcher and the reactors too
        # (tests/*/test_imports.py).
        from limits import parse_many

        try:
            items = parse_many(given)
        except ValueError:
            items = []
        if not items or any(item.amount < 1 for item in items) or (len(items) > 1 and not several):
            what = "one rate limit" if not several else "a rate limit"
            more = "" if not several else " (several joined by ';')"
            raise BadSetting(
                f"Set {name} to {what} such as '30 per minute' or '30/minute'{more}, each "
                f"letting at least 1 through per second, minute, hour, day, month or year "
                f"(it is {given[:40]!r})."
            )
        return given

    return check


def rate_limit_storage(name: str, given: str) -> str:
    """A storage URI of flask-limiter's (limits.storage: memory://, redis://…,
    memcached://…); not the async+ ones a Flask app cannot use."""
    from limits.storage import SCHEMES  # only for a value given (see rate_limits)

    parts = _split(given)
    if (
        parts is None
        or not given.startswith(f"{parts.scheme}://")
        or (parts.scheme not in SCHEMES or parts.scheme.startswith("async+"))
    ):
        raise BadSetting(
            f"Set {name} to where flask-limiter counts: memory://, or redis://host:6379, "
            f"rediss://…, memcached://host:11211, mongodb://… (it is {_shown(given)!r})."
        )
    return given


def smtp_url(name: str, given: str) -> str:
    """smtp://host:port or smtps://host:port (user:password@ before the host when the server
    asks for it, ?starttls=1 after)."""
    parts = _split(given)
    if parts is None or parts.scheme not in ("smtp", "smtps") or not _has_host_and_port(parts):
        raise BadSetting(
            f"Set {name} to smtp://host:port or smtps://host:port, with user:password@ "
            f"before the host if the server asks for them (it is {_shown(given)!r})."
        )
    return given


ADDRESS = re.compile(r"[!#-'*+\-/-9=?A-Z^-~.]+@[A-Za-z0-9.\-\[\]:]+")
"""An address an SMTP server takes without SMTPUTF8: ASCII, a local part and a domain."""


def mail_from(name: str, given: str) -> str:
    """The From of every email: one address, with a display name or without."""
    found = getaddresses([given])
    if (
        len(found) != 1
        or not ADDRESS.fullmatch(found[0][1])
        or any(ord(c) < 32 or ord(c) == 127 for c in given)
    ):
        raise BadSetting(
            f"Set {name} to one address such as 'Staffroom <staffroom@trust.example>' "
            f"(an ASCII address, on one line; it is {given[:60]!r})."
        )
    return given


def public_url(name: str, given: str) -> str:
    """The base of every link in an email: an absolute http(s) URL without query or
    fragment, ending in / (added if not)."""
    parts = _split(given)
    if (
        parts is None
        or not _has_host_and_port(parts)
        or parts.scheme not in ("http", "https")
        or parts.query
        or parts.fragment
        or given.endswith(("?", "#"))
        or any(ord(c) <= 32 or ord(c) == 127 for c in given)
    ):
        raise BadSetting(
            f"Set {name} to an absolute http:// or https:// URL, Staffroom's address as "
            f"people reach it, such as 'https://staffroom.trust.example/' (no query, no "
            f"fragment; it is {_shown(given)!r})."
        )
    return given if given.endswith("/") else given + "/"


def token(name: str, given: str) -> str:
    """A bearer token: visible ASCII only, as a client sends it in its Authorization header
    (never shown)."""
    if not all(33 <= ord(c) <= 126 for c in given):
        raise BadSetting(
            f"Set {name} to a token of visible ASCII characters, without spaces, such as "
            f"one made by `openssl rand -hex 32` (it has other characters)."
        )
    return given


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket
        return None


def _has_host_and_port(parts: SplitResult) -> bool:
    """A host, and a port that is a number from 1 to 65535 where one is written."""
    try:
        return bool(parts.hostname) and parts.port != 0
    except ValueError:  # not a number, or past 65535
        return False


def _shown(url: str) -> str:
    """`url` for a message: a password never, the rest bounded."""
    scheme, slashes, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "…@" + authority.rpartition("@")[2]
    return f"{scheme}{slashes}{authority}{slash}{path}"[:80]
