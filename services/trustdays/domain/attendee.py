"""A person's day: whether they come, what they eat (for lunch numbers), and whether the
CPD manager excused them from booking it (part-time, not working that day...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from events import Decider, Event
from events.decider import Fact
from services.trustdays.domain.common import Window, rejected


@dataclass(frozen=True)
class Attendee:
    attending: bool | None = None
    dietary: str = ""
    exempt: bool = False
    exempt_because: str = ""


@dataclass(frozen=True)
class ConfirmAttendance:
    day_id: str
    person_id: str
    school_id: str | None
    attending: bool
    dietary: str
    window: Window


@dataclass(frozen=True)
class ChangeExemption:
    """The CPD manager says the person is not expected to book the day (or is again)."""

    day_id: str
    person_id: str
    exempt: bool
    reason: str
    status: str
    """The day's: draft, published or cancelled."""


class AttendeeDecider(Decider[Attendee, ConfirmAttendance | ChangeExemption]):
    def initial_state(self) -> Attendee:
        return Attendee()

    def decide(
        self, command: ConfirmAttendance | ChangeExemption, state: Attendee
    ) -> Sequence[Event]:
        if isinstance(command, ChangeExemption):
            return _change_exemption(command, state)
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
        data = event.data
        match event.type:
            case "DayAttendanceConfirmed":
                return replace(state, attending=data["attending"], dietary=data["dietary"])
            case "ExemptionChanged":
                return replace(state, exempt=data["exempt"], exempt_because=data["reason"])
        return state


def _change_exemption(command: ChangeExemption, state: Attendee) -> list[Event]:
    if command.status == "cancelled":
        raise rejected("day_cancelled", "That PD day has been cancelled.")
    reason = command.reason if command.exempt else ""
    if (state.exempt, state.exempt_because) == (command.exempt, reason):
        return []
    data = {"day_id": command.day_id, "person_id": command.person_id, "reason": reason}
    return [Event("ExemptionChanged", {**data, "exempt": command.exempt})]
