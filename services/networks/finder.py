"""The slot finder: dates and times for a network's meeting, and why other dates are out.

Pure: everything it knows comes in its arguments (the Calendar of days, the invitees with
their schools, the other meetings booked). A date is out when it is a weekend, a bank
holiday or a PD day, when any invitee's school is shut (out of term, half term, an INSET
day), or when every time of the day clashes with another meeting that a required invitee
is invited to. Each date out says why, in the words a network lead reads: "Half term at 2
schools", "INSET day at Oak Primary", "PD day", "ELG: 3 heads invited", "Bank holiday:
Easter Monday". The options left are ranked to spread the network's meetings across the
year, then by how many of the invitees can come.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from services.networks.calendar import Calendar, Year, days
from services.networks.domain.common import minutes_of

DEFAULT_TIMES = ("16:00",)
"""After school: when a network of teachers meets unless its lead says otherwise."""


@dataclass(frozen=True)
class Window:
    first: date
    last: date


@dataclass(frozen=True)
class Invitee:
    person_id: str
    school_id: str | None
    required: bool = True
    noun: str = "person"
    """What they are to this meeting, singular ("head", "SENCO"): the words of a clash."""


@dataclass(frozen=True)
class Booking:
    """Another meeting on the calendar: who it invites and when."""

    meeting_id: str
    label: str
    """Its short name in a reason ("ELG", "Maths network")."""
    date: date
    starts: str
    ends: str
    people: frozenset[str]


@dataclass(frozen=True)
class Option:
    date: date
    starts: str
    ends: str
    can_come: int
    invited: int
    away: tuple[str, ...] = ()
    """Optional invitees who cannot come (booked elsewhere)."""
    gap_days: int | None = None
    """Days to the network's nearest other meeting (None: it has none)."""


@dataclass(frozen=True)
class Excluded:
    date: date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    options: tuple[Option, ...]
    excluded: tuple[Excluded, ...] = field(default=())


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def end_of(starts: str, minutes: int) -> str | None:
    """The end of a meeting of `minutes` from `starts`, or None past midnight."""
    ends = minutes_of(starts) + minutes
    return hhmm(ends) if ends < 24 * 60 else None


def plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    return "people" if noun == "person" else f"{noun}s"


def day_reasons(day: date, invitees: Sequence[Invitee], calendar: Calendar) -> list[str]:
    """Why nobody should meet on `day` whatever the time: [] when the day is open."""
    if day.weekday() >= 5:
        return ["Weekend"]
    reasons = []
    if day in calendar.bank_holidays:
        reasons.append(f"Bank holiday: {calendar.bank_holidays[day]}")
    if day in calendar.pd_days:
        reasons.append("PD day")
    return reasons + closure_reasons(day, invitees, calendar)


def closure_reasons(day: date, invitees: Sequence[Invitee], calendar: Calendar) -> list[str]:
    """ "INSET day at Oak Primary", "Half term at 2 schools": the invitees' schools shut."""
    shut: dict[str, list[str]] = defaultdict(list)
    invited = sorted({i.school_id for i in invitees if i.school_id})
    for school_id in invited:
        label = calendar.closed.get(school_id, {}).get(day)
        if label:
            shut[label].append(school_id)
    return [where(label, schools, len(invited), calendar) for label, schools in shut.items()]


def where(label: str, schools: list[str], invited: int, calendar: Calendar) -> str:
    if len(schools) == 1:
        return f"{label} at {calendar.school_name(schools[0])}"
    every = "all " if len(schools) == invited and invited > 2 else ""
    return f"{label} at {every}{len(schools)} schools"


def overlaps(booking: Booking, starts: str, ends: str) -> bool:
    return booking.starts < ends and starts < booking.ends


def clash_reason(label: str, shared: Sequence[Invitee]) -> str:
    """ "ELG: 3 heads invited": the other meeting and who of ours it invites."""
    nouns = {i.noun for i in shared}
    noun = nouns.pop() if len(nouns) == 1 else "person"
    return f"{label}: {len(shared)} {plural(noun, len(shared))} invited"


def clashes(
    starts: str, ends: str, invitees: Sequence[Invitee], bookings: Sequence[Booking]
) -> tuple[list[str], set[str]]:
    """Reasons the time is out (a booking shares a required invitee), and who is away."""
    reasons: list[str] = []
    away: set[str] = set()
    for booking in bookings:
        if not overlaps(booking, starts, ends):
            continue
        shared = [i for i in invitees if i.person_id in booking.people]
        away.update(i.person_id for i in shared)
        if any(i.required for i in shared):
            reasons.append(clash_reason(booking.label, shared))
    return reasons, away


def by_date(bookings: Sequence[Booking], skip: str | None = None) -> Mapping[date, list[Booking]]:
    found: dict[date, list[Booking]] = defaultdict(list)
    for booking in bookings:
        if booking.meeting_id != skip:
            found[booking.date].append(booking)
    return found


