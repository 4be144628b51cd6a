"""What the networks' given/when/then tests share: a poll, its options and invitees, the
UK wall clock they are judged at, and a meeting polling or dated to start from."""

from __future__ import annotations

from datetime import date, datetime

from events import Event
from events.testing import scenario
from services.networks.domain import Invitee, MeetingDecider, OpenPoll, Option, Schedule

NOW = datetime(2026, 10, 1, 9, 0)
DEADLINE = datetime(2026, 10, 8, 17, 0)
AFTER = datetime(2026, 10, 8, 17, 0)
A = Option("a", date(2026, 10, 13), "16:00", "17:30")
B = Option("b", date(2026, 10, 15), "16:00", "17:30")
INVITEES = (Invitee("amy", True), Invitee("ben", True), Invitee("cat", False))
POLL = OpenPoll(
    meeting_id="m1",
    network_id="n1",
    title="SENCO network",
    organiser_id="sil",
    minutes=90,
    options=(A, B),
    invitees=INVITEES,
    deadline=DEADLINE,
    now=NOW,
    venue="Oak Primary",
    join_link="",
)
OPENED = Event(
    "PollOpened",
    {
        "meeting_id": "m1",
        "network_id": "n1",
        "title": "SENCO network",
        "organiser_id": "sil",
        "minutes": 90,
        "options": [
            {"option_id": "a", "date": date(2026, 10, 13), "starts": "16:00", "ends": "17:30"},
            {"option_id": "b", "date": date(2026, 10, 15), "starts": "16:00", "ends": "17:30"},
        ],
        "invitees": [
            {"person_id": "amy", "required": True},
            {"person_id": "ben", "required": True},
            {"person_id": "cat", "required": False},
        ],
        "deadline": DEADLINE,
        "venue": "Oak Primary",
        "join_link": "",
    },
)
SCHEDULE = Schedule(
    meeting_id="m1",
    network_id="n1",
    title="ELG",
    organiser_id="ceo",
    date=date(2026, 10, 13),
    starts="16:00",
    ends="17:30",
    invitees=INVITEES,
    now=NOW,
    venue="Trust office",
)


def vote(person: str, recorded_by: str | None = None, **answers: str) -> Event:
    data = {
        "meeting_id": "m1",
        "person_id": person,
        "answers": answers,
        "comment": "",
        "recorded_by": recorded_by or person,
    }
    return Event("VoteCast", data)


def closed(reason: str) -> Event:
    return Event("PollClosed", {"meeting_id": "m1", "reason": reason})


def confirmed(option: Option = A, warnings: tuple[str, ...] = ()) -> Event:
    data = {
        "meeting_id": "m1",
        "option_id": option.option_id,
        "date": option.date,
        "starts": option.starts,
        "ends": option.ends,
        "venue": "Oak Primary",
        "join_link": "",
        "warnings": list(warnings),
    }
    return Event("MeetingConfirmed", data)


CANCELLED = Event("MeetingCancelled", {"meeting_id": "m1", "reason": "Snow"})


meeting = scenario(MeetingDecider())
polling = meeting.given(OPENED)
"""The poll open, nobody has answered."""
dated = polling.given(closed("organiser"), confirmed())
"""Confirmed on option A, its poll closed by the organiser."""
