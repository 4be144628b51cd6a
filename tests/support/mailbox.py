"""A real SMTP server for tests (aiosmtpd, as the embedded mailbox), keeping what it is
given in memory, which can be taken down and brought back on the same port, refuse an
address for good (550) or for now (451); and parsers of what arrives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import icalendar
import vobject
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from events.embedded import free_port


@dataclass
class Arrived:
    to: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        found: Any = message_from_bytes(self.raw, policy=policy.default)
        return found

    @property
    def staffroom_id(self) -> str:
        return str(self.message["X-Staffroom-Message"])


@dataclass
class Handler:
    arrived: list[Arrived] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    """Address -> the reply to its RCPT ("550 ..." or "451 ...")."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address.lower() in self.refused:
            return self.refused[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.arrived.append(Arrived(list(envelope.rcpt_tos), envelope.original_content or b""))
        return "250 Message accepted"


class TestMailbox:
    __test__ = False

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def arrived(self) -> list[Arrived]:
        with self.handler.lock:
            return list(self.handler.arrived)

    def up(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user") -> None:
        self.handler.refused[address.lower()] = reply

    def to(self, address: str) -> list[Arrived]:
        return [a for a in self.arrived if address in a.to]


@contextmanager
def smtp_server() -> Iterator[TestMailbox]:
    box = TestMailbox()
    box.up()
    try:
        yield box
    finally:
        box.down()


def calendar_parts(message: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """The inline text/calendar part (in the alternative) and the invite.ics attachment."""
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    assert len(inline) == 1 and len(attached) == 1, "one inline calendar, one attachment"
    return inline[0], attached[0]


@dataclass(frozen=True)
class Invitation:
    method: str
    mime_method: str
    uid: str
    sequence: int
    status: str
    attendees: list[str]
    rsvp: str
    summary: str


def invitation(message: EmailMessage) -> Invitation:
    """The calendar of a message, read by icalendar and by vobject, which must agree; the
    MIME structure checked on the way (mixed > alternative > plain, html, calendar)."""
    assert message.get_content_type() == "multipart/mixed"
    parts: Any = message.get_payload()
    kinds = [p.get_content_type() for p in parts[0].get_payload()]
    assert kinds == ["text/plain", "text/html", "text/calendar"], kinds
    inline, attached = calendar_parts(message)
    body: Any = inline.get_payload(decode=True)
    assert body == attached.get_payload(decode=True)
    cal = icalendar.Calendar.from_ical(body)
    event = cal.walk("VEVENT")[0]
    other = vobject.readOne(body.decode())
    assert other.method.value == str(cal["METHOD"])
    assert other.vevent.uid.value == str(event["UID"])
    assert int(other.vevent.sequence.value) == int(str(event["SEQUENCE"]))
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return Invitation(
        method=str(cal["METHOD"]),
        mime_method=str(inline.get_param("method")),
        uid=str(event["UID"]),
        sequence=int(str(event["SEQUENCE"])),
        status=str(event["STATUS"]),
        attendees=[str(a) for a in attendees],
        rsvp=str(attendees[0].params.get("RSVP")),
        summary=str(event["SUMMARY"]),
    )
