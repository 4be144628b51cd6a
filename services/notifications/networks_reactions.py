"""What the notifications do when something happens to a network meeting: queue messages in
each recipient's outbox (in `reactions.REACTIONS`, run by notifications_reactions).

- a poll opened: each invitee (but its organiser) is invited to answer; every invitee is
  reminded two days before its deadline (sent only if they have not answered and the poll
  is open);
- invitees nudged by the organiser: each is reminded at once (if still not answered);
- a meeting dated (confirmed from a poll, or booked): each invitee (but the organiser) is
  sent the invitation (iTIP REQUEST, a reply asked for), a series' meeting three weeks
  before it; everyone, organiser too, is reminded the day before at its start time (UK);
- moved: a change (the same UID, a higher SEQUENCE) and a reminder for the new time (the
  old one is skipped at its time: its meeting is no longer then);
- cancelled: a cancellation (iTIP CANCEL) to whoever was told of it;
- an invitation answered: the organiser is told;
- an action raised: its owner is reminded three days before it is due, at 16:00 UK.

Message ids come from (cause, recipient, kind), so a redelivered event queues nothing new.
What a message says, and whether it still holds, is read when it is sent
(networks_letters.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.envelope import RecordedEvent
from events.reactor import Reaction
from services.networks.events import meeting_subject
from services.notifications.domain import OutboxDecider, Queue, Several
from services.notifications.events import message_id, person_subject
from services.notifications.networks_view import MeetingFold, MeetingView

UK = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
POLL_REMINDER_BEFORE = timedelta(days=2)
MEETING_REMINDER_BEFORE = timedelta(days=1)
ACTION_REMINDER_DAYS = 3
ACTION_REMINDER_AT = time(16, 0)
SERIES_INVITATION_BEFORE = timedelta(days=21)
"""A series' meetings are many (a fortnightly group's year is twenty): each is sent three
weeks before it, not all on the day the series is planned."""
FollowUps = Iterable[tuple[tuple[str, ...], Queue | Several]]


def on_the_uk_clock(moment: datetime) -> datetime:
    """A naive UK wall-clock moment as UTC."""
    return moment.replace(tzinfo=UK).astimezone(UTC)


def starts_at(day: date, starts: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(starts))


def meeting_reminder_due(day: date, starts: str) -> datetime:
    """The day before, at the meeting's start time on the UK clock (a clock change between
    them moves nothing), as UTC."""
    return on_the_uk_clock(starts_at(day, starts) - MEETING_REMINDER_BEFORE)


def poll_reminder_due(deadline: datetime) -> datetime:
    return on_the_uk_clock(deadline - POLL_REMINDER_BEFORE)


def action_due_reminder(due: date) -> datetime:
    before = due - timedelta(days=ACTION_REMINDER_DAYS)
    return on_the_uk_clock(datetime.combine(before, ACTION_REMINDER_AT))


def reminder_cause(meeting_id: str, day: date, starts: str) -> str:
    """One meeting reminder per person and time: a move to another time is another one."""
    return f"meeting:{meeting_id}:{day.isoformat()}T{starts}"


REMINDER_CAUSE = re.compile(r"^meeting:(.+):(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$")


def parse_reminder_cause(cause: str) -> tuple[str, date, str] | None:
    """(meeting, date, starts) of a meeting reminder's cause, None for another cause."""
    found = REMINDER_CAUSE.match(cause)
    if found is None:
        return None
    return found.group(1), date.fromisoformat(found.group(2)), found.group(3)


def about(meeting_id: str, reason: str = "") -> dict[str, str | None]:
    return {
        "service": "networks",
        "day_id": None,
        "slot_id": None,
        "session_id": None,
        "meeting_id": meeting_id,
        "reason": reason,
    }


def queue(
    cause: str, person: str, kind: str, meeting_id: str, due: datetime, reason: str = ""
) -> Queue:
    """Queued once; a meeting's reminder again if it was skipped (the meeting moved away
    from that time, and back)."""
    mid = message_id(cause, person, kind)
    again = kind == "meeting_reminder"
    return Queue(mid, person, kind, about(meeting_id, reason), cause, due, again=again)


def each(commands: dict[str, list[Queue]]) -> FollowUps:
    """One command per outbox (a reaction's commands on one subject share its key)."""
    for person, queued in commands.items():
        if queued:
            yield person_subject(person), queued[0] if len(queued) == 1 else Several(tuple(queued))


