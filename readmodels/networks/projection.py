"""The networks' projection: networks and their member rules, meetings (a poll and the
meeting it finds a date for are one row), votes, nudges, agenda, minutes, actions, register
marks, series, clash alerts and each school's priorities.

A meeting's `sequence` (the SEQUENCE its calendar event carries) is 0 when it first gets a
date and rises with every move and with a cancellation; `changed_at` moves with everything
a feed shows of it (its poll opening and closing too, which add and take away holds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, case, insert, update

from events.envelope import RecordedEvent
from events.projection import Handler, Projection
from readmodels.networks.invitations import (
    asked_again,
    invitation_answered,
    network_invitation_answers,
)
from readmodels.networks.proceedings import (
    action_raised,
    action_updated,
    agenda_set,
    minutes_recorded,
    priorities_set,
    register_taken,
    series_ended,
    series_planned,
)
from readmodels.networks.rows import replace_rows
from readmodels.networks.tables import (
    network_action_schools,
    network_actions,
    network_agenda,
    network_answers,
    network_clashes,
    network_invitees,
    network_marks,
    network_meetings,
    network_minutes,
    network_nudges,
    network_options,
    network_people,
    network_posts,
    network_series,
    network_votes,
    networks,
    school_priorities,
)
from services.networks.events import parse_subject  # (and registers the event types)

MEETING = network_meetings.c
TOUCH_MEETING = (
    update(network_meetings)
    .where(MEETING.meeting_id == bindparam("key"))
    .values(version=bindparam("seq"))
)


def touching_the_meeting(handler: Handler) -> Handler:
    """Every event on a meeting's subject moves its version, which its open pages poll for."""

    def handle(connection: Connection, event: RecordedEvent) -> None:
        handler(connection, event)
        meeting_id = parse_subject(event.subject).id
        connection.execute(TOUCH_MEETING, {"key": meeting_id, "seq": event.seq})

    return handle


def minutes_between(starts: str, ends: str) -> int:
    def at(hhmm: str) -> int:
        hours, minutes = hhmm.split(":")
        return int(hours) * 60 + int(minutes)

    return max(0, at(ends) - at(starts))


# Networks
def network_values(data: Mapping[str, Any], event: RecordedEvent) -> dict[str, Any]:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "description": data.get("description", ""),
        "facilitator_id": data["facilitator_id"],
        "agenda_lead_id": data.get("agenda_lead_id"),
        "cadence_rule": data["cadence"]["rule"],
        "cadence_count": data["cadence"]["count"],
        "private": data.get("private", False),
        "agenda_template": [dict(item) for item in data.get("agenda_template", [])],
        "minutes": data["minutes"],
        "venue": data.get("venue", ""),
        "version": event.seq,
        "changed_at": event.occurred_at,
    }


def member_rules(connection: Connection, data: Mapping[str, Any]) -> None:
    key = {"network_id": data["network_id"]}
    posts = sorted(set(data.get("member_posts", [])))
    people = sorted(set(data.get("member_ids", [])))
    replace_rows(connection, network_posts, key, [{"post": post} for post in posts])
    replace_rows(connection, network_people, key, [{"person_id": p} for p in people])


def network_formed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    row = {"network_id": data["network_id"], **network_values(data, event)}
    formed = {"status": "open", "closed_reason": "", "formed_at": event.occurred_at}
    connection.execute(insert(networks), {**row, **formed})
    member_rules(connection, data)


