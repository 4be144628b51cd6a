"""Settings from the environment, with the embedded defaults of `make run`."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
