"""The embedded mailbox (`staffroom mailbox`): a local SMTP server that keeps every message
it is given in a Maildir under the data folder, so a newcomer sees the mail the demo sends
(the operator's page /operator/mail shows it), and tests send through real SMTP.

aiosmtpd (aio-libs, maintained, asyncio) rather than maildump (unmaintained, Python 2 era):
the web page is Staffroom's own, so all it needs is the SMTP side.
"""

from __future__ import annotations

import asyncio
import mailbox
import os
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
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


@dataclass(frozen=True)
class Kept:
    key: str
    subject: str
    to: str
    sender: str
    date: datetime | None
    message: EmailMessage


def kept(path: Path) -> list[Kept]:
    """Every kept message, newest first."""
    if not path.exists():
        return []
    box = mailbox.Maildir(path, create=False)
    found = [read(key, box.get_bytes(key)) for key in box.keys()]  # noqa: SIM118 (keys, not messages)
    return sorted(found, key=lambda m: (m.date is not None, m.date), reverse=True)


def find(path: Path, key: str) -> Kept | None:
    if not path.exists():
        return None
    box = mailbox.Maildir(path, create=False)
    try:
        return read(key, box.get_bytes(key))
    except KeyError:
        return None


def read(key: str, raw: bytes) -> Kept:
    message: Any = message_from_bytes(raw, policy=policy.default)
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
