"""The networks' reactions as pure functions: who is queued what, and when (UK time, from
the thing's start), and a redelivered event queueing nothing new (never twice)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from events import Event
from events.envelope import RecordedEvent
from services.notifications.domain import OutboxDecider, Queue, Several
from services.notifications.networks_reactions import (
    NETWORKS_REACTIONS,
    action_due_reminder,
    meeting_reminder_due,
    parse_reminder_cause,
    poll_reminder_due,
    react,
    reminder_cause,
)
from services.notifications.networks_view import MeetingFold
from tests.support import network_mail as facts

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
SUBJECT = "events.networks.meeting.m1"


def recorded(event: Event, n: int, at: datetime = NOW) -> RecordedEvent:
    return RecordedEvent(
        id=f"e{n}",
        type=event.type,
        version=1,
        subject=SUBJECT,
        occurred_at=at,
        actor="tests",
        correlation_id=None,
        causation_id=None,
        data=event.data,
        seq=n,
    )


def reacted(*events: Event) -> list[tuple[tuple[str, ...], Any]]:
    """What the reaction does for the last event, with the meeting as of it."""
    history = [recorded(e, n) for n, e in enumerate(events, 1)]
    return react(history[-1], MeetingFold().fold(history))


def queued(follow_ups: list) -> dict[str, list[tuple[str, datetime]]]:
    found: dict[str, list[tuple[str, datetime]]] = {}
    for (_, _, person), command in follow_ups:
        commands = command.commands if isinstance(command, Several) else (command,)
        found[person] = [(c.kind, c.due) for c in commands if isinstance(c, Queue)]
    return found


DAY = date(2027, 3, 30)  # a Tuesday: the clocks went forward on Sunday 28 March


def test_a_meeting_reminder_is_the_day_before_at_its_start_on_the_uk_clock() -> None:
    # Monday 29 March 09:30 BST is 08:30 UTC; a week earlier 09:30 GMT is 09:30 UTC
    assert meeting_reminder_due(DAY, "09:30") == datetime(2027, 3, 29, 8, 30, tzinfo=UTC)
    assert meeting_reminder_due(date(2027, 3, 23), "09:30") == datetime(
        2027, 3, 22, 9, 30, tzinfo=UTC
    )
    # the day before is across the change: Sunday 28 March 16:00 BST
    assert meeting_reminder_due(date(2027, 3, 29), "16:00") == datetime(
        2027, 3, 28, 15, 0, tzinfo=UTC
    )


def test_poll_and_action_reminders_are_on_the_uk_clock() -> None:
    assert poll_reminder_due(datetime(2027, 4, 2, 17, 0)) == datetime(
        2027, 3, 31, 16, 0, tzinfo=UTC
    )
    assert action_due_reminder(date(2027, 1, 10)) == datetime(2027, 1, 7, 16, 0, tzinfo=UTC)


def test_a_reminders_cause_names_its_meeting_and_time() -> None:
    cause = reminder_cause("m1", DAY, "09:30")
    assert len(cause) <= 80 and parse_reminder_cause(cause) == ("m1", DAY, "09:30")
    assert parse_reminder_cause("day:d1") is None
    assert parse_reminder_cause("poll:m1") is None


def test_a_dated_meeting_invites_its_invitees_and_reminds_everyone() -> None:
    found = queued(reacted(facts.scheduled("m1", DAY, "09:30")))
    reminder = ("meeting_reminder", meeting_reminder_due(DAY, "09:30"))
    assert found == {
        "amy": [("meeting_invitation", NOW), reminder],
        "bob": [("meeting_invitation", NOW), reminder],
        "sil": [reminder],  # the organiser: no invitation to the meeting they made
    }


def test_a_series_meeting_is_sent_three_weeks_before_it() -> None:
    found = queued(reacted(facts.scheduled("m1", DAY, "09:30", series_id="s1")))
    starts = datetime(2027, 3, 30, 8, 30, tzinfo=UTC)
    assert found["amy"][0] == ("meeting_invitation", starts - timedelta(days=21))
    soon = queued(reacted(facts.scheduled("m1", date(2027, 3, 8), "09:30", series_id="s1")))
    assert soon["amy"][0] == ("meeting_invitation", NOW)  # sooner than that: at once


def test_a_reminder_already_due_is_not_queued() -> None:
    found = queued(reacted(facts.scheduled("m1", date(2027, 3, 2), "09:30")))
    assert found["amy"] == [("meeting_invitation", NOW)] and "sil" not in found


def test_a_poll_invites_all_but_its_organiser_and_reminds_every_invitee() -> None:
    deadline = datetime(2027, 3, 10, 17, 0)
    found = queued(reacted(facts.poll("m1", deadline, DAY)))
    due = poll_reminder_due(deadline)
    invited = {p: [("poll_invitation", NOW), ("poll_reminder", due)] for p in ("amy", "bob")}
    assert found == {**invited, "sil": [("poll_reminder", due)]}  # sil: required, organiser
    late = queued(reacted(facts.poll("m1", datetime(2027, 3, 2, 17, 0), DAY)))
    assert late == {p: [("poll_invitation", NOW)] for p in ("amy", "bob")}  # too late for one


def test_a_nudge_reminds_those_nudged_at_once() -> None:
    poll = facts.poll("m1", datetime(2027, 3, 10, 17, 0), DAY)
    assert queued(reacted(poll, facts.nudged("m1", "bob"))) == {"bob": [("poll_reminder", NOW)]}


def test_a_move_tells_and_reminds_of_the_new_time_a_cancel_tells() -> None:
    booked = facts.scheduled("m1", DAY, "09:30")
    moved = queued(reacted(booked, facts.moved("m1", DAY + timedelta(days=7), "16:00")))
    assert moved["amy"] == [
        ("meeting_changed", NOW),
        ("meeting_reminder", meeting_reminder_due(DAY + timedelta(days=7), "16:00")),
    ]
    cancelled = queued(reacted(booked, facts.cancelled("m1")))
    assert cancelled == {p: [("meeting_cancelled", NOW)] for p in ("amy", "bob")}


def test_an_answer_tells_the_organiser_and_an_action_its_owner() -> None:
    booked = facts.scheduled("m1", DAY, "09:30")
    follow_ups = reacted(booked, facts.answered("m1", "amy", "declined"))
    [(subject, told)] = follow_ups
    assert subject[-1] == "sil" and told.kind == "invitation_answered"
    assert told.about["reason"] == "declined amy"
    raised = queued(reacted(booked, facts.action("m1", "a1", "bob", date(2027, 3, 20))))
    assert raised == {"bob": [("action_due", action_due_reminder(date(2027, 3, 20)))]}


def test_a_redelivered_event_queues_nothing_new() -> None:
    booked = facts.scheduled("m1", DAY, "09:30")
    history = [booked, facts.moved("m1", DAY, "16:00"), facts.cancelled("m1")]
    history += [facts.answered("m1", "amy", "accepted")]
    outboxes: dict[str, Any] = {}
    decider = OutboxDecider()
    for n in range(1, len(history) + 1):
        for _ in range(2):  # each event delivered twice
            for (_, _, person), command in reacted(*history[:n]):
                state = outboxes.get(person, decider.initial_state())
                events = decider.decide(command, state)
                outboxes[person] = decider.fold(events, state)
    again = [
        decider.decide(command, outboxes[person])
        for n in range(1, len(history) + 1)
        for (_, _, person), command in reacted(*history[:n])
    ]
    assert all(events == [] for events in again)
    assert len(outboxes["amy"].messages) == 5  # invitation, 2 reminders, change, cancel


def test_the_reaction_follows_every_meeting() -> None:
    [reaction] = NETWORKS_REACTIONS
    assert reaction.subject == ("networks", "meeting", "*")
    assert "InvitationAnswered" in reaction.types and "ActionRaised" in reaction.types