def network_updated(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(
        update(networks)
        .where(networks.c.network_id == data["network_id"])
        .values(**network_values(data, event))
    )
    member_rules(connection, data)


def network_closed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(
        update(networks)
        .where(networks.c.network_id == data["network_id"])
        .values(
            status="closed",
            closed_reason=data["reason"],
            version=event.seq,
            changed_at=event.occurred_at,
        )
    )


# Meetings: a poll, its votes, and the date it finds
def new_meeting(data: Mapping[str, Any], event: RecordedEvent, **values: Any) -> dict[str, Any]:
    return {
        "meeting_id": data["meeting_id"],
        "network_id": data["network_id"],
        "series_id": data.get("series_id"),
        "title": data["title"],
        "organiser_id": data["organiser_id"],
        "close_reason": "",
        "deadline": None,
        "option_id": None,
        "date": None,
        "starts": None,
        "ends": None,
        "venue": data.get("venue", ""),
        "join_link": data.get("join_link", ""),
        "warnings": [],
        "reason": "",
        "timed_seq": 0,
        "dated": False,
        "version": event.seq,
        "sequence": 0,
        "changed_at": event.occurred_at,
        **values,
    }


def invitees(connection: Connection, data: Mapping[str, Any]) -> None:
    rows = [
        {"person_id": i["person_id"], "required": i["required"]}
        for i in {i["person_id"]: i for i in data["invitees"]}.values()
    ]
    replace_rows(connection, network_invitees, {"meeting_id": data["meeting_id"]}, rows)


def poll_opened(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    row = new_meeting(
        data,
        event,
        status="polling",
        polled=True,
        deadline=data["deadline"],
        minutes=data["minutes"],
    )
    connection.execute(insert(network_meetings), row)
    options = [
        {"option_id": o["option_id"], "position": n, "date": o["date"]}
        | {"starts": o["starts"], "ends": o["ends"]}
        for n, o in enumerate(data["options"])
    ]
    replace_rows(connection, network_options, {"meeting_id": data["meeting_id"]}, options)
    invitees(connection, data)


def vote_cast(connection: Connection, event: RecordedEvent) -> None:
    """A later vote replaces the earlier one: its answers, comment and recorder."""
    data = event.data
    key = {"meeting_id": data["meeting_id"], "person_id": data["person_id"]}
    vote = {
        "comment": data.get("comment", ""),
        "recorded_by": data["recorded_by"],
        "voted_at": event.occurred_at,
    }
    replace_rows(connection, network_votes, key, [vote])
    answers = [{"option_id": o, "answer": a} for o, a in sorted(data["answers"].items())]
    replace_rows(connection, network_answers, key, answers)


NUDGE = network_nudges.c


def voters_nudged(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    for person_id in sorted(set(data["person_ids"])):
        where = (NUDGE.meeting_id == data["meeting_id"], NUDGE.person_id == person_id)
        values = {"by_id": data["by_id"], "nudged_at": event.occurred_at}
        moved = connection.execute(
            update(network_nudges).where(*where).values(times=NUDGE.times + 1, **values)
        )
        if moved.rowcount == 0:
            row = {"meeting_id": data["meeting_id"], "person_id": person_id, "times": 1}
            connection.execute(insert(network_nudges), {**row, **values})


def change_meeting(connection: Connection, event: RecordedEvent, **values: Any) -> None:
    connection.execute(
        update(network_meetings)
        .where(MEETING.meeting_id == event.data["meeting_id"])
        .values(changed_at=event.occurred_at, **values)
    )


def poll_closed(connection: Connection, event: RecordedEvent) -> None:
    change_meeting(connection, event, status="poll_closed", close_reason=event.data["reason"])


def timing(data: Mapping[str, Any], event: RecordedEvent) -> dict[str, Any]:
    """A date, its times, its place and what the finder warned of."""
    return {
        "date": data["date"],
        "starts": data["starts"],
        "ends": data["ends"],
        "minutes": minutes_between(data["starts"], data["ends"]),
        "venue": data.get("venue", ""),
        "join_link": data.get("join_link", ""),
        "warnings": list(data.get("warnings", [])),
        "timed_seq": event.seq,
        "dated": True,
    }


RISEN = case((MEETING.dated, MEETING.sequence + 1), else_=MEETING.sequence)
"""A calendar has seen the meeting once it had a date: a change is then a new SEQUENCE."""


def meeting_confirmed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    values = timing(data, event)
    change_meeting(
        connection, event, status="confirmed", option_id=data["option_id"], sequence=RISEN, **values
    )


def meeting_scheduled(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    row = new_meeting(data, event, status="confirmed", polled=False, **timing(data, event))
    connection.execute(insert(network_meetings), row)
    invitees(connection, data)


def meeting_moved(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    values = timing(data, event)
    change_meeting(connection, event, reason=data["reason"], sequence=RISEN, **values)
    asked_again(connection, event)


def meeting_cancelled(connection: Connection, event: RecordedEvent) -> None:
    change_meeting(
        connection, event, status="cancelled", reason=event.data["reason"], sequence=RISEN
    )


def clash_found(connection: Connection, event: RecordedEvent) -> None:
    row = {
        "meeting_id": event.data["meeting_id"],
        "seq": event.seq,
        "position": event.index,
        "reason": event.data["reason"],
        "found_at": event.occurred_at,
    }
    connection.execute(insert(network_clashes), row)


MEETING_HANDLERS: dict[str, Handler] = {
    "PollOpened": poll_opened,
    "VoteCast": vote_cast,
    "VotersNudged": voters_nudged,
    "PollClosed": poll_closed,
    "MeetingConfirmed": meeting_confirmed,
    "MeetingScheduled": meeting_scheduled,
    "MeetingMoved": meeting_moved,
    "MeetingCancelled": meeting_cancelled,
    "ClashFound": clash_found,
    "AgendaSet": agenda_set,
    "MinutesRecorded": minutes_recorded,
    "ActionRaised": action_raised,
    "ActionUpdated": action_updated,
    "RegisterTaken": register_taken,
    "InvitationAnswered": invitation_answered,
}

network_projection = Projection(
    name="networks",
    tables=[
        networks,
        network_posts,
        network_people,
        network_meetings,
        network_options,
        network_invitees,
        network_votes,
        network_answers,
        network_nudges,
        network_agenda,
        network_minutes,
        network_actions,
        network_action_schools,
        network_marks,
        network_series,
        network_clashes,
        school_priorities,
        network_invitation_answers,
    ],
    handlers={
        "NetworkFormed": network_formed,
        "NetworkUpdated": network_updated,
        "NetworkClosed": network_closed,
        **{name: touching_the_meeting(handler) for name, handler in MEETING_HANDLERS.items()},
        "SeriesPlanned": series_planned,
        "SeriesEnded": series_ended,
        "PrioritiesSet": priorities_set,
    },
)
