"""A school's dates from its own calendar: an ICS file (exported from the school's calendar or
website) or a CSV (kind, first day, last day, label). Pure: the file's text in, the checked
rows out, each with the line it came from, so a school fixes its file by line.

ICS events are read as closures by what they say: "INSET"/"training day" are INSET days,
"half term", "holiday", "break", "Christmas", "Easter"... holidays, "closed"/"closure"
closures; anything else ("Term starts", "Parents' evening") is shown as left out, not an
error. An all-day event's DTEND is the day after its last (RFC 5545). Dates outside the
year are left out too: a school's calendar often runs across years.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from services.trustyear.domain import Closure, bounds

if TYPE_CHECKING:
    from icalendar import Event as IcsEvent

CLOSURE_NAMESPACE = uuid.UUID("8a0e2a7c-5d1b-4f7e-9a34-2c6b1d0f4e55")
MAX_ROWS = 500
TOO_MANY = f"A file holds at most {MAX_ROWS} dates: split it."
INSET_WORDS = re.compile(r"\b(inset|training day|staff development|teacher day|pd day)\b", re.I)
HOLIDAY_WORDS = re.compile(
    r"\b(half[- ]?term|holiday|holidays|break|christmas|easter|summer|spring|bank)\b", re.I
)
CLOSURE_WORDS = re.compile(r"\b(closed|closure)\b", re.I)
KIND_NAMES = {
    "holiday": "holiday",
    "inset": "inset",
    "inset day": "inset",
    "closure": "closure",
    "closed": "closure",
}
CSV_COLUMNS = ("kind", "starts", "ends", "label")


@dataclass(frozen=True)
class Row:
    line: int
    closure: Closure


@dataclass(frozen=True)
class Problem:
    line: int
    reasons: list[str]


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)
    """Lines read but not closures of the year (not errors)."""
    bad: list[Problem] = field(default_factory=list)
    problem: str | None = None
    """The whole file could not be read."""


def closure_id_for(school_id: str, year_id: str, kind: str, starts: date, ends: date) -> str:
    """An imported closure's id, from what it is: the same file twice names the same dates."""
    name = f"{school_id}:{year_id}:{kind}:{starts.isoformat()}:{ends.isoformat()}"
    return str(uuid.uuid5(CLOSURE_NAMESPACE, name))


def kind_of(summary: str) -> str | None:
    if INSET_WORDS.search(summary):
        return "inset"
    if CLOSURE_WORDS.search(summary):
        return "closure"
    if HOLIDAY_WORDS.search(summary):
        return "holiday"
    return None


