"""A person's day: whether they come, and what they eat (for lunch numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from events import Decider, Event
from events.decider import Fact
from services.trustdays.domain.common import Window, rejected


@dataclass(frozen=True)
class Attendee:
    attending: bool | None = None
    dietary: str = ""


@dataclass(frozen=True)
class ConfirmAttendance:
    day_id: str
    person_id: str
    school_id: str | None
    attending: bool
    dietary: str
    window: Window


class AttendeeDecider(Decider[Attendee, ConfirmAttendance]):
    def initial_state(self) -> Attendee:
        return Attendee()

    def decide(self, command: ConfirmAttendance, state: Attendee) -> Sequence[Event]:
        if command.window.status == "cancelled":
            raise rejected("day_cancelled", "That PD day has been cancelled.")
        if command.window.status != "published":
            raise rejected("day_not_published", "That PD day is not published yet.")
        if (state.attending, state.dietary) == (command.attending, command.dietary):
            return []
        return [
            Event(
                "DayAttendanceConfirmed",
                {k: v for k, v in asdict(command).items() if k != "window"},
            )
        ]

    def evolve(self, state: Attendee, event: Fact) -> Attendee:
        if event.type == "DayAttendanceConfirmed":
            return Attendee(event.data["attending"], event.data["dietary"])
        return state
