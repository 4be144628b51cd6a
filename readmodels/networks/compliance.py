"""The compliance board: for each network and each term of a year, the meetings held (with
a register), planned and required by its cadence, whether the remaining terms can still fit
the meetings it needs, and which schools were not represented at its last two meetings.

Counted as meetings: the network's confirmed meetings, and the PD-day sessions that are the
network's (`pd_sessions.network_id`, on a published day, not cancelled). A meeting is *held*
once its register is taken, *planned* while its date is today or later, and *unrecorded*
when its date has passed without a register (it counts for nothing until one is taken).

Required: `per_term` networks need their count each term; `fortnightly` ones a meeting in
every fortnight of each term (a term of 6 weeks needs 3); `per_year` ones their count over
the year (no term's own). No network meets more often than once a fortnight, so a term can
still fit one meeting for every fortnight (or part of one) left in it: a network is *at
risk* when the meetings it still needs (and has not planned) outnumber those fortnights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Row, select

from readmodels.directory.tables import people
from readmodels.networks.queries import member_rows, school_names
from readmodels.networks.tables import network_marks, network_meetings, networks
from readmodels.trustdays.tables import pd_days, pd_marks, pd_sessions
from readmodels.trustyear.tables import year_terms

FORTNIGHT = 14
SCHOOL_TIME = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Term:
    term: int
    name: str
    starts: date
    ends: date

    def fortnights(self) -> int:
        return max(1, ((self.ends - self.starts).days + 1) // FORTNIGHT)

    def fortnights_left(self, today: date) -> int:
        """Fortnights (or a part of one) still ahead in the term, today included."""
        if today > self.ends:
            return 0
        days = (self.ends - max(today, self.starts)).days + 1
        return -(-days // FORTNIGHT)


@dataclass
class TermCell:
    term: Term
    held: int = 0
    planned: int = 0
    unrecorded: int = 0
    required: int | None = None
    status: str | None = None
    """done, planned, to_plan, at_risk, missed; None for a per-year network's term."""


@dataclass
class NetworkCompliance:
    network: Row
    cells: list[TermCell]
    year_required: int = 0
    at_risk: str | None = None
    """Why the network cannot meet as often as it must this year, if it cannot."""
    missed: list[str] = field(default_factory=list)
    unrepresented: list[str] = field(default_factory=list)
    """The names of member schools with nobody present at either of the last two meetings."""

    @property
    def held(self) -> int:
        return sum(cell.held for cell in self.cells)

    @property
    def planned(self) -> int:
        return sum(cell.planned for cell in self.cells)


@dataclass
class Board:
    year_id: str
    terms: list[Term]
    rows: list[NetworkCompliance]


@dataclass(frozen=True)
class Held:
    """One meeting as the board counts it."""

    network_id: str
    day: date
    starts: str
    registered: bool
    present_schools: frozenset[str]


def terms_of(engine: Engine, year_id: str) -> list[Term]:
    query = select(year_terms).where(year_terms.c.year_id == year_id).order_by(year_terms.c.term)
    with engine.connect() as connection:
        return [Term(r.term, r.name, r.starts, r.ends) for r in connection.execute(query)]


def term_of(terms: list[Term], day: date) -> Term | None:
    """The term a date falls in; a date in a holiday belongs to the term after it."""
    if not terms or day > terms[-1].ends or day < terms[0].starts:
        return None
    return next(term for term in terms if day <= term.ends)


def compliance(engine: Engine, year_id: str, today: date, kind: str | None = None) -> Board:
    """The board for a year: every open network (of `kind`, if given) by name."""
    terms = terms_of(engine, year_id)
    query = select(networks).where(networks.c.status == "open").order_by(networks.c.name)
    if kind:
        query = query.where(networks.c.kind == kind)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not terms:
        return Board(year_id, terms, [NetworkCompliance(row, []) for row in rows])
    first, last = terms[0].starts, terms[-1].ends
    meetings = meetings_in(engine, first, last) + pd_sessions_in(engine, first, last)
    by_network: dict[str, list[Held]] = defaultdict(list)
    for meeting in meetings:
        by_network[meeting.network_id].append(meeting)
    member_schools = schools_of_members(engine)
    names = school_names(engine)
    board = []
    for row in rows:
        line = network_line(row, terms, by_network[row.network_id], today)
        missing = unrepresented(by_network[row.network_id], member_schools[row.network_id])
        line.unrepresented = sorted(names.get(s, s) for s in missing)
        board.append(line)
    return Board(year_id, terms, board)


def meetings_in(engine: Engine, first: date, last: date) -> list[Held]:
    m, marked = network_meetings.c, network_marks.c
    dated = (m.status == "confirmed", m.date >= first, m.date <= last)
    query = select(m.meeting_id, m.network_id, m.date, m.starts).where(*dated)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        marks = connection.execute(
            select(marked.meeting_id, marked.school_id, marked.mark)
            .join(network_meetings, m.meeting_id == marked.meeting_id)
            .where(*dated)
        ).all()
    taken: set[str] = set()
    present: dict[str, set[str]] = defaultdict(set)
    for mark in marks:
        taken.add(mark.meeting_id)
        if mark.mark == "present" and mark.school_id:
            present[mark.meeting_id].add(mark.school_id)
    return [
        Held(
            r.network_id,
            r.date,
            r.starts or "",
            r.meeting_id in taken,
            frozenset(present[r.meeting_id]),
        )
        for r in rows
    ]


