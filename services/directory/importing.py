"""Checking a staff list exported from a school's MIS (CSV) before anything is imported.

Every row is checked first; the report lists each bad row with its line and reasons.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field

from events import registry
from services.directory.domain import Directory, Person, Scope, import_refusal, person_id_for
from services.directory.events import CATEGORIES

HEADERS = {
    "first_name": ("first name", "firstname", "forename", "legal forename", "preferred forename"),
    "last_name": ("last name", "lastname", "surname", "legal surname", "preferred surname"),
    "name": ("name", "full name", "staff name"),
    "email": ("email", "work email", "email address", "school email"),
    "school": ("school", "urn", "school urn", "school name", "establishment"),
    "category": ("category", "staff category", "staff type", "role type"),
    "job_title": ("job title", "title", "post", "role", "job"),
    "subjects": ("subjects", "subject", "phase", "subjects or phase"),
}
FIELD_NAMES = {"name": "name", "email": "email", "job_title": "job title", "subjects": "subjects"}
MAX_ROWS = 2_000
"""People a file may hold: an import is one message of about 400 bytes an event, well
inside NATS's 1 MB (a larger trust's export is split by school)."""
TOO_MANY = f"A staff file holds at most {MAX_ROWS:,} people: split it by school and import each."


def too_many_rows(content: bytes) -> bool:
    """More than MAX_ROWS people, counted before anything is read: the file's lines but its
    first and the blank ones (checking every row of a 10 MB file first took seconds)."""
    lines = (line.strip(b" \t\r,") for line in content.splitlines())
    return sum(1 for line in lines if line) - 1 > MAX_ROWS


@dataclass(frozen=True)
class BadRow:
    line: int
    email: str
    reasons: list[str]


@dataclass
class CheckedFile:
    good: list[Person] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    schools: set[str] = field(default_factory=set)
    """The schools the file speaks for: their staff missing from it have left."""
    problem: str | None = None
    """What makes the whole file unreadable, if anything."""


def column_names(header: list[str]) -> dict[str, int]:
    """Our field for each column we recognise, by any of its usual spellings."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        spelled = " ".join(title.strip().lower().replace("_", " ").split())
        for name, spellings in HEADERS.items():
            if spelled in spellings and name not in found:
                found[name] = index
    return found


def check_file(text: str, directory: Directory, may_import: Scope) -> CheckedFile:
    """Check every row; `may_import` is the schools the importer may import for (None: all)."""
    checked = CheckedFile()
    try:
        rows = list(_rows(text.lstrip("\ufeff")))
    except UnreadableLine as error:
        checked.problem = str(error)
        return checked
    if not rows:
        checked.problem = "The file is empty."
        return checked
    columns = column_names(rows[0])
    missing = [n for n in ("email", "school") if n not in columns]
    if "name" not in columns and not {"first_name", "last_name"} <= set(columns):
        missing.append("name (or first name and last name)")
    if missing:
        checked.problem = f"The file has no column for: {', '.join(missing)}."
        return checked
    schools = _school_lookup(directory)
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: _cell(row, index) for name, index in columns.items()}
        person, reasons = _person(values, schools, directory)
        key = values["email"].lower()
        if key and key in seen:
            reasons.append(f"duplicate email (also on line {seen[key]})")
        seen.setdefault(key, line)
        if person is not None:
            refusal = import_refusal(person, directory, may_import)
            reasons += [refusal] if refusal else []
        if reasons or person is None:
            checked.bad.append(BadRow(line, values["email"], reasons))
        else:
            checked.good.append(person)
            checked.schools.add(person.school_id or "")
    return checked


class UnreadableLine(ValueError):
    """A line the CSV reader cannot read at all (a cell over the size limit, say)."""


def _rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            raise UnreadableLine(f"Line {line} cannot be read as CSV ({error}).") from None


def _school_lookup(directory: Directory) -> Mapping[str, str]:
    lookup = {school.urn: school.school_id for school in directory.schools.values()}
    lookup.update({s.name.lower(): s.school_id for s in directory.schools.values()})
    return lookup


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _person(
    values: dict[str, str], schools: Mapping[str, str], directory: Directory
) -> tuple[Person | None, list[str]]:
    reasons = []
    name = values.get("name") or " ".join(
        part for part in (values.get("first_name"), values.get("last_name")) if part
    )
    email = values["email"]
    if not name:
        reasons.append("missing name")
    if not email:
        reasons.append("missing email")
    school_id = schools.get(values["school"]) or schools.get(values["school"].lower())
    if school_id is None:
        reasons.append(
            f"unknown school {values['school']!r}" if values["school"] else "missing school"
        )
    category = (values.get("category") or "teaching").lower()
    if category not in CATEGORIES:
        reasons.append(f"unknown category {category!r} (use {', '.join(CATEGORIES)})")
    if reasons:
        return None, reasons
    existing = directory.person_by_email(email)
    subjects = tuple(s.strip() for s in values.get("subjects", "").split(";") if s.strip())
    person = Person(
        person_id=existing.person_id if existing else _new_id(email, directory),
        name=name,
        email=existing.email if existing else email,
        school_id=school_id,
        category=category,
        job_title=values.get("job_title", ""),
        subjects=subjects,
    )
    return person, _schema_reasons(person)


def _new_id(email: str, directory: Directory) -> str:
    """The id of a new person from their email; another if someone who once had this email
    already holds it (the row must not become theirs)."""
    person_id, taken = person_id_for(email), 1
    while person_id in directory.people:
        taken += 1
        person_id = person_id_for(f"{email}#{taken}")
    return person_id


def _schema_reasons(person: Person) -> list[str]:
    """What the event's own schema refuses: the import decides nothing it would not take."""
    record = {**asdict(person), "subjects": list(person.subjects)}
    errors = registry.validate("PersonJoined", record)
    return [f"invalid {FIELD_NAMES.get(name, name.replace('_', ' '))}" for name in errors]
