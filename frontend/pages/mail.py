"""The embedded mailbox (`staffroom mailbox`, started by `make run`): every message the
demo sent, and one message with its parts and its calendar read back, for the trust admin.
A deployment sending through the trust's relay has no mailbox here: the page says so."""

from __future__ import annotations

from typing import Any

import icalendar
from flask import Blueprint, abort, g, render_template

from events import mailbox
from services.notifications.access import runs_the_mail

mail = Blueprint("mail", __name__)


def allowed() -> None:
    if not runs_the_mail(g.identity):
        abort(403, "The mailbox is for the trust admin.")


@mail.get("/operator/mail")
def box() -> str:
    allowed()
    folder = mailbox.folder()
    return render_template("mail.html", kept=mailbox.kept(folder), embedded=folder.exists())


@mail.get("/operator/mail/<key>")
def message(key: str) -> str:
    allowed()
    found = mailbox.find(mailbox.folder(), key) if "/" not in key else None
    if found is None:
        abort(404, "There is no such message in the mailbox.")
    parts = [part_of(p) for p in found.message.walk() if not p.is_multipart()]
    headers = [(name, str(value)) for name, value in found.message.items()]
    return render_template("mail_message.html", kept=found, parts=parts, headers=headers)


def part_of(part: Any) -> dict[str, Any]:
    """A leaf part: its type and parameters, its text, and a calendar read back."""
    payload = part.get_payload(decode=True) or b""
    text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    shown: dict[str, Any] = {
        "type": part.get_content_type(),
        "params": dict(part.get_params() or []) if part.get_content_type() != "text/html" else {},
        "filename": part.get_filename(),
        "text": text,
        "events": [],
    }
    if part.get_content_type() in ("text/calendar", "application/ics"):
        try:
            cal = icalendar.Calendar.from_ical(payload)
            shown["method"] = str(cal.get("METHOD", ""))
            shown["events"] = [
                {
                    name: str(event.get(name, ""))
                    for name in ("UID", "SEQUENCE", "SUMMARY", "STATUS", "LOCATION", "ATTENDEE")
                }
                | {"DTSTART": str(event.decoded("DTSTART")) if event.get("DTSTART") else ""}
                for event in cal.walk("VEVENT")
            ]
        except ValueError as error:
            shown["invalid"] = str(error)
    return shown