def find_dates(
    window: Window,
    minutes: int,
    invitees: Sequence[Invitee],
    calendar: Calendar,
    busy: Sequence[Booking] = (),
    held: Sequence[date] = (),
    times: Sequence[str] = DEFAULT_TIMES,
    spacing: int = 0,
    meeting_id: str | None = None,
) -> Proposal:
    """Options in `window` for a meeting of `minutes` starting at one of `times`, best
    first, and each date left out with its reasons.

    `busy`: other meetings (this one, `meeting_id`, is ignored); `held`: the dates of the
    network's other meetings this year, held or planned; `spacing`: the days its cadence
    wants between meetings (0: spread is not considered).
    """
    bookings = by_date(busy, skip=meeting_id)
    slots = [(t, end) for t in sorted(set(times)) if (end := end_of(t, minutes))]
    options: list[Option] = []
    excluded: list[Excluded] = []
    for day in days(window.first, window.last):
        reasons = day_reasons(day, invitees, calendar)
        if not reasons:
            found, reasons = day_options(day, slots, invitees, bookings.get(day, []))
            options += [spread(option, held, spacing) for option in found]
        if reasons:
            excluded.append(Excluded(day, tuple(dict.fromkeys(reasons))))
    return Proposal(tuple(sorted(options, key=rank(spacing))), tuple(excluded))


def day_options(
    day: date,
    slots: Sequence[tuple[str, str]],
    invitees: Sequence[Invitee],
    bookings: list[Booking],
) -> tuple[list[Option], list[str]]:
    """The times of an open day, or (when every time clashes) the clashes as reasons."""
    found, reasons = [], []
    for starts, ends in slots:
        clash, away = clashes(starts, ends, invitees, bookings)
        if clash:
            reasons += clash
            continue
        can_come = len(invitees) - len(away)
        found.append(Option(day, starts, ends, can_come, len(invitees), tuple(sorted(away))))
    return found, ([] if found else reasons)


def spread(option: Option, held: Sequence[date], spacing: int) -> Option:
    if not held:
        return option
    gap = min(abs((option.date - other).days) for other in held)
    return Option(**{**option.__dict__, "gap_days": gap})


def rank(spacing: int) -> Callable[[Option], tuple[float, float, date, str]]:
    """Best first: far from the network's other meetings (up to the spacing its cadence
    wants: beyond that, no better), then most can come, then earliest."""

    def key(option: Option) -> tuple[float, float, date, str]:
        if spacing <= 0 or option.gap_days is None:
            spread_score = 1.0
        else:
            spread_score = min(option.gap_days, spacing) / spacing
        come = option.can_come / option.invited if option.invited else 1.0
        return (-round(spread_score, 2), -come, option.date, option.starts)

    return key


def one_slot(
    day: date,
    starts: str,
    ends: str,
    invitees: Sequence[Invitee],
    calendar: Calendar,
    busy: Sequence[Booking] = (),
    meeting_id: str | None = None,
) -> list[str]:
    """Everything wrong with one date and time: the re-check of a confirmation, a booking
    or a move (and a clash alert). A clash with a meeting sharing any invitee counts."""
    reasons = day_reasons(day, invitees, calendar)
    for booking in by_date(busy, skip=meeting_id).get(day, []):
        shared = [i for i in invitees if i.person_id in booking.people]
        if shared and overlaps(booking, starts, ends):
            reasons.append(clash_reason(booking.label, shared))
    return list(dict.fromkeys(reasons))


CADENCE_SPACING = {"per_year": 365, "per_term": 70, "fortnightly": 14}
"""The days a cadence's whole span covers; divided by its count, the spacing it wants."""


def spacing_for(rule: str, count: int, year: Year | None = None) -> int:
    """The days the cadence wants between two meetings (a year's term time split evenly)."""
    if rule == "fortnightly":
        return 14
    if year is not None and year.terms:
        span = (year.terms[-1].ends - year.terms[0].starts).days
        per = span if rule == "per_year" else span // len(year.terms)
    else:
        per = CADENCE_SPACING.get(rule, 365)
    return max(1, per // max(1, count))


def parts(first: date, last: date, count: int) -> list[Window]:
    """`first`..`last` cut into `count` spans as even as whole days allow."""
    span = (last - first).days + 1
    edges = [first + timedelta(days=span * k // count) for k in range(count + 1)]
    return [Window(a, b - timedelta(days=1)) for a, b in pairwise(edges)]


def suggest_window(
    today: date, rule: str, count: int, year: Year | None, held: Sequence[date] = ()
) -> Window:
    """Where to look next: the next share of the year (per_year N: a third of its term time
    for 3) or of a term (per_term N) that has no meeting of the network yet, from tomorrow;
    a fortnight for a fortnightly network, or six weeks when nothing else fits."""
    tomorrow = today + timedelta(days=1)
    fallback = Window(tomorrow, tomorrow + timedelta(days=41))
    if rule == "fortnightly" or year is None or not year.terms:
        return (
            Window(tomorrow, tomorrow + timedelta(days=13)) if rule == "fortnightly" else fallback
        )
    if rule == "per_year":
        shares = parts(year.terms[0].starts, year.terms[-1].ends, max(1, count))
    else:
        shares = [w for t in year.terms for w in parts(t.starts, t.ends, max(1, count))]
    for share in shares:
        if share.last < tomorrow:
            continue
        if not any(share.first <= d <= share.last for d in held):
            return Window(max(share.first, tomorrow), share.last)
    return fallback
