"""The calendar builder on its own: what a feed shows of cancelled things, and the dates
and bytes a calendar app relies on to notice changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar

from frontend.calendar import CANCELLED_KEPT_FOR, CalendarEvent, calendar

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
BOOKED = CalendarEvent(
    uid="s1.p1@staffroom",
    summary="Adaptive teaching",
    day=date(2026, 11, 27),
    starts="10:00",
    ends="11:15",
    location="Room 1, Calder Valley",
    description="Practical strategies.",
    url="https://staffroom.example/days/d1",
    cancelled=False,
    sequence=2,
    changed_at=NOW - timedelta(days=3),
)


def statuses(body: bytes) -> dict[str, str]:
    return {
        str(e["UID"]): str(e["STATUS"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }


def test_a_cancelled_booking_stays_a_while_as_cancelled_then_drops_out():
    cancelled = replace(BOOKED, cancelled=True, changed_at=NOW - timedelta(days=1))
    assert statuses(calendar([cancelled], "Mine", NOW).body) == {"s1.p1@staffroom": "CANCELLED"}
    later = NOW + CANCELLED_KEPT_FOR
    assert statuses(calendar([cancelled], "Mine", later).body) == {}


def test_last_modified_does_not_go_back_when_a_cancelled_event_drops_out():
    booked_long_ago = replace(BOOKED, changed_at=NOW - timedelta(days=50))
    cancelled_later = replace(
        BOOKED, uid="s2.p1@staffroom", cancelled=True, changed_at=NOW - timedelta(days=40)
    )
    feed = calendar([booked_long_ago, cancelled_later], "Mine", NOW)
    assert statuses(feed.body) == {"s1.p1@staffroom": "CONFIRMED"}  # the cancelled one dropped
    assert feed.last_modified == cancelled_later.changed_at  # not back to 50 days ago


def test_the_same_events_give_the_same_bytes_and_etag_whenever_they_are_built():
    first = calendar([BOOKED], "Mine", NOW)
    again = calendar([BOOKED], "Mine", NOW + timedelta(hours=5))
    assert first.body == again.body and first.etag == again.etag
    moved = calendar([replace(BOOKED, starts="10:30", sequence=3)], "Mine", NOW)
    assert moved.etag != first.etag


def test_a_single_event_file_has_no_calendar_name():
    body = calendar([BOOKED], None, NOW).body
    assert b"X-WR-CALNAME" not in body and b"REFRESH-INTERVAL" not in body
    assert b"DTSTART;TZID=Europe/London:20261127T100000" in body
