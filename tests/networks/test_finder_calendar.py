"""The days of the trust year as the finder sees them (services/networks/calendar.py), and
the calendar the finder, series and warning tests share (tests/support/networks_facts.py)."""

from __future__ import annotations

from datetime import date

from services.networks.calendar import Closure, closed_days, holiday_name
from tests.support.networks_facts import ELM_TERMS, YEAR, trust_calendar


def test_gaps_between_terms_are_named_as_schools_say_them() -> None:
    assert holiday_name(date(2026, 10, 24), date(2026, 11, 1), YEAR) == "Half term"
    assert holiday_name(date(2026, 12, 19), date(2027, 1, 4), YEAR) == "Christmas holidays"
    assert holiday_name(date(2027, 3, 27), date(2027, 4, 11), YEAR) == "Easter holidays"
    assert holiday_name(date(2027, 7, 22), date(2027, 8, 31), YEAR) == "Summer holidays"
    assert holiday_name(date(2026, 9, 1), date(2026, 9, 2), YEAR) == "Summer holidays"


def test_a_school_is_shut_out_of_its_own_terms_and_in_its_closures() -> None:
    shut = closed_days(YEAR, ELM_TERMS, (), date(2026, 10, 19), date(2026, 11, 6))
    assert date(2026, 10, 26) not in shut  # Elm High is still in term
    assert shut[date(2026, 11, 2)] == "Half term"
    assert date(2026, 11, 9) not in shut
    inset = Closure(date(2026, 11, 16), date(2026, 11, 16), "INSET day")
    oak = closed_days(YEAR, (), (inset,), date(2026, 10, 19), date(2026, 11, 20))
    assert oak[date(2026, 10, 26)] == "Half term"
    assert oak[date(2026, 11, 16)] == "INSET day"
    assert date(2026, 11, 17) not in oak


def test_a_closure_says_its_own_words_over_the_holiday() -> None:
    snow = Closure(date(2026, 10, 22), date(2026, 10, 27), "Closure")
    shut = closed_days(YEAR, (), (snow,), date(2026, 10, 19), date(2026, 10, 30))
    assert shut[date(2026, 10, 22)] == "Closure"
    assert shut[date(2026, 10, 27)] == "Closure"
    assert shut[date(2026, 10, 28)] == "Half term"


def test_without_a_year_only_closures_shut_a_school() -> None:
    inset = Closure(date(2026, 11, 16), date(2026, 11, 16), "INSET day")
    shut = closed_days(None, (), (inset,), date(2026, 10, 1), date(2026, 11, 30))
    assert shut == {date(2026, 11, 16): "INSET day"}


def test_the_shared_calendar_knows_the_bank_holidays() -> None:
    calendar = trust_calendar()
    assert calendar.bank_holidays[date(2027, 5, 3)] == "May Day"
    assert calendar.school_name("oak") == "Oak Primary"
    assert calendar.school_name("gone") == "gone"
