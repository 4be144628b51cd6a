"""Settings from the environment, with the embedded defaults of `make run`."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from nats.js import api

from events.in_flight import DEFAULT_LIMIT
from events.nats_access import ADMIN, with_credentials
from events.numbers import whole_number
from events.store import StreamSettings

VAR_DIR = Path(os.environ.get("STAFFROOM_VAR", "var")).resolve()
NATS_PASSWORDS = VAR_DIR / "nats_passwords.json"
"""The embedded nats-server's users and passwords, made by `staffroom up` on first start."""
LOCAL_NATS = "nats://127.0.0.1:4322"
SERVICE_PREFIX, SERVICE_SUFFIX = "STAFFROOM_SERVICE_", "_URL"
RATE_LIMIT_STORAGE = "memory://"
"""Where the gateway counts its limits: in each process (redis://… shares them)."""
FAILED_SIGN_INS_PER_ADDRESS = "30 per minute"
FAILED_SIGN_INS_PER_ACCOUNT = "10 per minute"
FORGED_LINKS_PER_ADDRESS = "30 per minute"
"""An email's signed links found forged or damaged, per client address (gateway/
signed_links.py)."""
LOCAL_SMTP = "smtp://127.0.0.1:8025"
"""The embedded mailbox of `staffroom mailbox`."""
DEFAULT_FROM = "Staffroom <staffroom@localhost>"
PUBLIC_URL = "http://127.0.0.1:8000/"


