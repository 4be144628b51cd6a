"""A letter as an email: multipart/mixed holding multipart/alternative (text/plain,
text/html and, for a booking, text/calendar with the `method` parameter equal to the
body's METHOD) and the same calendar as an attachment, invite.ics (iTIP over email, RFC
6047: Outlook refuses a method that disagrees, and without one shows "not supported
calendar message").

Built with the email package's MIME classes and its compat32 policy, each header encoded
here: EmailMessage parsed every header it was given and every part's again, 2.7 ms of
CPU an email (make bench: a third of the workers' CPU when a rush's confirmations go)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from typing import cast

import icalendar

from events.calendar import PRODID, london, vevent
from services.notifications.letters import Letter

WIRE = compat32.clone(linesep="\r\n", max_line_length=998)
"""How an email is written for SMTP: CRLF line ends; a header folded only past SMTP's line
limit (folded at 78, a long link in List-Unsubscribe went to a line of its own, and a
reader kept the space before it)."""
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP  # text parts stay readable as they travel

BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
"""Line breaks (CR, LF and Unicode's) and other control characters: none may stand in a
header, where a line break would end it (the email package refuses one: the message
would never be built, and the claimed message never sent)."""


def one_line(text: str) -> str:
    """`text` as a header may hold it: each run of line breaks and control characters
    (tab too) one space. Every header's value, and each name in one, goes through it."""
    return BREAKS.sub(" ", text).strip()


def smtp_id(message_id: str, sender: str) -> str:
    """The Message-ID header: the same for the same message, whoever sends it when."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "staffroom"
    return f"<{message_id}@{domain}>"


def itip(letter: Letter, sender: str) -> bytes:
    """The booking's event as an iTIP message: only the recipient attends, no reply asked."""
    assert letter.event is not None
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", letter.method)
    cal.add_component(london())
    event = vevent(letter.event)
    name, address = letter.organizer or parseaddr(sender)
    event.add("organizer", f"mailto:{address}", parameters={"CN": name or "Staffroom"})
    attendee = {"CN": letter.name, "ROLE": "REQ-PARTICIPANT"}
    attendee["RSVP"] = "TRUE" if letter.rsvp else "FALSE"
    attendee["PARTSTAT"] = letter.partstat or (
        "DECLINED" if letter.method == "CANCEL" else "ACCEPTED"
    )
    event.add("attendee", f"mailto:{letter.to}", parameters=attendee)
    cal.add_component(event)
    return cal.to_ical()


def as_html(letter: Letter) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(line).replace(chr(10), '<br>')}</p>" for line in letter.lines if line
    )
    link = html.escape(letter.link, quote=True)
    actions = "".join(
        f'<a href="{html.escape(url, quote=True)}" style="margin-right:1em">'
        f"<strong>{html.escape(label)}</strong></a>"
        for label, url in letter.actions
    )
    return (
        f'<!doctype html><html lang="en"><body style="font-family:sans-serif">'
        f"<p>Dear {html.escape(letter.name)},</p>{paragraphs}"
        + (f"<p>{actions}</p>" if actions else "")
        + f'<p><a href="{link}">Open it in Staffroom</a></p></body></html>'
    )


def as_text(letter: Letter) -> str:
    body = "\n\n".join(line for line in letter.lines if line)
    actions = "".join(f"{label}: {url}\n" for label, url in letter.actions)
    actions = f"\n\n{actions.rstrip()}" if actions else ""
    return f"Dear {letter.name},\n\n{body}{actions}\n\nOpen it in Staffroom: {letter.link}\n"


def email(
    letter: Letter,
    message_id: str,
    sender: str,
    now: datetime,
    unsubscribe: str | None = None,
) -> Message:
    body = MIMEMultipart("alternative")
    body.attach(text_part(as_text(letter), "plain"))
    body.attach(text_part(as_html(letter), "html"))
    msg: Message = body
    if letter.event is not None:
        ics = itip(letter, sender)
        calendar = calendar_part(ics, "text", "calendar")
        calendar.set_param("method", letter.method)
        body.attach(calendar)
        msg = MIMEMultipart("mixed")
        msg.attach(body)
        attachment = calendar_part(ics, "application", "ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        msg.attach(attachment)
    for name, value in headers(letter, message_id, sender, now, unsubscribe):
        # The email package takes a Header for a value (typeshed says only str).
        msg[name] = value if value.isascii() else cast(str, EncodedWords(value, header_name=name))
    return msg


class EncodedWords(Header):
    """A header with more than ASCII, as RFC 2047 words (UTF-8) on lines of at most 76
    characters, whatever line length the email is written with."""

    def __init__(self, value: str, header_name: str):
        super().__init__(value, "utf-8", header_name=header_name)

    def encode(
        self, splitchars: str = ";, \t", maxlinelen: int | None = None, linesep: str = "\n"
    ) -> str:
        return super().encode(splitchars, 76, linesep)


def text_part(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload(text, UTF8)
    return part


def calendar_part(ics: bytes, maintype: str, subtype: str) -> MIMEBase:
    part = MIMEBase(maintype, subtype, charset="UTF-8")
    part.set_payload(ics)
    encoders.encode_base64(part)
    return part


def wire(msg: Message) -> bytes:
    """The email as SMTP carries it."""
    return msg.as_bytes(policy=WIRE)


def headers(
    letter: Letter,
    message_id: str,
    sender: str,
    now: datetime,
    unsubscribe: str | None,
) -> list[tuple[str, str]]:
    """Every header of the email, each value on one line (`one_line`)."""
    found = [
        ("From", formataddr(parseaddr(one_line(sender)), charset="utf-8")),
        ("To", formataddr((one_line(letter.name), one_line(letter.to)), charset="utf-8")),
        ("Subject", letter.subject),
        ("Date", format_datetime(now)),
        ("Message-ID", smtp_id(message_id, sender)),
        ("Auto-Submitted", "auto-generated"),
        ("X-Staffroom-Message", message_id),
    ]
    if unsubscribe:
        found.append(("List-Unsubscribe", f"<{unsubscribe}>"))
        found.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return [(name, one_line(value)) for name, value in found]
