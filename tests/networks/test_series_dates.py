"""A series' dates (services/networks/series_dates.py): every N term weeks on a weekday,
skipping what shuts any invited school."""

from __future__ import annotations

from datetime import date

import pytest

from services.networks.calendar import Closure
from services.networks.finder import Invitee
from services.networks.series_dates import first_on, series_dates
from tests.support.networks_facts import PD_DAY, trust_calendar

HEADS = [Invitee("h-oak", "oak"), Invitee("h-ash", "ash")]
TUESDAY, FRIDAY = 1, 4


def test_the_first_date_is_the_weekday_on_or_after_the_start() -> None:
    assert first_on(TUESDAY, date(2026, 9, 7)) == date(2026, 9, 8)
    assert first_on(TUESDAY, date(2026, 9, 8)) == date(2026, 9, 8)


def test_fortnightly_counts_term_weeks_so_half_term_pauses_the_rhythm() -> None:
    found = series_dates(date(2026, 9, 1), date(2026, 11, 30), 2, TUESDAY, HEADS, trust_calendar())
    assert found.occurrences == (
        date(2026, 9, 8),
        date(2026, 9, 22),
        date(2026, 10, 6),
        date(2026, 10, 20),
        date(2026, 11, 10),  # half term week (27 Oct) is no week of the rhythm
        date(2026, 11, 24),
    )
    assert found.skipped == ()


def test_a_term_week_date_that_is_shut_is_skipped_with_its_reason_and_keeps_its_place() -> None:
    inset = Closure(date(2026, 11, 10), date(2026, 11, 10), "INSET day")
    found = series_dates(
        date(2026, 11, 9), date(2026, 12, 10), 2, TUESDAY, HEADS, trust_calendar((inset,))
    )
    assert found.skipped == ((date(2026, 11, 10), "INSET day at Oak Primary"),)
    assert found.occurrences == (date(2026, 11, 24), date(2026, 12, 8))
    only_ash = series_dates(
        date(2026, 11, 9), date(2026, 12, 10), 2, TUESDAY, HEADS[1:], trust_calendar((inset,))
    )
    assert date(2026, 11, 10) in only_ash.occurrences  # Oak's INSET: no Oak head invited


def test_pd_days_and_bank_holidays_are_skipped() -> None:
    weekly = series_dates(
        date(2026, 11, 16), date(2026, 11, 27), 1, FRIDAY, HEADS, trust_calendar()
    )
    assert weekly.skipped == ((PD_DAY, "PD day"),)
    assert weekly.occurrences == (date(2026, 11, 27),)
    mondays = series_dates(date(2027, 4, 26), date(2027, 5, 10), 1, 0, HEADS, trust_calendar())
    assert mondays.skipped == ((date(2027, 5, 3), "Bank holiday: May Day"),)


def test_holidays_are_not_listed_as_skipped() -> None:
    found = series_dates(date(2026, 12, 14), date(2027, 1, 15), 1, TUESDAY, HEADS, trust_calendar())
    assert found.occurrences == (date(2026, 12, 15), date(2027, 1, 5), date(2027, 1, 12))
    assert found.skipped == ()


def test_a_whole_year_fortnightly() -> None:
    found = series_dates(date(2026, 9, 1), date(2027, 7, 31), 2, TUESDAY, HEADS, trust_calendar())
    assert 17 <= len(found.occurrences) <= 20
    assert all(d.weekday() == TUESDAY for d in found.occurrences)
    gaps = {(b - a).days for a, b in zip(found.occurrences, found.occurrences[1:], strict=False)}
    assert 14 in gaps and all(g % 7 == 0 for g in gaps)


@pytest.mark.parametrize(("every", "weekday"), [(0, 1), (2, 7), (1, -1)])
def test_a_nonsense_rhythm_is_refused(every: int, weekday: int) -> None:
    with pytest.raises(ValueError):
        series_dates(date(2026, 9, 1), date(2026, 10, 1), every, weekday, HEADS, trust_calendar())
