"""A school's improvement plan priorities, per year: the whole list as it now is, for the
networks' action points to link to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

from events import Decider, Event
from events.decider import Fact
from services.networks.domain.common import rejected, unique


@dataclass(frozen=True)
class Priority:
    priority_id: str
    title: str


@dataclass(frozen=True)
class SetPriorities:
    school_id: str
    year_id: str
    priorities: tuple[Priority, ...]


@dataclass(frozen=True)
class Plan:
    years: Mapping[str, tuple[Priority, ...]] = field(default_factory=dict)


class PlanDecider(Decider[Plan, object]):
    def initial_state(self) -> Plan:
        return Plan()

    def decide(self, command: object, state: Plan) -> Sequence[Event]:
        if not isinstance(command, SetPriorities):
            raise TypeError(f"not a plan command: {command!r}")
        unique([p.priority_id for p in command.priorities], "priorities_repeat", "Each once.")
        titles = [p.title.strip().casefold() for p in command.priorities]
        if not all(titles):
            raise rejected("untitled_priority", "Give every priority a title.", 422)
        unique(titles, "priorities_repeat", "Each priority once.")
        if state.years.get(command.year_id, ()) == command.priorities:
            return []
        data = {**asdict(command), "priorities": [asdict(p) for p in command.priorities]}
        return [Event("PrioritiesSet", data)]

    def evolve(self, state: Plan, event: Fact) -> Plan:
        if event.type != "PrioritiesSet":
            return state
        data = event.data
        priorities = tuple(Priority(**p) for p in data["priorities"])
        return replace(state, years={**state.years, data["year_id"]: priorities})
