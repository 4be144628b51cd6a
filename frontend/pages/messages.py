"""What we told whom, when, free from the log: a person's messages (for them, the CPD
manager and the trust admin), a PD day's, a network meeting's (for those who run it, the
CPD manager and the trust admin), and the operator's queue (waiting, failed and
retrying, sending, an old claim unknown; bounced addresses) with the release of an
unknown claim after checking the mail server's log."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from events.envelope import utcnow
from frontend.clients import notifications as client
from frontend.database import engine
from frontend.pages.days import visible_day
from frontend.pages.meeting_access import reads, reads_meeting_messages
from readmodels.networks import polls_view
from readmodels.notifications import queries
from services.notifications.access import READS_ANYONES, reads_messages, runs_the_mail
from services.notifications.events import UK, UNKNOWN_AFTER, VOCABULARIES

messages = Blueprint("messages", __name__)
messages.add_app_template_global(reads_messages, "may_read_messages")  # the route's rule


def shown(template: str, **values: object) -> str:
    now = utcnow()
    return render_template(
        template,
        labels=VOCABULARIES,
        now=now,
        digest_when=lambda due: digest_when(due, now),
        **values,
    )


def digest_when(due: datetime, now: datetime) -> str:
    """Which digest a held message waits for: "tomorrow's digest", "this morning's
    digest" or "the digest of Friday 4 December" (07:00 UK time that day)."""
    day, today = due.astimezone(UK).date(), now.astimezone(UK).date()
    if day == today + timedelta(days=1):
        return "tomorrow's digest"
    if day == today:
        return "this morning's digest"
    return f"the digest of {day:%A} {day.day} {day:%B}"


@messages.get("/me/messages")
def mine() -> str:
    return told(g.identity.person_id, g.identity.name)


@messages.get("/people/<person_id>/messages")
def of_person(person_id: str) -> str:
    if not reads_messages(g.identity, person_id):
        abort(403, "Only the CPD manager reads what we told someone else.")
    person = queries.recipient(engine(), person_id)
    if person is None:
        abort(404, "There is no such person.")
    return told(person_id, person.name)


def told(person_id: str, name: str) -> str:
    rows = queries.told(engine(), person_id)
    mine = person_id == g.identity.person_id
    return shown("messages.html", rows=rows, name=name, mine=mine, person_id=person_id)


@messages.get("/days/<day_id>/messages")
def of_day(day_id: str) -> str:
    if not g.identity.holds(*READS_ANYONES):
        abort(403, "What a PD day's people were told is for the CPD manager.")
    day = visible_day(day_id)
    return shown("day_messages.html", day=day, rows=queries.told_about_day(engine(), day_id))


@messages.get("/meetings/<meeting_id>/messages")
def of_meeting(meeting_id: str) -> str:
    meeting = polls_view.find_meeting(engine(), meeting_id)
    if meeting is None:
        abort(404, "There is no such meeting.")
    if not reads_meeting_messages(g.identity, meeting):
        abort(403, "What a meeting's people were told is for its organisers and the CPD manager.")
    rows = queries.told_about_meeting(engine(), meeting_id)
    reads_it = reads(g.identity, meeting)  # the CPD manager may not read a one-to-one's
    return shown("meeting_messages.html", meeting=meeting, rows=rows, reads_meeting=reads_it)


@messages.get("/operator/messages")
def queue() -> str:
    if not runs_the_mail(g.identity):
        abort(403, "The mail queue is for the trust admin.")
    found = queries.operator_queue(engine())
    return shown("mail_queue.html", found=found, unknown=unknown_since(utcnow()))


def unknown_since(now: datetime) -> datetime:
    """A claim older than this has no answer: its outcome is unknown."""
    return now - UNKNOWN_AFTER


@messages.post("/operator/messages/<message_id>/release")
def release(message_id: str) -> ResponseReturnValue:
    if not runs_the_mail(g.identity):
        abort(403, "Only the trust admin releases a message.")
    row = queries.find_message(engine(), message_id)
    if row is None:
        abort(404, "There is no such message.")
    client.release(message_id, row.person_id, request.form.get("key"))
    return redirect(url_for("messages.queue"), 303)
