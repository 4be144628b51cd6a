"""The cap on requests waiting on one service: only while the oldest has waited too long,
so a healthy service in a rush is never refused."""

from __future__ import annotations

import pytest

from events.in_flight import Full, InFlight


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_rush_on_a_healthy_service_is_not_refused():
    in_flight = InFlight(2, stuck_after=2.0, clock=Clock())
    tokens = [in_flight.take("trustdays") for _ in range(10)]  # all young: served
    for token in tokens:
        in_flight.give_back("trustdays", token)


def test_past_the_limit_with_one_waiting_too_long_the_next_is_refused_until_it_ends():
    clock = Clock()
    in_flight = InFlight(2, stuck_after=2.0, clock=clock)
    stuck = in_flight.take("trustdays")
    in_flight.take("trustdays")
    clock.now = 2.5
    with pytest.raises(Full):
        in_flight.take("trustdays")
    in_flight.take("networks")  # another service is not held up
    in_flight.give_back("trustdays", stuck)
    in_flight.take("trustdays")
