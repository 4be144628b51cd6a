"""The calendar builder on its own: what a feed shows of cancelled things, and the dates
and bytes a calendar app relies on to notice changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
import vobject

from events.calendar import CANCELLED_KEPT_FOR, CalendarEvent, calendar

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
    # not back to 50 days ago: its dropping out (30 days after it was cancelled) is a change
    assert feed.last_modified == cancelled_later.changed_at + CANCELLED_KEPT_FOR


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


LONDON_RULES = (
    b"BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
    b"BEGIN:STANDARD\r\nDTSTART:19961027T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    b"TZNAME:GMT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
    b"BEGIN:DAYLIGHT\r\nDTSTART:19960331T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    b"TZNAME:BST\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\n"
    b"END:VTIMEZONE\r\n"
)


def test_a_cancelled_event_says_so_in_its_title_and_why_first_in_its_description():
    cancelled = replace(BOOKED, cancelled=True, reason="This session was cancelled.")
    event = icalendar.Calendar.from_ical(calendar([cancelled], "Mine", NOW).body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Cancelled: Adaptive teaching"
    assert str(event["DESCRIPTION"]) == "This session was cancelled.\n\nPractical strategies."
    assert event["STATUS"] == "CANCELLED"
    assert str(
        icalendar.Calendar.from_ical(calendar([BOOKED], "Mine", NOW).body).walk("VEVENT")[0][
            "SUMMARY"
        ]
    ) == ("Adaptive teaching")


def test_europe_london_is_written_once_as_two_yearly_rules():
    winter_and_summer = [BOOKED, replace(BOOKED, uid="s2.p1@staffroom", day=date(2027, 6, 18))]
    body = calendar(winter_and_summer, "Mine", NOW).body
    assert body.count(b"BEGIN:VTIMEZONE") == 1 and LONDON_RULES in body
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    read = icalendar.Calendar.from_ical(body).walk("VEVENT")
    starts = {str(e["UID"]): e.decoded("DTSTART").astimezone(UTC) for e in read}
    other = vobject.readOne(body.decode())
    second = {e.uid.value: e.dtstart.value.astimezone(UTC) for e in other.vevent_list}
    expected = {
        "s1.p1@staffroom": datetime(2026, 11, 27, 10, tzinfo=UTC),  # GMT
        "s2.p1@staffroom": datetime(2027, 6, 18, 9, tzinfo=UTC),  # BST
    }
    assert starts == expected and second == expected


def test_a_backslash_n_in_a_title_stays_a_backslash_n():
    body = calendar([replace(BOOKED, summary=r"Paths like C:\New, done; ok")], "Mine", NOW).body
    assert b"SUMMARY:Paths like C:\\\\New\\, done\\; ok" in body
    assert str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"]) == (
        r"Paths like C:\New, done; ok"
    )
    assert vobject.readOne(body.decode()).vevent.summary.value == r"Paths like C:\New, done; ok"


def test_an_empty_calendar_still_has_a_component_that_readers_accept():
    body = calendar([], "Mine", NOW).body
    assert b"BEGIN:VTIMEZONE" in body and b"BEGIN:VEVENT" not in body
    assert icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    assert vobject.readOne(body.decode()).vtimezone.tzid.value == "Europe/London"


def test_a_cancelled_event_dropping_out_moves_last_modified_forward():
    cancelled = replace(BOOKED, cancelled=True, changed_at=NOW - timedelta(days=1))
    later = NOW + CANCELLED_KEPT_FOR
    assert calendar([cancelled], "Mine", later).last_modified == later - timedelta(days=1)
