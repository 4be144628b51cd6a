"""A PD day's lists as files to download: the programme, the bookings, the registers and who
has not booked, each as CSV (the standard library) or XLSX (XlsxWriter: fast, no
dependencies; the tests read the files back with openpyxl). Names are typed by people, so a
cell is never left for a spreadsheet to run as a formula (docs/exports.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row
from werkzeug.wrappers import Response

from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays import reports
from services.trustdays.events import AUDIENCES, COMMUNITIES, MARKS, MODES, SLOT_KINDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def spreadsheet_safe(text: str) -> str:
    """A CSV cell Excel will not run as a formula (an imported name can start with '=')."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def as_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
    return out.getvalue().encode("utf-8-sig")  # Excel reads UTF-8 names right with the BOM


def as_xlsx(sheet: Sheet) -> bytes:
    """One worksheet. No string is ever taken for a formula, a number or a link, and a
    text that starts like a formula is marked as typed with a leading quote (Excel's own
    quote prefix), so '=cmd' is shown as written and stays text even after an edit.
    XlsxWriter is imported here, by the worker that makes a file: not in every page's process."""
    from xlsxwriter import Workbook

    out = io.BytesIO()
    book = Workbook(out, XLSX_OPTIONS)
    worksheet = book.add_worksheet(sheet.title[:31])
    quoted = book.add_format({"quote_prefix": True})
    worksheet.write_row(0, 0, sheet.header, book.add_format({"bold": True}))
    for r, row in enumerate(sheet.rows, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, str):
                worksheet.write_string(r, c, cell, quoted if cell[:1] in FORMULA_STARTS else None)
            elif cell is not None:
                worksheet.write(r, c, cell)
    book.close()
    return out.getvalue()


FORMATS: dict[str, tuple[Callable[[Sheet], bytes], str]] = {
    "csv": (as_csv, "text/csv"),
    "xlsx": (as_xlsx, XLSX),
}


def download(sheet: Sheet, fmt: str, filename: str) -> Response:
    write, mimetype = FORMATS[fmt]
    return Response(
        write(sheet),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


def programme(engine: Engine, day: Row, only: frozenset[str] | None) -> Sheet:
    header = (
        "Starts",
        "Ends",
        "Slot",
        "Session",
        "Community",
        "Leader",
        "Room",
        "For",
        "Seats",
        "Booked",
        "Waiting",
        "Status",
    )
    rows: list[Sequence[Any]] = []
    for view in pd_queries.timetable(engine, day.day_id):
        slot = view.slot
        if slot.kind == "keynote":
            keynote = [slot.starts, slot.ends, SLOT_KINDS[slot.kind], slot.title, "", slot.speaker]
            rows.append([*keynote, day.venue, "All staff"])
        rows.extend(session_line(slot, s) for s in view.sessions)
    return Sheet("Programme", header, [pad(row, len(header)) for row in rows])


def session_line(slot: Row, s: Row) -> list[Any]:
    where = s.room if s.mode == "in_person" else MODES.get(s.mode, s.mode)
    return [
        slot.starts,
        slot.ends,
        slot.title,
        s.title,
        COMMUNITIES.get(s.community, s.community),
        s.leader_name,
        where,
        AUDIENCES.get(s.audience, s.audience),
        s.capacity,
        s.booked,
        s.waiting,
        "Cancelled" if s.status == "cancelled" else "Open",
    ]


def pad(row: Sequence[Any], width: int) -> list[Any]:
    return [*row, *([""] * (width - len(row)))]


def bookings(engine: Engine, day: Row, only: frozenset[str] | None) -> Sheet:
    header = ("School", "Name", "Email", "Job title", "Starts", "Ends", "Session", "Room", "Place")
    rows = [
        [
            p.school,
            p.name,
            p.email,
            p.job_title,
            p.starts,
            p.ends,
            p.title,
            p.room,
            "Seat" if p.place == "seat" else "Waitlist",
        ]
        for p in reports.places_on(engine, day.day_id, only)
    ]
    return Sheet("Bookings", header, rows)


def registers(engine: Engine, day: Row, only: frozenset[str] | None) -> Sheet:
    header = (
        "Starts",
        "Ends",
        "Session",
        "Room",
        "Leader",
        "Name",
        "School",
        "Job title",
        "Mark",
        "Walk-in",
    )
    rows = [
        [
            r.starts,
            r.ends,
            r.title,
            r.room,
            r.leader_name,
            r.name,
            r.school,
            r.job_title,
            MARKS.get(r.mark or "", ""),
            "Yes" if r.walk_in else "",
        ]
        for r in reports.registers_of(engine, day.day_id, only)
    ]
    return Sheet("Registers", header, rows)


def not_booked(report: reports.DayReport) -> Sheet:
    header = ("School", "Name", "Email", "Job title", "Slots booked", "Slots")
    slots = report.slot_ids
    rows: Iterable[Sequence[Any]] = (
        [p.school, p.name, p.email, p.job_title, p.taken(slots), len(slots)]
        for p in report.not_booked()
    )
    return Sheet("Not booked", header, list(rows))


TABLES: dict[str, Callable[[Engine, Row, frozenset[str] | None], Sheet]] = {
    "programme": programme,
    "bookings": bookings,
    "registers": registers,
}
"""The exports of the overview, by the name in their address."""
