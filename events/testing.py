"""Given/when/then for deciders: pure, no log, no I/O.

    slot = scenario(SlotDecider()).given(*added(session("a")), booked("amy", "a"))
    slot.when(Book("bob", "a", OPEN)).then(Event("SessionBooked", place("bob", "a")))
    slot.when(Book("amy", "a", OPEN)).then_rejected("already_booked", 409)

`given` and `when` make a new scenario and leave theirs as it was, so one scenario (a
decider, or a decider and a history) can be the start of many. `then` takes whole events,
or an event type alone where the data does not matter; `then_matching` checks only the
data it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic

from events.decider import Command, CommandRejected, Decider, Fact, State
from events.envelope import Event


class Scenario(Generic[State, Command]):
    def __init__(
        self, decider: Decider[State, Command], history: Sequence[Fact] = (), command: Any = None
    ):
        self.decider = decider
        self.history = tuple(history)
        self.command = command

    def given(self, *events: Fact) -> Scenario[State, Command]:
        """This scenario with `events` after its history."""
        return Scenario(self.decider, (*self.history, *events))

    def when(self, command: Command) -> Scenario[State, Command]:
        """This scenario's history, and `command` to judge against it."""
        return Scenario(self.decider, self.history, command)

    def decided(self) -> list[Event]:
        """What the decider decides on the command, given the history."""
        return list(self.decider.decide(self.command, self.state()))

    def then(self, *expected: Event | str) -> list[Event]:
        """The command decides exactly `expected`, in order (a type alone: any data)."""
        decided = self.decided()
        matches = len(decided) == len(expected) and all(
            (event.type if isinstance(want, str) else event) == want
            for event, want in zip(decided, expected, strict=True)
        )
        assert matches, f"decided {decided}, expected {list(expected)}"
        return decided

    def then_matching(self, *expected: Event) -> list[Event]:
        """The command decides events of `expected`'s types, in order, each holding at
        least the data of its expected event."""
        decided = self.decided()
        matches = len(decided) == len(expected) and all(
            event.type == want.type and want.data.items() <= event.data.items()
            for event, want in zip(decided, expected, strict=True)
        )
        assert matches, f"decided {decided}, expected at least {list(expected)}"
        return decided

    def then_rejected(self, rule: str, status: int | None = None) -> CommandRejected:
        """The command is refused by `rule` (with `status`, if given: 404, 409 or 422...)."""
        try:
            decided = self.decided()
        except CommandRejected as rejection:
            assert rejection.rule == rule, f"rejected by {rejection.rule}, expected {rule}"
            if status is not None:
                assert rejection.status == status, (
                    f"{rule} answered {rejection.status}, expected {status}"
                )
            return rejection
        raise AssertionError(f"expected rejection by {rule}, but it decided {decided}")

    def state(self) -> State:
        return self.decider.fold(self.history)


def scenario(decider: Decider[State, Command]) -> Scenario[State, Command]:
    return Scenario(decider)
