"""The cap on requests waiting on one service: only while the oldest has waited too long,
so a healthy service in a rush is never refused."""

from __future__ import annotations

import pytest

from events.config import Settings
from events.in_flight import DEFAULT_LIMIT, Full, InFlight
from events.setting_checks import BadSetting


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


def test_the_limit_is_a_setting_read_with_the_others(monkeypatch):
    monkeypatch.delenv("STAFFROOM_IN_FLIGHT_PER_SERVICE", raising=False)
    assert Settings.from_env().in_flight_per_service == DEFAULT_LIMIT
    monkeypatch.setenv("STAFFROOM_IN_FLIGHT_PER_SERVICE", "3")
    assert Settings.from_env().in_flight_per_service == 3


@pytest.mark.parametrize("given", ["0", "two", "-1", "٣", "1" * 5000, " "])
def test_a_limit_that_is_not_a_whole_number_from_1_is_refused_by_name(monkeypatch, given):
    monkeypatch.setenv("STAFFROOM_IN_FLIGHT_PER_SERVICE", given)
    with pytest.raises(BadSetting, match="STAFFROOM_IN_FLIGHT_PER_SERVICE"):
        Settings.from_env()
