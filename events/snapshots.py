"""Snapshots of aggregates in a JetStream key-value bucket beside the event stream.

A snapshot is an optimisation, never the truth: it holds a decider's state as of one
stream sequence, so a cold load reads it and then only the events after it. A snapshot
that cannot be read, decoded or trusted is ignored and the aggregate is loaded from the
log. Writing one is best effort: a failure is logged and changes nothing else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import zlib
from typing import Any

from nats.js import JetStreamContext, api
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

Entry = KeyValue.Entry

log = logging.getLogger(__name__)

TIMEOUT = 1.0
"""Seconds a load waits for its snapshot before going without."""
PAUSE = 60.0
"""Seconds snapshots are left alone after the bucket failed."""
_writing: set[asyncio.Task[None]] = set()
"""Snapshots being written in the background, on every event loop of the process."""


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
        self._paused_until = 0.0

    @staticmethod
    def key(kind: str, subject: str) -> str:
        return f"{kind}.{subject}"

    async def get(self, key: str) -> dict[str, Any] | None:
        """The snapshot stored under `key`, or None when there is none or it is unreadable."""
        if time.monotonic() < self._paused_until:
            return None
        try:
            entry = await asyncio.wait_for(self._entry(key), TIMEOUT)
        except (BucketNotFoundError, KeyNotFoundError):
            return None
        except Exception as error:  # a snapshot is only ever a shortcut
            self._pause(f"snapshot {key} not read", error)
            return None
        try:
            snapshot = json.loads(zlib.decompress(entry.value or b""))
        except (ValueError, zlib.error) as error:
            log.warning("snapshot %s ignored: %s", key, error)
            return None
        return snapshot if isinstance(snapshot, dict) else None

    async def put(self, key: str, snapshot: dict[str, Any]) -> None:
        """Store `snapshot` under `key`; a failure is logged, never raised."""
        if time.monotonic() < self._paused_until:
            return
        value = zlib.compress(json.dumps(snapshot).encode())
        try:
            kv = self._kv or await self._bucket()
            self._kv = kv
            await kv.put(key, value)
        except Exception as error:
            self._pause(f"snapshot {key} not written", error)

    def write(self, key: str, snapshot: dict[str, Any]) -> None:
        """`put` in the background: the caller need not wait (`written` waits)."""
        task = asyncio.ensure_future(self.put(key, snapshot))
        _writing.add(task)
        task.add_done_callback(_writing.discard)

    def _pause(self, what: str, error: Exception) -> None:
        """The bucket failed (unreachable, not permitted): loads go on without snapshots
        for a while instead of waiting for it each time."""
        log.warning("%s: %r; snapshots paused for %.0f s", what, error, PAUSE)
        self._paused_until = time.monotonic() + PAUSE

    async def _entry(self, key: str) -> Entry:
        kv = self._kv or await self.js.key_value(self.bucket)
        self._kv = kv
        return await kv.get(key)

    async def _bucket(self) -> KeyValue:
        try:
            return await self.js.key_value(self.bucket)
        except BucketNotFoundError:
            config = api.KeyValueConfig(
                bucket=self.bucket, history=1, replicas=self.replicas, direct=True
            )
            return await self.js.create_key_value(config)


async def written(timeout: float | None = None) -> None:
    """Wait for the snapshots this event loop is writing in the background. Those still
    unwritten after `timeout` seconds are cancelled (a connection closing need not wait
    long for a shortcut), so none is left pending when the loop closes."""
    loop = asyncio.get_running_loop()
    while writing := {task for task in _writing if task.get_loop() is loop}:
        _, unwritten = await asyncio.wait(writing, timeout=timeout)
        for task in unwritten:
            task.cancel()
        await asyncio.gather(*unwritten, return_exceptions=True)