def service_urls(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Where each service listens, by name: STAFFROOM_SERVICE_<NAME>_URL."""
    return {
        key.removeprefix(SERVICE_PREFIX).removesuffix(SERVICE_SUFFIX).lower(): url
        for key, url in environ.items()
        if key.startswith(SERVICE_PREFIX) and key.endswith(SERVICE_SUFFIX)
    }


class MissingSetting(Exception):
    """A setting production must be given; the message says which."""


class BadSetting(MissingSetting):
    """A setting given a value it cannot take; the message says which and what it takes."""


def whole_setting(env: Mapping[str, str], name: str, default: int, low: int = 1) -> int:
    """Environment variable `name` as a whole number from `low` (ASCII digits, at most nine:
    events.numbers), `default` when unset or empty; anything else is BadSetting."""
    given = env.get(name, "")
    if not given:
        return default
    number = whole_number(given)
    if number is None or number < low:
        raise BadSetting(f"Set {name} to a whole number from {low} (it is {given[:20]!r}).")
    return number


def port_setting(env: Mapping[str, str], name: str) -> int | None:
    """Environment variable `name` as a TCP port, None when unset or empty."""
    given = env.get(name, "")
    if not given:
        return None
    number = whole_number(given)
    if number is None or not 1 <= number <= 65535:
        raise BadSetting(
            f"Set {name} to a port, a whole number from 1 to 65535 (it is {given[:20]!r})."
        )
    return number


def rate_limit_setting(
    env: Mapping[str, str], name: str, default: str, several: bool = True
) -> str:
    """Environment variable `name` as a rate limit flask-limiter reads (limits.parse_many:
    "30 per minute", "30/minute", several joined by ";" where `several`), each letting at
    least one through; `default` when unset or empty."""
    given = env.get(name, "")
    if not given:
        return default
    # Only for a value given: `limits` loads asyncio, ssl and more (a few MB), and every
    # process reads its Settings, the launcher and the reactors too (tests/*/test_imports.py).
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


def rate_limit_storage_setting(env: Mapping[str, str], name: str, default: str) -> str:
    """Environment variable `name` as a storage URI of flask-limiter's (limits.storage:
    memory://, redis://…, memcached://…); not the async+ ones a Flask app cannot use."""
    given = env.get(name, "")
    if not given:
        return default
    from limits.storage import SCHEMES  # only for a value given (rate_limit_setting)

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


def smtp_url_setting(url: str, name: str = "STAFFROOM_SMTP_URL") -> str:
    """`url` if it is smtp://host:port or smtps://host:port (user:password@ before the host
    when the server asks for it, ?starttls=1 after), else BadSetting naming `name`."""
    parts = _split(url)
    if parts is None or parts.scheme not in ("smtp", "smtps") or not _has_host_and_port(parts):
        raise BadSetting(
            f"Set {name} to smtp://host:port or smtps://host:port, with user:password@ "
            f"before the host if the server asks for them (it is {_shown(url)!r})."
        )
    return url


ADDRESS = re.compile(r"[!#-'*+\-/-9=?A-Z^-~.]+@[A-Za-z0-9.\-\[\]:]+")
"""An address an SMTP server takes without SMTPUTF8: ASCII, a local part and a domain."""


def mail_from_setting(env: Mapping[str, str], name: str, default: str) -> str:
    """Environment variable `name` as the From of every email: one address, with a display
    name or without; `default` when unset or empty."""
    given = env.get(name, "")
    if not given:
        return default
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


def public_url_setting(env: Mapping[str, str], name: str, default: str) -> str:
    """Environment variable `name` as the base of every link in an email: an absolute
    http(s) URL without query or fragment, ending in / (added if not)."""
    given = env.get(name, "")
    if not given:
        return default
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


def token_setting(env: Mapping[str, str], name: str) -> str | None:
    """Environment variable `name` as a bearer token, None when unset or empty: visible
    ASCII only, as a client sends it in its Authorization header (never shown)."""
    given = env.get(name, "")
    if not given:
        return None
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


@dataclass(frozen=True)
class Settings:
    nats_url: str
    database_url: str
    stream: StreamSettings
    secret_key: str | None = None
    """Signs sessions, identity headers and CSRF tokens: the same in every process."""
    dev: bool = False
    """Development and demo: "sign in as" anyone, cookies without Secure."""
    in_flight_per_service: int = DEFAULT_LIMIT
    """Requests one process lets wait on a service that has stopped answering
    (events/in_flight.py): STAFFROOM_IN_FLIGHT_PER_SERVICE."""
    rate_limit_storage: str = RATE_LIMIT_STORAGE
    """Where the gateway counts its rate limits: STAFFROOM_RATE_LIMIT_STORAGE."""
    signin_rate_limit: str = FAILED_SIGN_INS_PER_ADDRESS
    """Failed sign-ins per client address: STAFFROOM_SIGNIN_RATE_LIMIT."""
    signin_account_rate_limit: str = FAILED_SIGN_INS_PER_ACCOUNT
    """Failed "sign in as" per account named: STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT."""
    signed_link_rate_limit: str = FORGED_LINKS_PER_ADDRESS
    """Forged or damaged signed links per client address: STAFFROOM_SIGNED_LINK_RATE_LIMIT."""
    smtp_url: str = LOCAL_SMTP
    """Where the sender sends mail: STAFFROOM_SMTP_URL (services/notifications/smtp.py)."""
    mail_from: str = DEFAULT_FROM
    """The From of every email: STAFFROOM_MAIL_FROM."""
    public_url: str = PUBLIC_URL
    """Staffroom's address as people reach it, ending in /, for the links in emails:
    STAFFROOM_PUBLIC_URL."""
    metrics_token: str | None = None
    """/metrics asks for `Authorization: Bearer <it>` when set: STAFFROOM_METRICS_TOKEN."""
    probe_port: int | None = None
    """Where the projector and a reactor answer their probes (deploy/probe.py):
    STAFFROOM_PROBE_PORT."""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        dev = env.get("STAFFROOM_DEV") == "1"
        return cls(
            nats_url=env.get("NATS_URL") or _local_nats_url(),
            database_url=env.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'staffroom.db'}"),
            stream=StreamSettings(
                name=env.get("STAFFROOM_STREAM", "STAFFROOM"),
                subjects=(env.get("STAFFROOM_SUBJECT_PREFIX", "events") + ".>",),
                replicas=int(env.get("STAFFROOM_STREAM_REPLICAS", "1")),
                duplicate_window=float(env.get("STAFFROOM_DUPLICATE_WINDOW", "300")),
                storage=api.StorageType(env.get("STAFFROOM_STREAM_STORAGE", "file")),
            ),
            secret_key=env.get("STAFFROOM_SECRET_KEY") or (_local_secret_key() if dev else None),
            dev=dev,
            in_flight_per_service=whole_setting(
                env, "STAFFROOM_IN_FLIGHT_PER_SERVICE", DEFAULT_LIMIT
            ),
            rate_limit_storage=rate_limit_storage_setting(
                env, "STAFFROOM_RATE_LIMIT_STORAGE", RATE_LIMIT_STORAGE
            ),
            signin_rate_limit=rate_limit_setting(
                env, "STAFFROOM_SIGNIN_RATE_LIMIT", FAILED_SIGN_INS_PER_ADDRESS
            ),
            signin_account_rate_limit=rate_limit_setting(
                env, "STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT", FAILED_SIGN_INS_PER_ACCOUNT
            ),
            signed_link_rate_limit=rate_limit_setting(
                env, "STAFFROOM_SIGNED_LINK_RATE_LIMIT", FORGED_LINKS_PER_ADDRESS, several=False
            ),
            smtp_url=smtp_url_setting(env.get("STAFFROOM_SMTP_URL") or LOCAL_SMTP),
            mail_from=mail_from_setting(env, "STAFFROOM_MAIL_FROM", DEFAULT_FROM),
            public_url=public_url_setting(env, "STAFFROOM_PUBLIC_URL", PUBLIC_URL),
            metrics_token=token_setting(env, "STAFFROOM_METRICS_TOKEN"),
            probe_port=port_setting(env, "STAFFROOM_PROBE_PORT"),
        )

    def require_secret_key(self) -> str:
        """The secret key, for the processes that sign or check (the others never need it)."""
        if not self.secret_key:
            raise MissingSetting(
                "Set STAFFROOM_SECRET_KEY (the same long random value in every process), "
                "or STAFFROOM_DEV=1 for development on one machine."
            )
        return self.secret_key


def _local_nats_url() -> str:
    """The embedded nats-server of `staffroom up`, as its admin (for `staffroom` commands
    run by hand beside it)."""
    if not NATS_PASSWORDS.exists():
        return LOCAL_NATS
    password = json.loads(NATS_PASSWORDS.read_text()).get(ADMIN, "")
    return with_credentials(LOCAL_NATS, ADMIN, password)


def _local_secret_key() -> str:
    """On one machine in development, a key kept in var/ so sessions outlive a restart."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()
