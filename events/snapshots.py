"""Snapshots of aggregates in a JetStream key-value bucket beside the event stream.

A snapshot is an optimisation, never the truth: it holds a decider's state as of one
stream sequence, so a cold load reads it and then only the events after it. A snapshot
that cannot be read, decoded or trusted is ignored and the aggregate is loaded from the
log. Writing one is best effort: a failure is logged and changes nothing else.
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any

from nats.js import JetStreamContext, api
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

log = logging.getLogger(__name__)


def bucket_name(stream: str) -> str:
    return f"{stream}_snapshots"


def permissions(stream: str, prefix: str, service: str) -> list[str]:
    """What a service publishes to keep the snapshots of its own subjects (keys are
    `<decider>.<subject>`): the bucket's create and info, reads, and its own puts."""
    bucket = bucket_name(stream)
    return [
        f"$JS.API.STREAM.CREATE.KV_{bucket}",
        f"$JS.API.STREAM.INFO.KV_{bucket}",
        f"$JS.API.DIRECT.GET.KV_{bucket}.>",
        f"$KV.{bucket}.*.{prefix}.{service}.>",
    ]


class Snapshots:
    """The snapshots of one stream's aggregates: one key per decider and subject."""

    def __init__(self, js: JetStreamContext, stream: str, replicas: int = 1):
        self.js = js
        self.bucket = bucket_name(stream)
        self.replicas = replicas
        self._kv: KeyValue | None = None

    @staticmethod
    def key(kind: str, subject: str) -> str:
        return f"{kind}.{subject}"

    async def get(self, key: str) -> dict[str, Any] | None:
        """The snapshot stored under `key`, or None when there is none or it is unreadable."""
        try:
            kv = self._kv or await self.js.key_value(self.bucket)
            self._kv = kv
            entry = await kv.get(key)
            snapshot = json.loads(zlib.decompress(entry.value or b""))
        except (BucketNotFoundError, KeyNotFoundError):
            return None
        except Exception as error:  # a snapshot is only ever a shortcut
            log.warning("snapshot %s ignored: %s", key, error)
            return None
        return snapshot if isinstance(snapshot, dict) else None

    async def put(self, key: str, snapshot: dict[str, Any]) -> None:
        """Store `snapshot` under `key`; a failure is logged, never raised."""
        try:
            kv = self._kv or await self._bucket()
            self._kv = kv
            await kv.put(key, zlib.compress(json.dumps(snapshot).encode()))
        except Exception as error:
            log.warning("snapshot %s not written: %s", key, error)

    async def _bucket(self) -> KeyValue:
        try:
            return await self.js.key_value(self.bucket)
        except BucketNotFoundError:
            config = api.KeyValueConfig(
                bucket=self.bucket, history=1, replicas=self.replicas, direct=True
            )
            return await self.js.create_key_value(config)
