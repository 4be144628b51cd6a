"""Back up the log to a file and restore it into an empty stream, message for message.

The file is gzipped JSON lines: a first line naming the stream and its last sequence,
then each message in order, its subject, its headers and its bytes (base64). Restored in
order into a new, empty stream, every message gets its old sequence again (the stream
never deletes, so sequences run from 1 without a gap), its subject and its message id: a
projection's checkpoint and a command's answered sequence still mean the same message.
What it does not keep: the server's receive times (each event carries its own time in
its envelope) and the consumers (the projector makes its own at its checkpoints; a
reactor's start from the beginning, and the reaction keys make old events harmless).

For a copy of the server's own files instead, use the NATS CLI's `nats stream backup`
(a JetStream snapshot, consumers included) from the admin's account.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nats.aio.msg import Msg

from events.store import JS_API, MSG_ID, NUM_PENDING, SEQUENCE, EventStore

BATCH = 1_000
KEPT_HEADERS = (MSG_ID,)
"""Headers a restored message carries again; Nats-Expected-* were checks at the time."""
Progress = Callable[[int, int], None]


class RestoreRefused(Exception):
    """The stream is not empty, or the file does not follow on from what is there."""


async def backup(store: EventStore, path: Path, progress: Progress | None = None) -> int:
    """Every message of the stream up to its last sequence now; how many were written."""
    end = await store.last_seq()
    written = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"stream": store.stream, "last_seq": end}) + "\n")
        seq = 1
        while seq <= end:
            msgs = await batch(store, seq, min(BATCH, end - seq + 1))
            if not msgs:
                raise RuntimeError(f"the log gave nothing at sequence {seq} of {end}")
            for msg in msgs:
                out.write(json.dumps(line(msg)) + "\n")
            written += len(msgs)
            seq = int((msgs[-1].headers or {})[SEQUENCE]) + 1
            if progress:
                progress(seq - 1, end)
    return written


def line(msg: Msg) -> dict[str, Any]:
    headers = msg.headers or {}
    return {
        "seq": int(headers[SEQUENCE]),
        "subject": headers.get("Nats-Subject", msg.subject),
        "headers": {k: v for k, v in headers.items() if k in KEPT_HEADERS},
        "data": base64.b64encode(msg.data or b"").decode(),
    }


async def batch(store: EventStore, from_seq: int, most: int) -> list[Msg]:
    """Up to `most` messages from `from_seq`, of any subject, in one direct get."""
    msgs: list[Msg] = []
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def put(msg: Msg) -> None:
        status = (msg.headers or {}).get("Status")
        if status and not done.done():
            done.set_result(None)
        elif not status:
            msgs.append(msg)
            if NUM_PENDING not in (msg.headers or {}) and not done.done():
                done.set_result(None)  # a server without batches: one message a request

    inbox = store.nc.new_inbox()
    sub = await store.nc.subscribe(inbox, cb=put)
    request = {"seq": from_seq, "batch": most, "next_by_subj": ">"}
    try:
        subject = f"{JS_API}.DIRECT.GET.{store.stream}"
        await store.nc.publish(subject, json.dumps(request).encode(), reply=inbox)
        await asyncio.wait_for(done, 10)
    finally:
        await sub.unsubscribe()
    return msgs


async def restore(store: EventStore, path: Path, progress: Progress | None = None) -> int:
    """Publish the file's messages into the stream, which must be empty, each at its old
    sequence; how many were restored."""
    await store.ensure_stream()
    if await store.last_seq():
        raise RestoreRefused(f"the stream {store.stream} is not empty: restore into a new one")
    restored = 0
    with gzip.open(path, "rt", encoding="utf-8") as source:
        header = json.loads(source.readline())
        for text in source:
            message = json.loads(text)
            data = base64.b64decode(message["data"])
            headers = message["headers"] or None
            ack = await store.js.publish(message["subject"], data, headers=headers)
            if ack.seq != message["seq"]:
                raise RestoreRefused(f"message {message['seq']} landed at {ack.seq}")
            restored += 1
            if progress:
                progress(ack.seq, header["last_seq"])
    if restored != header["last_seq"]:
        raise RestoreRefused(f"the file ends at {restored} of {header['last_seq']} messages")
    return restored