def poll_opened(event: RecordedEvent, view: MeetingView) -> FollowUps:
    """Each invitee but the organiser is invited; every invitee, the organiser too (a
    required one holds the poll open until they answer), is reminded unless answered."""
    mid = view.meeting_id
    commands: dict[str, list[Queue]] = {p: [] for p in view.invitees}
    for person in view.told():
        commands[person].append(queue(event.id, person, "poll_invitation", mid, event.occurred_at))
    due = poll_reminder_due(view.deadline) if view.deadline is not None else event.occurred_at
    if due > event.occurred_at:
        for person in view.invitees:
            commands[person].append(queue(f"poll:{mid}", person, "poll_reminder", mid, due))
    return each(commands)


def voters_nudged(event: RecordedEvent, view: MeetingView) -> FollowUps:
    people = dict.fromkeys(event.data["person_ids"])
    return each(
        {
            p: [queue(event.id, p, "poll_reminder", view.meeting_id, event.occurred_at, "nudged")]
            for p in people
        }
    )


def reminder(event: RecordedEvent, view: MeetingView, person: str) -> list[Queue]:
    assert view.date is not None and view.starts is not None
    due = meeting_reminder_due(view.date, view.starts)
    if due <= event.occurred_at:
        return []
    cause = reminder_cause(view.meeting_id, view.date, view.starts)
    return [queue(cause, person, "meeting_reminder", view.meeting_id, due)]


def meeting_dated(event: RecordedEvent, view: MeetingView) -> FollowUps:
    """Dated (confirmed or booked): invited and reminded; moved: told of the change, and
    reminded of the new time."""
    assert view.date is not None and view.starts is not None
    moved = event.type == "MeetingMoved"
    kind = "meeting_changed" if moved else "meeting_invitation"
    due = event.occurred_at
    if view.series_id and not moved:
        begins = on_the_uk_clock(starts_at(view.date, view.starts))
        due = max(due, begins - SERIES_INVITATION_BEFORE)
    commands: dict[str, list[Queue]] = {p: [] for p in view.reminded()}
    for person in view.told():
        commands[person].append(queue(event.id, person, kind, view.meeting_id, due))
    for person in view.reminded():
        commands[person] += reminder(event, view, person)
    return each(commands)


def meeting_cancelled(event: RecordedEvent, view: MeetingView) -> FollowUps:
    reason = event.data["reason"]
    return each(
        {
            p: [queue(event.id, p, "meeting_cancelled", view.meeting_id, event.occurred_at, reason)]
            for p in view.told()
        }
    )


def invitation_answered(event: RecordedEvent, view: MeetingView) -> FollowUps:
    """The organiser is told who answered what (`reason`: "<answer> <person>")."""
    data = event.data
    reason = f"{data['answer']} {data['person_id']}"
    organiser, mid = view.organiser_id, view.meeting_id
    kind = "invitation_answered"
    return each({organiser: [queue(event.id, organiser, kind, mid, event.occurred_at, reason)]})


def action_raised(event: RecordedEvent, view: MeetingView) -> FollowUps:
    data = event.data
    due = action_due_reminder(data["due"])
    if due <= event.occurred_at:
        return []
    cause = f"action:{data['action_id']}"
    return each(
        {
            data["owner_id"]: [
                queue(
                    cause, data["owner_id"], "action_due", view.meeting_id, due, data["action_id"]
                )
            ]
        }
    )


REACTS = {
    "PollOpened": poll_opened,
    "VotersNudged": voters_nudged,
    "MeetingConfirmed": meeting_dated,
    "MeetingScheduled": meeting_dated,
    "MeetingMoved": meeting_dated,
    "MeetingCancelled": meeting_cancelled,
    "InvitationAnswered": invitation_answered,
    "ActionRaised": action_raised,
}


def react(event: RecordedEvent, view: MeetingView) -> FollowUps:
    return list(REACTS[event.type](event, view))


NETWORKS_REACTIONS = [
    Reaction(
        name="notifications_networks_meetings",
        subject=meeting_subject("*"),
        types=frozenset(REACTS),
        source=MeetingFold(),
        target=OutboxDecider(),
        react=react,
    )
]
