"""A meeting's state: its poll (options, invitees, votes, deadline), its date once confirmed
or scheduled, and what happens at it (agenda, minutes, actions, register), folded from its
events. Times are UK wall clock: a date and "HH:MM"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from events.decider import Fact


@dataclass(frozen=True)
class Option:
    option_id: str
    date: date
    starts: str
    ends: str


@dataclass(frozen=True)
class Invitee:
    person_id: str
    required: bool = True


@dataclass(frozen=True)
class Vote:
    answers: Mapping[str, str]
    """option_id -> answer; an option it leaves out is not answered (never "no")."""
    comment: str
    recorded_by: str


@dataclass(frozen=True)
class When:
    """A meeting's date and times, and where it is."""

    date: date
    starts: str
    ends: str
    venue: str = ""
    join_link: str = ""


@dataclass(frozen=True)
class AgendaItem:
    item_id: str
    title: str
    minutes: int
    owner_id: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class Action:
    action_id: str
    text: str
    owner_id: str
    due: date
    school_ids: tuple[str, ...] = ()
    priority_id: str | None = None
    status: str = "open"
    note: str = ""


@dataclass(frozen=True)
class Mark:
    person_id: str
    mark: str
    school_id: str | None = None


@dataclass(frozen=True)
class Meeting:
    status: str = "new"
    """new, then polling, poll_closed, confirmed (events.MEETING_STATUSES) or cancelled."""
    meeting_id: str = ""
    network_id: str = ""
    title: str = ""
    organiser_id: str = ""
    minutes: int = 0
    options: Mapping[str, Option] = field(default_factory=dict)
    invitees: Mapping[str, Invitee] = field(default_factory=dict)
    deadline: datetime | None = None
    place: tuple[str, str] = ("", "")
    """The venue and join link the poll proposed."""
    votes: Mapping[str, Vote] = field(default_factory=dict)
    closed_reason: str | None = None
    when: When | None = None
    option_id: str | None = None
    series_id: str | None = None
    agenda: tuple[AgendaItem, ...] | None = None
    """None until an agenda is set (a seeded agenda never replaces one)."""
    minutes_text: str = ""
    actions: Mapping[str, Action] = field(default_factory=dict)
    register: tuple[Mark, ...] = ()
    clashes: tuple[str, ...] = ()
    """Clash alerts since the meeting was last dated."""
    invitation_answers: Mapping[str, str] = field(default_factory=dict)
    """person_id -> accepted or declined, since the meeting was last dated."""
    invitation_notes: Mapping[str, str] = field(default_factory=dict)
    """person_id -> the note their answer gave the organiser ("" for none)."""

    def answered(self, person_id: str) -> bool:
        """Whether the person has answered every option (leaving one out is not "no")."""
        vote = self.votes.get(person_id)
        return vote is not None and set(self.options) <= set(vote.answers)

    def missing(self) -> list[str]:
        """Invitees who have not answered every option yet, required first."""
        waiting = [i for i in self.invitees.values() if not self.answered(i.person_id)]
        return [i.person_id for i in sorted(waiting, key=lambda i: not i.required)]

    def all_required_answered(self) -> bool:
        return all(self.answered(i.person_id) for i in self.invitees.values() if i.required)


def evolve(state: Meeting, event: Fact) -> Meeting:
    data = event.data
    match event.type:
        case "PollOpened":
            return _opened(data)
        case "VoteCast":
            vote = Vote(dict(data["answers"]), data.get("comment", ""), data["recorded_by"])
            return replace(state, votes={**state.votes, data["person_id"]: vote})
        case "PollClosed":
            return replace(state, status="poll_closed", closed_reason=data["reason"])
        case "MeetingConfirmed":
            return replace(
                state, status="confirmed", when=_when(data), option_id=data["option_id"], clashes=()
            )
        case "MeetingScheduled":
            return _scheduled(data)
        case "MeetingMoved":  # a new date asks every invitee again
            return replace(
                state, when=_when(data), clashes=(), invitation_answers={}, invitation_notes={}
            )
        case "InvitationAnswered":
            answers = {**state.invitation_answers, data["person_id"]: data["answer"]}
            notes = {**state.invitation_notes, data["person_id"]: data.get("note", "")}
            return replace(state, invitation_answers=answers, invitation_notes=notes)
        case "MeetingCancelled":
            return replace(state, status="cancelled")
        case "ClashFound":
            return replace(state, clashes=(*state.clashes, data["reason"]))
        case "AgendaSet":
            return replace(state, agenda=tuple(AgendaItem(**item) for item in data["items"]))
        case "MinutesRecorded":
            return replace(state, minutes_text=data["text"])
        case "ActionRaised":
            action = _action(data)
            return replace(state, actions={**state.actions, action.action_id: action})
        case "ActionUpdated":
            changed = replace(
                state.actions[data["action_id"]], status=data["status"], note=data["note"]
            )
            return replace(state, actions={**state.actions, changed.action_id: changed})
        case "RegisterTaken":
            return replace(state, register=tuple(Mark(**mark) for mark in data["marks"]))
    return state


def _opened(data: Mapping[str, Any]) -> Meeting:
    return Meeting(
        status="polling",
        meeting_id=data["meeting_id"],
        network_id=data["network_id"],
        title=data["title"],
        organiser_id=data["organiser_id"],
        minutes=data["minutes"],
        options={o["option_id"]: Option(**o) for o in data["options"]},
        invitees={i["person_id"]: Invitee(**i) for i in data["invitees"]},
        deadline=data["deadline"],
        place=(data.get("venue", ""), data.get("join_link", "")),
    )


def _scheduled(data: Mapping[str, Any]) -> Meeting:
    when = _when(data)
    return Meeting(
        status="confirmed",
        meeting_id=data["meeting_id"],
        network_id=data["network_id"],
        title=data["title"],
        organiser_id=data["organiser_id"],
        minutes=_length(when),
        invitees={i["person_id"]: Invitee(**i) for i in data["invitees"]},
        place=(when.venue, when.join_link),
        when=when,
        series_id=data.get("series_id"),
    )


def _when(data: Mapping[str, Any]) -> When:
    return When(
        data["date"], data["starts"], data["ends"], data.get("venue", ""), data.get("join_link", "")
    )


def _length(when: When) -> int:
    starts, ends = (int(t[:2]) * 60 + int(t[3:]) for t in (when.starts, when.ends))
    return ends - starts


def _action(data: Mapping[str, Any]) -> Action:
    return Action(
        action_id=data["action_id"],
        text=data["text"],
        owner_id=data["owner_id"],
        due=data["due"],
        school_ids=tuple(data.get("school_ids", ())),
        priority_id=data.get("priority_id"),
    )
