"""Settings from the environment, with the embedded defaults of `make run`."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from nats.js import api

from events import setting_checks as checks
from events.in_flight import DEFAULT_LIMIT
from events.nats_access import ADMIN, with_credentials
from events.setting_checks import Check, MissingSetting
from events.store import StreamSettings

T = TypeVar("T")

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


def setting(env: Mapping[str, str], name: str, default: T, check: Check[T]) -> T:
    """Environment variable `name` as `check` takes it (events.setting_checks: BadSetting
    naming it otherwise), `default` when unset or empty."""
    given = env.get(name, "")
    return check(name, given) if given else default


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
                replicas=setting(env, "STAFFROOM_STREAM_REPLICAS", 1, checks.whole_from(1, 5)),
                duplicate_window=setting(env, "STAFFROOM_DUPLICATE_WINDOW", 300.0, checks.seconds),
                storage=api.StorageType(
                    setting(
                        env, "STAFFROOM_STREAM_STORAGE", "file", checks.one_of("file", "memory")
                    )
                ),
            ),
            secret_key=env.get("STAFFROOM_SECRET_KEY") or (_local_secret_key() if dev else None),
            dev=dev,
            in_flight_per_service=setting(
                env, "STAFFROOM_IN_FLIGHT_PER_SERVICE", DEFAULT_LIMIT, checks.whole_from(1)
            ),
            rate_limit_storage=setting(
                env, "STAFFROOM_RATE_LIMIT_STORAGE", RATE_LIMIT_STORAGE, checks.rate_limit_storage
            ),
            signin_rate_limit=setting(
                env,
                "STAFFROOM_SIGNIN_RATE_LIMIT",
                FAILED_SIGN_INS_PER_ADDRESS,
                checks.rate_limits(),
            ),
            signin_account_rate_limit=setting(
                env,
                "STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT",
                FAILED_SIGN_INS_PER_ACCOUNT,
                checks.rate_limits(),
            ),
            signed_link_rate_limit=setting(
                env,
                "STAFFROOM_SIGNED_LINK_RATE_LIMIT",
                FORGED_LINKS_PER_ADDRESS,
                checks.rate_limits(several=False),
            ),
            smtp_url=setting(env, "STAFFROOM_SMTP_URL", LOCAL_SMTP, checks.smtp_url),
            mail_from=setting(env, "STAFFROOM_MAIL_FROM", DEFAULT_FROM, checks.mail_from),
            public_url=setting(env, "STAFFROOM_PUBLIC_URL", PUBLIC_URL, checks.public_url),
            metrics_token=setting(env, "STAFFROOM_METRICS_TOKEN", None, checks.token),
            probe_port=setting(env, "STAFFROOM_PROBE_PORT", None, checks.port),
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
