"""Whether a projection behind the log is catching up or not moving: no alarm for an idle
stack that is up to date, nor the moment a new event ends a long idle spell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.projection import Status

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=1)
JUST_NOW = NOW - timedelta(seconds=2)


def test_an_idle_projection_that_has_read_everything_is_up_to_date():
    assert Status("p", 10, updated_at=LONG_AGO).progress(10, None, NOW) == "up to date"


def test_a_projection_behind_whose_checkpoint_moved_just_now_is_catching_up():
    assert Status("p", 5, updated_at=JUST_NOW).progress(10, LONG_AGO, NOW) == "catching up"


def test_a_new_event_after_a_long_idle_spell_is_not_an_alarm():
    assert Status("p", 10, updated_at=LONG_AGO).progress(11, JUST_NOW, NOW) == "catching up"


def test_behind_with_nothing_read_for_30_s_is_not_moving():
    stale = NOW - timedelta(seconds=31)
    assert Status("p", 10, updated_at=stale).progress(11, stale, NOW) == "not moving"
    naive = stale.replace(tzinfo=None)  # as SQLite gives it back
    assert Status("p", 10, updated_at=naive).progress(11, None, NOW) == "not moving"


def test_a_projection_that_stopped_at_an_event_says_so():
    assert Status("p", 5, failed_seq=6, failure="bad").progress(10, None, NOW) == "stopped"