def parse_date(text: str) -> date | None:
    """2027-02-15 or 15/02/2027 (a UK school's spreadsheet)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_csv(text: str, school_id: str, year_id: str) -> Checked:
    """Rows of kind,starts,ends,label under a header line (any order of columns)."""
    checked = Checked()
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in CSV_COLUMNS[:3] if name not in header]
    if missing:
        checked.problem = (
            "Line 1 must name the columns kind, starts, ends and label"
            f" (missing: {', '.join(missing)})."
        )
        return checked
    first, last = bounds(year_id)
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number > MAX_ROWS + 1:
            checked.problem = TOO_MANY
            return checked
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        add_row(checked, number, values, school_id, year_id, (first, last), "csv")
    return checked


def file_kind(name: str, content: bytes) -> str:
    """ "ics" for a calendar (by its name, or its first line), else "csv"."""
    ics = name.lower().endswith(".ics") or content.lstrip().startswith(b"BEGIN:VCALENDAR")
    return "ics" if ics else "csv"


def too_many_dates(content: bytes, kind: str) -> bool:
    """More than MAX_ROWS dates, counted before anything is parsed: an ICS file's
    BEGIN:VEVENT lines, a CSV's lines but its first and the blank ones. icalendar reads a
    whole calendar before its events can be counted, and 512 KB holds thousands."""
    lines = (line.strip(b" \t\r,") for line in content.splitlines())
    if kind == "ics":
        return sum(1 for line in lines if line.upper() == b"BEGIN:VEVENT") > MAX_ROWS
    return sum(1 for line in lines if line) - 1 > MAX_ROWS


def add_row(
    checked: Checked,
    line: int,
    values: dict[str, str],
    school_id: str,
    year_id: str,
    year: tuple[date, date],
    source: str,
) -> None:
    reasons = []
    kind = KIND_NAMES.get(values.get("kind", "").lower())
    if kind is None:
        reasons.append("kind must be holiday, inset or closure")
    starts = parse_date(values.get("starts", ""))
    ends = parse_date(values.get("ends", "") or values.get("starts", ""))
    if starts is None:
        reasons.append("starts is not a date (2027-02-15 or 15/02/2027)")
    if ends is None:
        reasons.append("ends is not a date (2027-02-15 or 15/02/2027)")
    label = values.get("label", "")
    if len(label) > 200:
        reasons.append("label is longer than 200 characters")
    if starts and ends and ends < starts:
        reasons.append("ends before it starts")
    if starts and ends and kind == "inset" and (starts.weekday() > 4 or ends.weekday() > 4):
        reasons.append("an INSET day falls on a weekend")
    if reasons or kind is None or starts is None or ends is None:
        checked.bad.append(Problem(line, reasons))
        return
    if ends < year[0] or starts > year[1]:
        checked.left_out.append(Problem(line, [f"outside {year_id}"]))
        return
    closure_id = closure_id_for(school_id, year_id, kind, starts, ends)
    closure = Closure(closure_id, kind, max(starts, year[0]), min(ends, year[1]), label, source)
    checked.rows.append(Row(line, closure))


def read_ics(content: bytes, school_id: str, year_id: str) -> Checked:
    """Each VEVENT of the calendar, by the line its BEGIN:VEVENT is on. icalendar is
    imported here: the service reads a school's calendar a few times a year, and its 80
    modules would stay in the process all along."""
    from icalendar import Calendar

    checked = Checked()
    text = content.decode("utf-8-sig", errors="replace")
    begins = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "BEGIN:VEVENT"]
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        checked.problem = f"This is not a calendar file (ICS) we can read: {error}."
        return checked
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        checked.problem = "This is not a calendar file (ICS): it has no BEGIN:VCALENDAR."
        return checked
    year = bounds(year_id)
    events = list(calendar.walk("VEVENT"))
    if len(events) > MAX_ROWS:
        checked.problem = TOO_MANY
        return checked
    for index, event in enumerate(events):
        line = begins[index] if index < len(begins) else 0
        summary = str(event.get("SUMMARY", "")).strip()
        try:
            starts, ends = event_days(event)
        except ValueError:  # a broken DTSTART or DTEND
            starts, ends = None, date.min
        if starts is None:
            checked.bad.append(
                Problem(line, ["its dates (DTSTART, DTEND) are missing or not dates"])
            )
            continue
        kind = kind_of(summary)
        if kind is None:
            checked.left_out.append(Problem(line, [f"{summary or 'an event'}: not a closure"]))
            continue
        values = {"kind": kind, "starts": starts.isoformat(), "ends": ends.isoformat()}
        add_row(checked, line, {**values, "label": summary[:200]}, school_id, year_id, year, "ics")
    return checked


def event_days(event: IcsEvent | Any) -> tuple[date | None, date]:
    """The first and last day an event covers (an all-day DTEND is exclusive)."""
    start = event.get("DTSTART")
    if start is None or not hasattr(start, "dt"):
        return None, date.min
    first = start.dt.date() if isinstance(start.dt, datetime) else start.dt
    end = event.get("DTEND")
    if end is None or not hasattr(end, "dt"):
        return first, first
    if isinstance(end.dt, datetime):
        return first, max(first, end.dt.date())
    last = date.fromordinal(end.dt.toordinal() - 1)
    return first, max(first, last)


def against(checked: Checked, held: list[Closure]) -> list[tuple[Row, str]]:
    """Each good row with what saving it would do: "new", or "already there" (same kind
    and dates); a row overlapping a date already there (or an earlier row) becomes bad."""
    shown: list[tuple[Row, str]] = []
    taken = list(held)
    for row in checked.rows:
        closure = row.closure
        if any(closure.same_dates(other) for other in taken):
            shown.append((row, "already there"))
            continue
        clash = next((other for other in taken if closure.overlaps(other)), None)
        if clash is not None:
            what = clash.label or clash.kind
            checked.bad.append(Problem(row.line, [f"overlaps {what} ({clash.starts:%d/%m/%Y})"]))
            continue
        taken.append(closure)
        shown.append((row, "new"))
    checked.bad.sort(key=lambda problem: problem.line)
    return shown
