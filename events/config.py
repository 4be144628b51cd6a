"""Settings from the environment, with the embedded defaults of `make run`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nats.js import api

from events.store import StreamSettings

VAR_DIR = Path(os.environ.get("STAFFROOM_VAR", "var")).resolve()


@dataclass(frozen=True)
class Settings:
    nats_url: str
    database_url: str
    stream: StreamSettings

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            nats_url=env.get("NATS_URL", "nats://127.0.0.1:4322"),
            database_url=env.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'staffroom.db'}"),
            stream=StreamSettings(
                name=env.get("STAFFROOM_STREAM", "STAFFROOM"),
                subjects=(env.get("STAFFROOM_SUBJECT_PREFIX", "events") + ".>",),
                replicas=int(env.get("STAFFROOM_STREAM_REPLICAS", "1")),
                duplicate_window=float(env.get("STAFFROOM_DUPLICATE_WINDOW", "300")),
                storage=api.StorageType(env.get("STAFFROOM_STREAM_STORAGE", "file")),
            ),
        )
