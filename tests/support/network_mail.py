"""A network meeting's facts written straight into the log for the notifications to react
to: a network, a poll, its votes and nudges, a date confirmed or booked, moved, cancelled,
an invitation answered, an action raised; and people with names of their own."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import services.networks.events  # noqa: F401  (registers the networks' event types)
from events import Event
from events.connection import NatsThread
from events.store import EventStore
from tests.support.network_reads import form, network, on_meeting
from tests.support.people import joined, record_facts

NAMES = {"amy": "Amy Archer", "bob": "Bob Baker", "sil": "Sita Lal"}


def the_people(nats: NatsThread, store: EventStore) -> None:
    """Amy and Bob (invitees) and Sita (the organiser), each with an address of their own."""
    nats.run(record_facts(store, [joined(p, name=n) for p, n in NAMES.items()]))


def a_network(nats: NatsThread, store: EventStore) -> None:
    form(nats, store, network("n1", name="SENCO network"))


def days_ahead(days: int) -> date:
    return date.today() + timedelta(days=days)


def poll(meeting_id: str, deadline: datetime, *dates: date) -> Event:
    return Event(
        "PollOpened",
        {
            "meeting_id": meeting_id,
            "network_id": "n1",
            "title": "Spring meeting",
            "organiser_id": "sil",
            "minutes": 90,
            "options": [
                {"option_id": f"o{n}", "date": d, "starts": "16:00", "ends": "17:30"}
                for n, d in enumerate(dates)
            ],
            "invitees": [{"person_id": p, "required": True} for p in ("amy", "bob", "sil")],
            "deadline": deadline,
            "venue": "Trust office",
            "join_link": "",
        },
    )


def voted(meeting_id: str, person: str, *options: str) -> Event:
    data = {"meeting_id": meeting_id, "person_id": person, "comment": "", "recorded_by": person}
    return Event("VoteCast", {**data, "answers": {o: "yes" for o in options}})


def nudged(meeting_id: str, *people: str) -> Event:
    data = {"meeting_id": meeting_id, "person_ids": list(people), "by_id": "sil"}
    return Event("VotersNudged", data)


def closed(meeting_id: str) -> Event:
    return Event("PollClosed", {"meeting_id": meeting_id, "reason": "organiser"})


def timed(meeting_id: str, day: date, starts: str = "16:00", **more: Any) -> dict[str, Any]:
    ends = f"{int(starts[:2]) + 1:02d}{starts[2:]}"
    data = {"meeting_id": meeting_id, "date": day, "starts": starts, "ends": ends}
    return {**data, "venue": "Trust office", "join_link": "", "warnings": [], **more}


def confirmed(meeting_id: str, day: date, starts: str = "16:00") -> Event:
    return Event("MeetingConfirmed", {**timed(meeting_id, day, starts), "option_id": None})


def scheduled(
    meeting_id: str, day: date, starts: str = "16:00", series_id: str | None = None
) -> Event:
    data = timed(meeting_id, day, starts, network_id="n1", title="Spring meeting")
    invitees = [{"person_id": p, "required": True} for p in ("amy", "bob")]
    more = {"organiser_id": "sil", "invitees": invitees, "series_id": series_id}
    return Event("MeetingScheduled", {**data, **more})


def moved(meeting_id: str, day: date, starts: str = "16:00") -> Event:
    return Event("MeetingMoved", {**timed(meeting_id, day, starts), "reason": "Parents' evening"})


def cancelled(meeting_id: str) -> Event:
    return Event("MeetingCancelled", {"meeting_id": meeting_id, "reason": "Snow closes the roads"})


def answered(meeting_id: str, person: str, answer: str) -> Event:
    data = {"meeting_id": meeting_id, "person_id": person, "answer": answer}
    return Event("InvitationAnswered", data)


def action(meeting_id: str, action_id: str, owner: str, due: date) -> Event:
    data = {"meeting_id": meeting_id, "action_id": action_id, "text": f"Audit {action_id}"}
    more = {"owner_id": owner, "school_ids": [], "due": due, "priority_id": None}
    return Event("ActionRaised", {**data, **more})


def action_done(meeting_id: str, action_id: str) -> Event:
    data = {"meeting_id": meeting_id, "action_id": action_id, "status": "done", "note": ""}
    return Event("ActionUpdated", data)


def meeting(nats: NatsThread, store: EventStore, meeting_id: str, *events: Event) -> None:
    on_meeting(nats, store, meeting_id, *events)


def agenda(meeting_id: str, *titles: str) -> Event:
    items = [
        {"item_id": f"i{n}", "title": t, "owner_id": None, "minutes": 5 if n == 0 else 40}
        | {"action_id": None}
        for n, t in enumerate(titles)
    ]
    return Event("AgendaSet", {"meeting_id": meeting_id, "items": items})
