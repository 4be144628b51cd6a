"""Given/when/then for deciders: pure, no log, no I/O.

    scenario(CounterDecider()).given(Event("Incremented", {"by": 1})) \
        .when(Increment(by=2)).then(Event("Incremented", {"by": 2}))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic

from events.decider import Command, CommandRejected, Decider, Fact, State
from events.envelope import Event


class Scenario(Generic[State, Command]):
    def __init__(self, decider: Decider[State, Command]):
        self.decider = decider
        self.history: list[Fact] = []
        self.command: Any = None

    def given(self, *events: Fact) -> Scenario[State, Command]:
        self.history.extend(events)
        return self

    def when(self, command: Command) -> Scenario[State, Command]:
        self.command = command
        return self

    def _decide(self) -> Sequence[Event]:
        return list(self.decider.decide(self.command, self.decider.fold(self.history)))

    def then(self, *expected: Event) -> Sequence[Event]:
        decided = self._decide()
        assert list(decided) == list(expected), f"decided {decided}, expected {list(expected)}"
        return decided

    def then_rejected(self, rule: str) -> CommandRejected:
        try:
            decided = self._decide()
        except CommandRejected as rejection:
            assert rejection.rule == rule, f"rejected by {rejection.rule}, expected {rule}"
            return rejection
        raise AssertionError(f"expected rejection by {rule}, but it decided {decided}")

    def state(self) -> State:
        return self.decider.fold(self.history)


def scenario(decider: Decider[State, Command]) -> Scenario[State, Command]:
    return Scenario(decider)
