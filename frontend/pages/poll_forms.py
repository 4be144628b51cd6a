"""The date poll's forms: the window the finder suggests from a network's cadence, the
options an organiser ticks, the invitees (required, optional or not invited), the deadline,
and a vote (one tap per option, the other answers carried along).

Everything here is pure: a form in, a body for the networks service and field errors out.
Times are UK wall-clock time ("HH:MM" and a naive deadline), never UTC (docs/networks.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from events.school_dates import school_date, school_moment
from frontend.numbers import number_in, whole_number

Form = Mapping[str, str]
Errors = dict[str, str]
SCHOOL_WEEKS = 39
"""Teaching weeks in an English school year: the spread of a network's meetings."""
MIN_MINUTES, MAX_MINUTES = 15, 8 * 60
DEADLINE_DAYS = 7
"""A poll's deadline, unless the organiser says otherwise: a week from now at 17:00 ..."""
DEADLINE_BEFORE = 2
"""... but at least this many days before the earliest option."""
ANSWER_PREFIX = "answer-"
"""A vote form's field for each option: `answer-<option_id>` holds its current answer."""


def text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def window_weeks(rule: str, count: int) -> int:
    """How many weeks a poll's window spans: a fortnightly network two, a network that
    meets n times a term or year its share of the school weeks, halved so the options are
    near each other, between two and eight weeks."""
    if rule == "fortnightly":
        return 2
    meetings_a_year = max(1, count) * (6 if rule == "per_term" else 1)
    return max(2, min(8, SCHOOL_WEEKS // meetings_a_year // 2))


def suggested_window(today: date, rule: str, count: int) -> tuple[date, date]:
    """From the Monday after next (time for the poll to run) for `window_weeks`, to a Friday."""
    next_monday = today + timedelta(days=7 - today.weekday())
    first = next_monday + timedelta(days=7)
    last = first + timedelta(weeks=window_weeks(rule, count)) - timedelta(days=3)
    return first, last


@dataclass(frozen=True)
class Window:
    first: date
    last: date
    minutes: int


def window(form: Form, suggested: Window) -> tuple[Window, Errors]:
    """The finder's window and length from the query; blanks take the suggestion."""
    errors: Errors = {}
    first = school_date(text(form, "first")) if text(form, "first") else suggested.first
    last = school_date(text(form, "last")) if text(form, "last") else suggested.last
    if first is None:
        errors["first"] = "Give the first day, like 2027-01-11."
    if last is None:
        errors["last"] = "Give the last day, like 2027-02-05."
    if first and last and last < first:
        errors["last"] = "The last day comes on or after the first."
    if first and last and (last - first).days > 366:
        errors["last"] = "Look at most a year ahead."
    minutes = number_in(text(form, "minutes") or str(suggested.minutes), MIN_MINUTES, MAX_MINUTES)
    if minutes is None:
        errors["minutes"] = f"Give the meeting's length in minutes, {MIN_MINUTES} to {MAX_MINUTES}."
    if errors:
        return suggested, errors
    assert first and last and minutes is not None
    return Window(first, last, minutes), {}


def option_value(day: date | str, starts: str, ends: str) -> str:
    """An option as a checkbox carries it: "2027-01-12@16:00-17:30"."""
    return f"{day}@{starts}-{ends}"


def parse_option(value: str) -> dict[str, str] | None:
    try:
        day, times = value.split("@", 1)
        starts, ends = times.split("-", 1)
        datetime.strptime(starts, "%H:%M")
        datetime.strptime(ends, "%H:%M")
        chosen = school_date(day)
    except ValueError:
        return None
    return None if chosen is None else {"date": chosen.isoformat(), "starts": starts, "ends": ends}


def default_deadline(now: datetime, earliest: date | None) -> datetime:
    """A week from now at 17:00, or two days before the earliest option if that is sooner
    (never before tomorrow)."""
    deadline = datetime.combine(now.date() + timedelta(days=DEADLINE_DAYS), time(17))
    if earliest is not None:
        deadline = min(deadline, datetime.combine(earliest - timedelta(DEADLINE_BEFORE), time(17)))
    return max(deadline, datetime.combine(now.date() + timedelta(days=1), time(17)))


def best_after(options: list[dict[str, Any]], now: datetime, count: int = 3) -> list[dict]:
    """The options ticked at first: the finder's best `count` after a week's poll (the
    default deadline), else its best `count` (the organiser then moves the deadline)."""
    after = (now + timedelta(days=DEADLINE_DAYS)).date()
    later = [o for o in options if date.fromisoformat(o["date"]) > after]
    return (later or options)[:count]


def deadline_field(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def poll_body(
    form: Form, chosen: list[str], members: Iterable[str], now: datetime
) -> tuple[dict[str, Any], Errors]:
    """The poll the organiser opens: the ticked options, the invitees (each member
    `required`, `optional` or `no`), the deadline in UK time, the venue and link."""
    errors: Errors = {}
    options = [o for o in (parse_option(value) for value in chosen) if o]
    options.sort(key=lambda o: (o["date"], o["starts"]))
    if not options:
        errors["options"] = "Tick at least one date to offer."
    invitees = [
        {"person_id": person_id, "required": form.get(f"invite-{person_id}") != "optional"}
        for person_id in members
        if form.get(f"invite-{person_id}", "required") in ("required", "optional")
    ]
    if not invitees:
        errors["invitees"] = "Invite at least one person."
    deadline = parse_deadline(text(form, "deadline"))
    if deadline is None:
        errors["deadline"] = "Give the deadline's date and time, like 2027-01-08 17:00."
    elif deadline <= now:
        errors["deadline"] = "The deadline is still to come."
    elif options and deadline.date() >= date.fromisoformat(options[0]["date"]):
        errors["deadline"] = "Close the poll before the earliest date it offers."
    body = {
        "title": text(form, "title"),
        "minutes": whole_number(text(form, "minutes")) or 0,
        "options": options,
        "invitees": invitees,
        "deadline": deadline.isoformat(timespec="minutes") if deadline else "",
        "venue": text(form, "venue"),
        "join_link": text(form, "join_link"),
    }
    if not body["title"]:
        errors["title"] = "Give the meeting a title."
    return body, errors


def parse_deadline(value: str) -> datetime | None:
    moment = school_moment(value)
    return None if moment is None or moment.tzinfo else moment.replace(second=0, microsecond=0)


def vote_answers(form: Form, option_ids: Iterable[str], answers: Mapping[str, str]) -> dict:
    """The whole vote a tap sends: each option's answer carried in the form (the page's
    current one), the tapped option's (`tap` = "<option_id>:<answer>") replacing it. An
    option left unanswered is left out: "not answered" is never "no"."""
    ids = list(option_ids)
    chosen = {
        option_id: form.get(f"{ANSWER_PREFIX}{option_id}", "")
        for option_id in ids
        if form.get(f"{ANSWER_PREFIX}{option_id}", "") in answers
    }
    tapped, _, answer = text(form, "tap").partition(":")
    if tapped in ids and answer in answers:
        chosen[tapped] = answer
    return chosen
