"""A school's dates from its own files: ICS events read as closures by what they say (all-day
ends exclusive), CSV rows by their columns; bad lines named by number, other events and
other years left out, the same file twice naming the same dates."""

from __future__ import annotations

from datetime import date

from services.trustyear.domain import Closure
from services.trustyear.importing import against, read_csv, read_ics

ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Ash Grove Primary//Term dates//EN\r
BEGIN:VEVENT\r
UID:1@ash\r
SUMMARY:INSET day\r
DTSTART;VALUE=DATE:20260901\r
DTEND;VALUE=DATE:20260902\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@ash\r
SUMMARY:October half term\r
DTSTART;VALUE=DATE:20261026\r
DTEND;VALUE=DATE:20261031\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@ash\r
SUMMARY:Parents' evening\r
DTSTART:20261110T160000Z\r
DTEND:20261110T190000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@ash\r
SUMMARY:School closed (polling station)\r
DTSTART;VALUE=DATE:20270506\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:5@ash\r
SUMMARY:Summer holiday\r
DTSTART;VALUE=DATE:20270722\r
DTEND;VALUE=DATE:20270901\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:6@ash\r
SUMMARY:INSET day\r
DTSTART;VALUE=DATE:20270903\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_ics_calendar_gives_its_closures_and_leaves_the_rest_out():
    checked = read_ics(ICS, "ash", "2026-27")
    assert checked.problem is None and checked.bad == []
    found = [(r.line, r.closure.kind, r.closure.starts, r.closure.ends) for r in checked.rows]
    assert found == [
        (4, "inset", date(2026, 9, 1), date(2026, 9, 1)),
        (10, "holiday", date(2026, 10, 26), date(2026, 10, 30)),
        (22, "closure", date(2027, 5, 6), date(2027, 5, 6)),
        (27, "holiday", date(2027, 7, 22), date(2027, 8, 31)),  # cut at the year's end
    ]
    assert {r.closure.source for r in checked.rows} == {"ics"}
    assert [(p.line, p.reasons) for p in checked.left_out] == [
        (16, ["Parents' evening: not a closure"]),
        (33, ["outside 2026-27"]),
    ]
    again = read_ics(ICS, "ash", "2026-27")
    assert [r.closure.closure_id for r in again.rows] == [
        r.closure.closure_id for r in checked.rows
    ]
    assert (
        read_ics(ICS, "beech", "2026-27").rows[0].closure.closure_id
        != checked.rows[0].closure.closure_id
    )


def test_a_file_that_is_no_calendar_is_refused_whole():
    assert read_ics(b"hello", "ash", "2026-27").problem
    broken = ICS.replace(b"DTSTART;VALUE=DATE:20261026", b"DTSTART;VALUE=DATE:2026-99")
    checked = read_ics(broken, "ash", "2026-27")
    assert checked.problem is None and [p.line for p in checked.bad] == [10]


CSV = """kind,starts,ends,label
inset,2026-09-01,2026-09-01,INSET day
holiday,26/10/2026,30/10/2026,Half term

party,2026-11-02,2026-11-02,Bonfire
inset,2026-11-07,,Saturday INSET
closure,2027-05-06,2027-05-05,Polling day
inset,2025-09-01,2025-09-01,Last year
"""


def test_csv_rows_become_closures_and_bad_lines_are_named():
    checked = read_csv(CSV, "ash", "2026-27")
    assert [(r.line, r.closure.kind, r.closure.label) for r in checked.rows] == [
        (2, "inset", "INSET day"),
        (3, "holiday", "Half term"),
    ]
    assert checked.rows[1].closure.starts == date(2026, 10, 26)
    assert [(p.line, p.reasons) for p in checked.bad] == [
        (5, ["kind must be holiday, inset or closure"]),
        (6, ["an INSET day falls on a weekend"]),
        (7, ["ends before it starts"]),
    ]
    assert [(p.line, p.reasons) for p in checked.left_out] == [(8, ["outside 2026-27"])]


def test_a_csv_without_its_header_is_refused_whole():
    checked = read_csv("2026-09-01,2026-09-01\n", "ash", "2026-27")
    assert checked.problem and "Line 1" in checked.problem


def test_the_preview_says_what_is_new_already_there_or_overlapping():
    checked = read_csv(CSV.split("\n\n")[0] + "\n", "ash", "2026-27")
    held = [
        Closure("x", "inset", date(2026, 9, 1), date(2026, 9, 1), "INSET day"),
        Closure("y", "closure", date(2026, 10, 29), date(2026, 10, 29), "Boiler"),
    ]
    shown = against(checked, held)
    assert [(row.line, status) for row, status in shown] == [(2, "already there")]
    assert [(p.line, p.reasons) for p in checked.bad] == [(3, ["overlaps Boiler (29/10/2026)"])]
