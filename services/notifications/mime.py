"""A letter as an email: multipart/mixed holding multipart/alternative (text/plain,
text/html and, for a booking, text/calendar with the `method` parameter equal to the
body's METHOD) and the same calendar as an attachment, invite.ics (iTIP over email, RFC
6047: Outlook refuses a method that disagrees, and without one shows "not supported
calendar message")."""

from __future__ import annotations

import html
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import icalendar

from events.calendar import PRODID, london, vevent
from services.notifications.letters import Letter

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
) -> EmailMessage:
    msg = EmailMessage()
    for name, value in headers(letter, message_id, sender, now, unsubscribe):
        msg[name] = value
    msg.set_content(as_text(letter))
    msg.add_alternative(as_html(letter), subtype="html")
    if letter.event is not None:
        ics = itip(letter, sender)
        params = {"method": letter.method, "charset": "UTF-8"}
        msg.add_alternative(ics, maintype="text", subtype="calendar", params=params)
        msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return msg


def headers(
    letter: Letter,
    message_id: str,
    sender: str,
    now: datetime,
    unsubscribe: str | None,
) -> list[tuple[str, str]]:
    """Every header of the email, each value on one line (`one_line`)."""
    found = [
        ("From", sender),
        ("To", formataddr((one_line(letter.name), one_line(letter.to)))),
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
