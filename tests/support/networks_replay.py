"""An independent replay of a meeting's log: it knows nothing of the deciders, and checks
the rules of a date poll and its confirmation after every message (a command's events are
one message: they share a sequence)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Replayed:
    options: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)
    invitees: set[str] = field(default_factory=set)
    votes: dict[str, dict[str, str]] = field(default_factory=dict)
    closed: str | None = None
    """Why the poll closed, once it has."""
    closed_at: int | None = None
    confirmed: list[Any] = field(default_factory=list)
    """Each confirmation's option (or date) in the log: at most one."""
    cancelled: bool = False


def replay(events: Sequence[Any]) -> Replayed:
    """Walk the meeting's log as it happened, checking every rule after every message."""
    meeting = Replayed()
    for n, event in enumerate(events):
        _apply(meeting, event, events[n - 1] if n else None)
        last_of_message = n + 1 == len(events) or events[n + 1].seq != event.seq
        if last_of_message and meeting.closed is None and meeting.required:
            assert not _all_answered(meeting), f"seq {event.seq}: all required answered, still open"
    return meeting


def _apply(meeting: Replayed, event: Any, before: Any) -> None:
    data = event.data
    match event.type:
        case "PollOpened":
            assert before is None, "a poll opens its meeting's log"
            meeting.options = {o["option_id"] for o in data["options"]}
            meeting.invitees = {i["person_id"] for i in data["invitees"]}
            meeting.required = {i["person_id"] for i in data["invitees"] if i["required"]}
        case "VoteCast":
            assert meeting.closed is None, f"seq {event.seq}: a vote after the poll closed"
            assert not meeting.cancelled, "a vote on a cancelled meeting"
            assert data["person_id"] in meeting.invitees, "a vote of someone not invited"
            assert set(data["answers"]) <= meeting.options, "an answer to a date not offered"
            meeting.votes[data["person_id"]] = dict(data["answers"])
        case "PollClosed":
            assert meeting.closed is None, f"seq {event.seq}: the poll closed twice"
            if data["reason"] == "all_answered":
                assert _all_answered(meeting), "closed as all answered, but someone was missing"
                assert before is not None and before.type == "VoteCast", "closed by no vote"
                assert before.seq == event.seq, "not closed in the completing vote's message"
            meeting.closed, meeting.closed_at = data["reason"], event.seq
        case "MeetingConfirmed":
            assert not meeting.confirmed, f"seq {event.seq}: confirmed twice"
            assert meeting.closed is not None, "confirmed while the poll was open"
            option = data["option_id"]
            assert option is None or option in meeting.options, "confirmed a date not offered"
            meeting.confirmed.append(option if option is not None else data["date"])
        case "MeetingCancelled":
            assert not meeting.cancelled, "cancelled twice"
            meeting.cancelled = True


def _all_answered(meeting: Replayed) -> bool:
    return all(meeting.options <= set(meeting.votes.get(p, {})) for p in meeting.required)
