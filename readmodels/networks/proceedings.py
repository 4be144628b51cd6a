"""The networks' projection, its second half: a meeting's proceedings (agenda, minutes,
actions, register), series and each school's improvement plan priorities. An agenda, the
minutes, a register and a school's priorities each come whole and replace what was there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from events.envelope import RecordedEvent
from readmodels.networks.rows import replace_rows
from readmodels.networks.tables import (
    network_action_schools,
    network_actions,
    network_agenda,
    network_marks,
    network_meetings,
    network_minutes,
    network_series,
    school_priorities,
)

MEETING = network_meetings.c


# The meeting: agenda, minutes, actions, register
def agenda_set(connection: Connection, event: RecordedEvent) -> None:
    items = [
        {
            "item_id": item["item_id"],
            "position": n,
            "title": item["title"],
            "owner_id": item.get("owner_id"),
            "minutes": item["minutes"],
            "action_id": item.get("action_id"),
        }
        for n, item in enumerate(event.data["items"])
    ]
    replace_rows(connection, network_agenda, {"meeting_id": event.data["meeting_id"]}, items)


def minutes_recorded(connection: Connection, event: RecordedEvent) -> None:
    row = {"text": event.data["text"], "recorded_at": event.occurred_at}
    replace_rows(connection, network_minutes, {"meeting_id": event.data["meeting_id"]}, [row])


NETWORK_OF = select(MEETING.network_id).where(MEETING.meeting_id == bindparam("key"))


def action_raised(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    network_id = connection.scalar(NETWORK_OF, {"key": data["meeting_id"]})
    row = {
        "action_id": data["action_id"],
        "meeting_id": data["meeting_id"],
        "network_id": network_id or "",
        "text": data["text"],
        "owner_id": data["owner_id"],
        "due": data["due"],
        "status": "open",
        "note": "",
        "priority_id": data.get("priority_id"),
        "raised_at": event.occurred_at,
        "changed_at": event.occurred_at,
    }
    connection.execute(insert(network_actions), row)
    schools = [{"school_id": s} for s in sorted(set(data.get("school_ids", [])))]
    replace_rows(connection, network_action_schools, {"action_id": data["action_id"]}, schools)


def action_updated(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(
        update(network_actions)
        .where(network_actions.c.action_id == data["action_id"])
        .values(status=data["status"], note=data.get("note", ""), changed_at=event.occurred_at)
    )


def register_taken(connection: Connection, event: RecordedEvent) -> None:
    marks = {
        m["person_id"]: {
            "person_id": m["person_id"],
            "school_id": m.get("school_id"),
            "mark": m["mark"],
            "marked_at": event.occurred_at,
        }
        for m in event.data["marks"]
    }
    key = {"meeting_id": event.data["meeting_id"]}
    replace_rows(connection, network_marks, key, list(marks.values()))


# Series and priorities
def dated(items: Any) -> list[dict[str, Any]]:
    """Nested records with dates, as JSON holds them."""
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in item.items()}
        for item in items
    ]


SERIES_FIELDS = ("network_id", "title", "organiser_id", "every_weeks", "weekday")
SERIES_TIMES = ("starts", "ends", "first", "last")


def series_planned(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    row = {
        **{f: data[f] for f in (*SERIES_FIELDS, *SERIES_TIMES)},
        "venue": data.get("venue", ""),
        "join_link": data.get("join_link", ""),
        "occurrences": dated(data["occurrences"]),
        "skipped": dated(data.get("skipped", [])),
        "status": "active",
        "end_reason": "",
        "changed_at": event.occurred_at,
    }
    replace_rows(connection, network_series, {"series_id": data["series_id"]}, [row])


def series_ended(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(
        update(network_series)
        .where(network_series.c.series_id == data["series_id"])
        .values(status="ended", end_reason=data["reason"], changed_at=event.occurred_at)
    )


def priorities_set(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    rows = [
        {"priority_id": p["priority_id"], "position": n, "title": p["title"]}
        for n, p in enumerate({p["priority_id"]: p for p in data["priorities"]}.values())
    ]
    key = {"school_id": data["school_id"], "year_id": data["year_id"]}
    replace_rows(connection, school_priorities, key, rows)
