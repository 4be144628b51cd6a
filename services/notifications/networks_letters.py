"""What a message about a network meeting says, read from the read models when it is sent,
and whether it still holds (never stale): a poll reminder to someone who has answered, or
after the poll closed; a reminder for a meeting cancelled or moved to another time; an
action's reminder once it is done; the organiser told of an answer since changed — none is
sent (MessageSkipped, with the reason).

The invitation's calendar is the personal feed's event (frontend/pages/feeds.py
`meeting_event`: UID `meeting.<id>@staffroom` and its SEQUENCE), as an iTIP REQUEST asking
for a reply (RSVP=TRUE) with the organiser as ORGANIZER; a cancellation is a CANCEL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from events.calendar import SCHOOL_TIME, meeting_event
from readmodels.networks import letters as reads
from readmodels.networks.invitations import answer_and_note, answer_of
from readmodels.notifications import queries
from services.networks.events import INVITATION_ANSWERS
from services.notifications import invitations
from services.notifications.letters import Decision, Letter, Skipped, long_date
from services.notifications.networks_reactions import parse_reminder_cause, starts_at

KINDS = (
    "poll_invitation",
    "poll_reminder",
    "meeting_invitation",
    "meeting_changed",
    "meeting_cancelled",
    "meeting_reminder",
    "invitation_answered",
    "action_due",
)
PARTSTAT = {"accepted": "ACCEPTED", "declined": "DECLINED"}


def uk_now(now: datetime) -> datetime:
    """`now` on the UK wall clock, naive: what meeting times and deadlines are written in."""
    return now.astimezone(SCHOOL_TIME).replace(tzinfo=None)


def decide(
    engine: Engine,
    row: Any,
    now: datetime,
    base_url: str,
    person: Any,
    told: frozenset[str] = frozenset(),
    secret_key: str = "",
) -> Decision:
    """The letter for a due message about a meeting, or why it is not sent."""
    if row.kind == "action_due":
        return action_due(engine, row, now, base_url, person)
    meeting = reads.meeting(engine, row.meeting_id)
    if meeting is None:
        return Skipped("cancelled")
    if row.kind in ("poll_invitation", "poll_reminder"):
        return poll(engine, row, now, base_url, person, meeting, secret_key)
    if row.kind == "invitation_answered":
        return answered(engine, row, base_url, person, meeting)
    if meeting.status == "cancelled" and row.kind != "meeting_cancelled":
        return Skipped("cancelled")
    if row.kind in ("meeting_changed", "meeting_cancelled") and row.meeting_id not in told:
        return Skipped("never_told")  # nothing in their calendar to change or take out
    if meeting.date is None or starts_at(meeting.date, meeting.starts) <= uk_now(now):
        return Skipped("past")
    if row.kind == "meeting_reminder":
        return reminder(engine, row, base_url, person, meeting)
    return invitation(engine, row, base_url, person, meeting, secret_key)


def when(meeting: Any) -> str:
    place = meeting.venue or ("Online" if meeting.join_link else "")
    online = f"\nJoin online: {meeting.join_link}" if meeting.join_link else ""
    return (
        f"{meeting.title} ({meeting.network_name})\n{long_date(meeting.date)}, "
        f"{meeting.starts} to {meeting.ends}" + (f"\n{place}" if place else "") + online
    )


def organiser(meeting: Any) -> str:
    return meeting.organiser_name or "The organiser"


def poll(
    engine: Engine,
    row: Any,
    now: datetime,
    base_url: str,
    person: Any,
    meeting: Any,
    secret_key: str,
) -> Decision:
    if meeting.status != "polling" or meeting.deadline is None:
        return Skipped("poll_closed")
    if meeting.deadline <= uk_now(now):
        return Skipped("poll_closed")  # closed at its deadline, though the log says so later
    if reads.answered_poll(engine, row.meeting_id, row.person_id):
        return Skipped("answered")
    dates = "\n".join(
        f"{long_date(o.date)}, {o.starts} to {o.ends}"
        for o in reads.options(engine, row.meeting_id)
    )
    closes = f"{long_date(meeting.deadline.date())} at {meeting.deadline:%H:%M}"
    link = invitations.poll_link(base_url, secret_key, row.person_id, row.meeting_id)
    if row.kind == "poll_invitation":
        subject = f"When can you come? {meeting.title}"
        opening = (
            f"{organiser(meeting)} is finding a date for {meeting.title} "
            f"({meeting.network_name}). Say which dates you can come to: yes, if need be, or no."
        )
    else:
        subject = f"Reminder: when can you come? {meeting.title}"
        asked = f"{organiser(meeting)} asks you" if row.reason == "nudged" else "Please"
        opening = f"{asked} to answer the date poll for {meeting.title} ({meeting.network_name})."
    lines = (opening, f"The dates:\n{dates}", f"The poll closes on {closes}.")
    return Letter(
        person.email,
        person.name,
        subject,
        lines,
        link,
        actions=(("Answer the poll", link),),
    )


def invitation(
    engine: Engine, row: Any, base_url: str, person: Any, meeting: Any, secret_key: str
) -> Decision:
    event = meeting_event(meeting, base_url)
    link = f"{base_url}meetings/{row.meeting_id}"
    name, address = organiser(meeting), meeting.organiser_email or ""
    boss = (name, address) if address else None
    if row.kind == "meeting_cancelled":
        lines = (
            event.reason,
            when(meeting),
            "The attachment takes it out of your calendar.",
        )
        return Letter(
            person.email,
            person.name,
            f"Cancelled: {meeting.title}",
            lines,
            link,
            event,
            "CANCEL",
            organizer=boss,
        )
    answer = answer_of(engine, row.meeting_id, row.person_id)
    accept, decline = invitations.links(base_url, secret_key, row.person_id, row.meeting_id)
    if row.kind == "meeting_changed":
        subject = f"Changed: {meeting.title}"
        opening = f"{name} moved the meeting: {meeting.reason}" if meeting.reason else ""
        opening = opening or f"{name} changed the meeting: here it is as it now is."
    else:
        subject = f"Invitation: {meeting.title}"
        opening = f"{name} invites you to {meeting.title} ({meeting.network_name})."
    reply = (
        f"You have {INVITATION_ANSWERS[answer].lower()}: change your answer below if you must."
        if answer
        else "Please accept or decline, so the organiser knows who is coming."
    )
    lines = (opening, when(meeting), reply)
    return Letter(
        person.email,
        person.name,
        subject,
        lines,
        link,
        replace(event, cancelled=False),
        "REQUEST",
        organizer=boss,
        rsvp=True,
        partstat=PARTSTAT.get(answer or "", "NEEDS-ACTION"),
        actions=(("Accept", accept), ("Decline", decline)),
    )


def reminder(engine: Engine, row: Any, base_url: str, person: Any, meeting: Any) -> Decision:
    cause = parse_reminder_cause(row.cause_id)
    if cause is None or (cause[1], cause[2]) != (meeting.date, meeting.starts):
        return Skipped("moved")  # the move queued the reminder of its new time
    if answer_of(engine, row.meeting_id, row.person_id) == "declined":
        return Skipped("declined")
    link = f"{base_url}meetings/{row.meeting_id}"
    items = reads.agenda(engine, row.meeting_id)
    listed = "\n".join(f"{item.title} ({item.minutes} min)" for item in items)
    lines = (
        f"{meeting.title} is tomorrow.",
        when(meeting),
        f"The agenda:\n{listed}" if items else "The agenda is on its page.",
    )
    return Letter(
        person.email,
        person.name,
        f"Tomorrow: {meeting.title}, {meeting.starts}",
        lines,
        link,
    )


def answered(engine: Engine, row: Any, base_url: str, person: Any, meeting: Any) -> Decision:
    """The organiser told of an answer: only if it is still the person's answer."""
    answer, _, who = row.reason.partition(" ")
    if meeting.status == "cancelled":
        return Skipped("cancelled")
    given = answer_and_note(engine, row.meeting_id, who)
    if given is None or given.answer != answer:
        return Skipped("superseded")
    them = queries.recipient(engine, who)
    name = them.name if them is not None else "Someone"
    note = (f"Their note: {given.note}",) if given.note else ()
    lines = (
        f"{name} has {INVITATION_ANSWERS[answer].lower()} {meeting.title}.",
        *note,
        when(meeting),
        "The meeting's page shows everyone's answers.",
    )
    subject = f"{name} {INVITATION_ANSWERS[answer].lower()}: {meeting.title}"
    return Letter(person.email, person.name, subject, lines, f"{base_url}meetings/{row.meeting_id}")


def action_due(engine: Engine, row: Any, now: datetime, base_url: str, person: Any) -> Decision:
    found = reads.action(engine, row.reason)
    if found is None or found.status == "dropped":
        return Skipped("cancelled")
    if found.status == "done":
        return Skipped("done")
    if found.owner_id != row.person_id:
        return Skipped("no_longer_booked")
    if found.due < uk_now(now).date():
        return Skipped("past")
    lines = (
        f"Your action from {found.meeting_title} ({found.network_name}) is due on "
        f"{long_date(found.due)}:",
        found.text,
        "Mark it done on My actions when it is.",
    )
    subject = f"Due {short(found.due)}: {found.text[:60]}"
    link = f"{base_url}my-actions"
    return Letter(person.email, person.name, subject, lines, link, actions=(("My actions", link),))


def short(day: date) -> str:
    return f"{day:%a} {day.day} {day:%B}"
