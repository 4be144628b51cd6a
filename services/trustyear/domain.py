"""The trust year's deciders: the year's terms (`YearDecider`, one aggregate a year, set by
the trust) and each school's part of a year (`SchoolYearDecider`: its own terms and its
closures, set by the school's office or imported from its calendar). Pure: no I/O.

A year runs from 1 August to 31 August of the next year at the widest ("2026-27": from
2026-08-01 to 2027-08-31), so every date of it is inside those bounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from events import CommandRejected, Decider, Event
from events.decider import Fact
from services.trustyear.events import CLOSURE_KINDS, TERM_COUNTS, year_span


@dataclass(frozen=True)
class Term:
    term: int
    name: str
    starts: date
    ends: date


@dataclass(frozen=True)
class Closure:
    closure_id: str
    kind: str
    starts: date
    ends: date
    label: str
    source: str = "page"

    def overlaps(self, other: Closure) -> bool:
        return self.starts <= other.ends and other.starts <= self.ends

    def same_dates(self, other: Closure) -> bool:
        return (self.kind, self.starts, self.ends) == (other.kind, other.starts, other.ends)


def bounds(year_id: str) -> tuple[date, date]:
    """The widest a year can be (`year_span`); a 422 for a string that is not a year."""
    span = year_span(year_id)
    if span is None:
        raise CommandRejected("unknown_year", f"{year_id!r} is not a year like 2026-27.", 422)
    return span


def check_terms(terms: Sequence[Term], first: date, last: date, allowed: Sequence[int]) -> None:
    """Terms numbered 1..n (n allowed), in order, each inside first..last, none overlapping."""
    if len(terms) not in allowed:
        counts = " or ".join(str(n) for n in allowed if n)
        raise CommandRejected("term_count", f"A year has {counts} terms.", 422)
    for number, term in enumerate(terms, start=1):
        if term.term != number:
            raise CommandRejected("terms_in_order", "Number the terms 1, 2, 3... in order.", 422)
        if term.ends < term.starts:
            raise CommandRejected("term_ends_first", f"{term.name} ends before it starts.", 422)
        if term.starts < first or term.ends > last:
            raise CommandRejected("term_outside_year", f"{term.name} is outside the year.", 422)
    for before, after in itertools.pairwise(terms):
        if after.starts <= before.ends:
            message = f"{after.name} starts before {before.name} ends."
            raise CommandRejected("terms_overlap", message, 422)


def terms_data(terms: Sequence[Term]) -> list[dict]:
    return [asdict(term) for term in terms]


def terms_of(data: Sequence[Mapping]) -> tuple[Term, ...]:
    return tuple(Term(**term) for term in data)


# The trust's year
@dataclass(frozen=True)
class Year:
    year_id: str
    starts: date
    ends: date
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class SetYear:
    year: Year


class YearDecider(Decider[Year | None, SetYear]):
    def initial_state(self) -> Year | None:
        return None

    def decide(self, command: SetYear, state: Year | None) -> Sequence[Event]:
        year = command.year
        first, last = bounds(year.year_id)
        if not first <= year.starts < year.ends <= last:
            message = f"The year {year.year_id} runs inside {first:%d %B %Y} to {last:%d %B %Y}."
            raise CommandRejected("year_outside_bounds", message, 422)
        check_terms(year.terms, year.starts, year.ends, TERM_COUNTS)
        if state == year:
            return []
        data = {**asdict(year), "terms": terms_data(year.terms)}
        return [Event("YearSet", data)]

    def evolve(self, state: Year | None, event: Fact) -> Year | None:
        if event.type != "YearSet":
            return state
        data = event.data
        return Year(data["year_id"], data["starts"], data["ends"], terms_of(data["terms"]))


# A school's year
@dataclass(frozen=True)
class SchoolYear:
    terms: tuple[Term, ...] = ()
    """The school's own terms; () follows the trust's."""
    closures: Mapping[str, Closure] = field(default_factory=dict)


@dataclass(frozen=True)
class SetSchoolTerms:
    school_id: str
    year_id: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class AddClosures:
    """One closure from the page, or an imported file's: all or none. A closure with the
    same kind and dates as one already there is left out (importing a file again adds
    nothing)."""

    school_id: str
    year_id: str
    closures: tuple[Closure, ...]


@dataclass(frozen=True)
class RemoveClosure:
    school_id: str
    year_id: str
    closure_id: str


SchoolCommand = SetSchoolTerms | AddClosures | RemoveClosure


class SchoolYearDecider(Decider[SchoolYear, SchoolCommand]):
    def initial_state(self) -> SchoolYear:
        return SchoolYear()

    def decide(self, command: SchoolCommand, state: SchoolYear) -> Sequence[Event]:
        first, last = bounds(command.year_id)
        key = {"school_id": command.school_id, "year_id": command.year_id}
        match command:
            case SetSchoolTerms(terms=terms):
                check_terms(terms, first, last, (0, *TERM_COUNTS))
                if terms == state.terms:
                    return []
                return [Event("SchoolTermsSet", {**key, "terms": terms_data(terms)})]
            case AddClosures(closures=closures):
                added = new_closures(closures, state, first, last)
                return [Event("ClosureAdded", {**key, **asdict(c)}) for c in added]
            case RemoveClosure(closure_id=closure_id):
                if closure_id not in state.closures:
                    raise CommandRejected("unknown_closure", "There is no such date.", 404)
                return [Event("ClosureRemoved", {**key, "closure_id": closure_id})]
        raise TypeError(f"not a school year command: {command!r}")

    def evolve(self, state: SchoolYear, event: Fact) -> SchoolYear:
        data = event.data
        match event.type:
            case "SchoolTermsSet":
                return replace(state, terms=terms_of(data["terms"]))
            case "ClosureAdded":
                fields = ("closure_id", "kind", "starts", "ends", "label", "source")
                closure = Closure(**{name: data[name] for name in fields})
                return replace(state, closures={**state.closures, closure.closure_id: closure})
            case "ClosureRemoved":
                rest = {k: v for k, v in state.closures.items() if k != data["closure_id"]}
                return replace(state, closures=rest)
        return state


def new_closures(
    closures: Sequence[Closure], state: SchoolYear, first: date, last: date
) -> list[Closure]:
    """The closures to add: each checked, those already there (same kind and dates) left
    out; overlapping another is refused, so a day is never closed twice over."""
    added: list[Closure] = []
    for closure in closures:
        check_closure(closure, first, last)
        held = [*state.closures.values(), *added]
        if any(closure.same_dates(other) for other in held) or closure.closure_id in state.closures:
            continue
        clash = next((other for other in held if closure.overlaps(other)), None)
        if clash is not None:
            message = f"{closure.label or CLOSURE_KINDS[closure.kind]} overlaps {clash.label}."
            raise CommandRejected("closures_overlap", message, 409)
        added.append(closure)
    return added


def check_closure(closure: Closure, first: date, last: date) -> None:
    if closure.kind not in CLOSURE_KINDS:
        raise CommandRejected("unknown_kind", f"There is no kind {closure.kind!r}.", 422)
    if closure.ends < closure.starts:
        raise CommandRejected("closure_ends_first", "The last day is before the first.", 422)
    if closure.starts < first or closure.ends > last:
        raise CommandRejected("closure_outside_year", "That date is outside the year.", 422)
    if closure.kind == "inset" and (closure.starts.weekday() > 4 or closure.ends.weekday() > 4):
        raise CommandRejected("inset_on_a_weekend", "An INSET day is a school day.", 422)
