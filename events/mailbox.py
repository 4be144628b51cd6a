"""The embedded mailbox (`staffroom mailbox`): a local SMTP server that keeps every message
it is given in a Maildir under the data folder, so a newcomer sees the mail the demo sends
(the operator's page /operator/mail shows it), and tests send through real SMTP.

aiosmtpd (aio-libs, maintained, asyncio) rather than maildump (unmaintained, Python 2 era):
the web page is Staffroom's own, so all it needs is the SMTP side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mailbox
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from events.config import VAR_DIR

DEFAULT_PORT = 8025


def folder() -> Path:
    """Where the embedded mailbox keeps its Maildir."""
    return Path(os.environ.get("STAFFROOM_MAILBOX_DIR") or VAR_DIR / "mailbox")


class Keeper:
    """An aiosmtpd handler that keeps each message in a Maildir, with its envelope."""

    def __init__(self, path: Path):
        self.maildir = mailbox.Maildir(path, create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        recipients = ", ".join(envelope.rcpt_tos)
        header = f"X-Envelope-To: {recipients}\r\nX-Envelope-From: {envelope.mail_from}\r\n"
        self.maildir.add(header.encode() + content)
        return "250 Message accepted for delivery"


def serve(path: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> Controller:
    """A started SMTP server keeping messages in `path` (stop it with .stop())."""
    controller = Controller(Keeper(path), hostname=host, port=port)
    controller.start()
    return controller


def run(port: int) -> None:
    """Serve until SIGINT or SIGTERM."""
    import signal

    controller = serve(folder(), port=port)
    print(f"Mailbox: SMTP on 127.0.0.1:{port}, keeping messages in {folder()}", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    try:
        loop.run_until_complete(stopped.wait())
    finally:
        controller.stop()
        loop.close()


async def serve_until(stop: asyncio.Event, port: int, host: str = "127.0.0.1") -> None:
    """Serve on the running loop until `stop` is set: `staffroom workers` runs the mailbox
    so, beside the sender, where `run` gives it a thread and a loop of its own."""
    # aiosmtpd logs every line of every conversation at INFO: as quiet as `run` leaves it
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    keeper = Keeper(folder())
    name = await asyncio.to_thread(socket.getfqdn)  # once, not on the loop for each client
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(keeper, hostname=name, enable_SMTPUTF8=True), host, port
    )
    print(f"Mailbox: SMTP on {host}:{port}, keeping messages in {folder()}", flush=True)
    try:
        await stop.wait()
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 5)


@dataclass(frozen=True)
class Kept:
    key: str
    subject: str
    to: str
    sender: str
    date: datetime | None
    message: EmailMessage


def kept(path: Path, limit: int = 200) -> list[Kept]:
    """The newest `limit` kept messages, newest first (headers only: a demo keeps many)."""
    if not all((path / part).is_dir() for part in ("new", "cur", "tmp")):
        return []  # none yet, or the mailbox still being made (its folders come one by one)
    box = mailbox.Maildir(path, create=False)
    newest = sorted(box.keys(), key=arrived, reverse=True)[:limit]
    headers = BytesHeaderParser(policy=policy.default)
    found = []
    for key in newest:
        with box.get_file(key) as file:
            found.append(summary(key, headers.parse(file)))  # type: ignore[arg-type]
    return found


def arrived(key: str) -> tuple[float, str]:
    """A Maildir key starts with the second it was delivered."""
    first = key.split(".", 1)[0]
    return (float(first) if first.isdigit() else 0.0, key)


def find(path: Path, key: str) -> Kept | None:
    if not path.exists():
        return None
    box = mailbox.Maildir(path, create=False)
    try:
        return read(key, box.get_bytes(key))
    except KeyError:
        return None


def read(key: str, raw: bytes) -> Kept:
    return summary(key, message_from_bytes(raw, policy=policy.default))


def summary(key: str, message: Any) -> Kept:
    try:
        date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    return Kept(
        key,
        str(message["Subject"] or ""),
        str(message["To"] or ""),
        str(message["From"] or ""),
        date,
        message,
    )