def pd_sessions_in(engine: Engine, first: date, last: date) -> list[Held]:
    """The networks' sessions on PD days: meetings too, with the PD day's register."""
    s = pd_sessions.c
    query = (
        select(s.session_id, s.network_id, pd_days.c.date)
        .join(pd_days, pd_days.c.day_id == s.day_id)
        .where(s.network_id.is_not(None), s.status == "open", pd_days.c.status == "published")
        .where(pd_days.c.date >= first, pd_days.c.date <= last)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        ids = [row.session_id for row in rows]
        marks = connection.execute(
            select(pd_marks.c.session_id, pd_marks.c.mark, people.c.school_id)
            .outerjoin(people, people.c.person_id == pd_marks.c.person_id)
            .where(pd_marks.c.session_id.in_(ids))
        ).all()
    taken: set[str] = set()
    present: dict[str, set[str]] = defaultdict(set)
    for mark in marks:
        taken.add(mark.session_id)
        if mark.mark in ("present", "late") and mark.school_id:
            present[mark.session_id].add(mark.school_id)
    return [
        Held(r.network_id, r.date, "", r.session_id in taken, frozenset(present[r.session_id]))
        for r in rows
    ]


def schools_of_members(engine: Engine) -> dict[str, set[str]]:
    """Network id -> the schools its members are at (by their post, else the directory)."""
    members = member_rows().subquery()
    query = (
        select(members.c.network_id, members.c.school_id, people.c.school_id.label("own"))
        .select_from(members)
        .outerjoin(people, people.c.person_id == members.c.person_id)
        .where(people.c.status.is_(None) | (people.c.status == "active"))
    )
    found: dict[str, set[str]] = defaultdict(set)
    with engine.connect() as connection:
        for row in connection.execute(query):
            school = row.school_id or row.own
            if school:
                found[row.network_id].add(school)
    return found


def unrepresented(meetings: Iterable[Held], member_schools: set[str]) -> set[str]:
    """Member schools with nobody present at either of the network's last two meetings with
    a register (none until two have been held)."""
    held = sorted((m for m in meetings if m.registered), key=lambda m: (m.day, m.starts))
    if len(held) < 2:
        return set()
    there = held[-1].present_schools | held[-2].present_schools
    return member_schools - there


def required_in(network: Row, term: Term) -> int | None:
    """What the term owes by the network's cadence; nothing for a term that was over before
    the network was formed in Staffroom (nobody could have recorded its meetings)."""
    if term.ends < network.formed_at.astimezone(SCHOOL_TIME).date():
        return None
    if network.cadence_rule == "per_term":
        return int(network.cadence_count)
    if network.cadence_rule == "fortnightly":
        return term.fortnights()
    return None


def network_line(
    network: Row, terms: list[Term], meetings: list[Held], today: date
) -> NetworkCompliance:
    cells = {term.term: TermCell(term, required=required_in(network, term)) for term in terms}
    for meeting in meetings:
        term = term_of(terms, meeting.day)
        if term is None:
            continue
        cell = cells[term.term]
        if meeting.registered:
            cell.held += 1
        elif meeting.day >= today:
            cell.planned += 1
        else:
            cell.unrecorded += 1
    line = NetworkCompliance(network, list(cells.values()))
    for cell in line.cells:
        cell.status = cell_status(cell, today)
    if network.cadence_rule == "per_year":
        line.year_required = int(network.cadence_count)
        line.at_risk = year_at_risk(line, today)
    else:
        line.year_required = sum(cell.required or 0 for cell in line.cells)
        line.missed = [
            f"{c.term.name}: held {c.held} of {c.required}"
            for c in line.cells
            if c.status == "missed"
        ]
        risky = [c for c in line.cells if c.status == "at_risk"]
        line.at_risk = term_risk(risky[0], today) if risky else None
    return line


def cell_status(cell: TermCell, today: date) -> str | None:
    if cell.required is None:
        return None
    if cell.held >= cell.required:
        return "done"
    if today > cell.term.ends:
        return "missed"
    if cell.held + cell.planned >= cell.required:
        return "planned"
    short = cell.required - cell.held - cell.planned
    return "at_risk" if short > cell.term.fortnights_left(today) else "to_plan"


def term_risk(cell: TermCell, today: date) -> str:
    short = (cell.required or 0) - cell.held - cell.planned
    left = cell.term.fortnights_left(today)
    needs = plural(short, "more meeting")
    return f"{cell.term.name} needs {needs} with {plural(left, 'fortnight')} left"


def year_at_risk(line: NetworkCompliance, today: date) -> str | None:
    """A per-year network: the meetings it still needs against the fortnights left."""
    short = line.year_required - line.held - line.planned
    if short <= 0:
        return None
    left = sum(cell.term.fortnights_left(today) for cell in line.cells)
    if left == 0:
        return f"Held {line.held} of {line.year_required} this year"
    if short > left:
        return f"Needs {plural(short, 'more meeting')} with {plural(left, 'fortnight')} left"
    return None


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
