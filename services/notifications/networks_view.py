"""What the notifications know of a network meeting: a small fold of its facts (who is
invited, who organises, its status, date and time, the poll's deadline, its actions), read
from the log by the reactions, never by asking the networks service (foreign facts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from events.decider import Decider, Fact

DATED = ("MeetingConfirmed", "MeetingScheduled", "MeetingMoved")


@dataclass(frozen=True)
class Action:
    owner_id: str
    due: date


@dataclass(frozen=True)
class MeetingView:
    meeting_id: str = ""
    organiser_id: str = ""
    invitees: tuple[str, ...] = ()
    status: str = "new"
    """new, polling, poll_closed, confirmed or cancelled."""
    date: date | None = None
    starts: str | None = None
    deadline: datetime | None = None
    """The poll's deadline, UK wall clock (naive)."""
    series_id: str | None = None
    actions: Mapping[str, Action] = field(default_factory=dict)

    def told(self) -> tuple[str, ...]:
        """Who is sent invitations and changes: the invitees but the organiser, who made it."""
        return tuple(p for p in self.invitees if p != self.organiser_id)

    def reminded(self) -> tuple[str, ...]:
        """Who is reminded of the meeting: its invitees and its organiser."""
        return tuple(dict.fromkeys((*self.invitees, self.organiser_id)))


def _invitees(data: Mapping) -> tuple[str, ...]:  # type: ignore[type-arg]
    return tuple(dict.fromkeys(i["person_id"] for i in data["invitees"]))


class MeetingFold(Decider[MeetingView, None]):
    def initial_state(self) -> MeetingView:
        return MeetingView()

    def evolve(self, state: MeetingView, event: Fact) -> MeetingView:
        data = event.data
        if event.type in ("PollOpened", "MeetingScheduled"):
            state = MeetingView(
                meeting_id=data["meeting_id"],
                organiser_id=data["organiser_id"],
                invitees=_invitees(data),
                status="polling" if event.type == "PollOpened" else "confirmed",
                deadline=data.get("deadline"),
                series_id=data.get("series_id"),
            )
        if event.type in DATED:
            when = {"date": data["date"], "starts": data["starts"]}
            state = replace(state, **when, status="confirmed")
        elif event.type == "PollClosed":
            state = replace(state, status="poll_closed")
        elif event.type == "MeetingCancelled":
            state = replace(state, status="cancelled")
        elif event.type == "ActionRaised":
            action = Action(data["owner_id"], data["due"])
            state = replace(state, actions={**state.actions, data["action_id"]: action})
        return state
