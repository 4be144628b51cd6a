"""The series forms: planning a series (with the defaults that make it one form: the
network's usual times and venue, every fortnight, from today to the end of the year's last
term), moving one of its meetings, and what the service's answers look like on the page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row

from events.school_dates import school_date
from frontend.commands import Refused
from frontend.database import engine
from frontend.numbers import number_in
from frontend.pages.network_text import WEEKDAYS
from frontend.pages.service_rules import flat
from readmodels.networks.compliance import terms_of
from services.trustyear.events import year_of

Errors = dict[str, str]
WEEKDAY_CHOICES = {str(n): name for n, name in enumerate(WEEKDAYS[:5])}
SCHOOL_DAY_KINDS = ("executive", "leadership", "one_to_one")
"""Leaders meet in the school day; everyone else after it."""
TIME_FORMAT = "%H:%M"


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def later(starts: str, minutes: int) -> str:
    moment = datetime.strptime(starts, TIME_FORMAT) + timedelta(minutes=minutes)
    return moment.strftime(TIME_FORMAT)


def year_end(today: date) -> date:
    """The last day of this year's last term (the end of July before terms are set)."""
    terms = terms_of(engine(), year_of(today))
    if terms:
        return terms[-1].ends
    return date(today.year if today.month < 9 else today.year + 1, 7, 31)


def defaults(network: Row, today: date) -> dict[str, str]:
    starts = "09:30" if network.kind in SCHOOL_DAY_KINDS else "16:00"
    return {
        "title": f"{network.name} meeting",
        "every_weeks": "2",
        "weekday": "1",
        "starts": starts,
        "ends": later(starts, network.minutes or 60),
        "first": (today + timedelta(days=1)).isoformat(),  # today's time may have passed
        "last": year_end(today).isoformat(),
        "venue": network.venue,
        "join_link": "",
    }


def times(form: Mapping[str, str], body: dict[str, Any], errors: Errors) -> None:
    for name in ("starts", "ends"):
        given = text(form, name)
        try:
            datetime.strptime(given, TIME_FORMAT)
        except ValueError:
            errors[name] = "Give a time like 16:00."
        body[name] = given
    if "starts" not in errors and "ends" not in errors and body["ends"] <= body["starts"]:
        errors["ends"] = "It ends after it starts."


def series_body(form: Mapping[str, str]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    body: dict[str, Any] = {name: text(form, name) for name in ("title", "venue", "join_link")}
    if not body["title"]:
        errors["title"] = "Give the meetings a title."
    every, weekday = text(form, "every_weeks"), text(form, "weekday")
    weeks = number_in(every, 1, 8)
    if weeks is None:
        errors["every_weeks"] = "Give how many weeks apart, from 1 to 8."
    else:
        body["every_weeks"] = weeks
    if weekday not in WEEKDAY_CHOICES:
        errors["weekday"] = "Choose a weekday."
    else:
        body["weekday"] = int(weekday)
    times(form, body, errors)
    for name in ("first", "last"):
        day = school_date(text(form, name))
        if day is None:
            errors[name] = "Give a date."
        else:
            body[name] = day.isoformat()
    if "first" not in errors and "last" not in errors and body["last"] < body["first"]:
        errors["last"] = "The last date is on or after the first."
    return body, errors


def move_body(form: Mapping[str, str], meeting: Row) -> tuple[dict[str, Any], Errors]:
    """A meeting's new date and times (its venue and link kept unless given), and why."""
    errors: Errors = {}
    body: dict[str, Any] = {
        "venue": text(form, "venue") or meeting.venue,
        "join_link": text(form, "join_link") or meeting.join_link,
        "reason": text(form, "reason"),
    }
    day = school_date(text(form, "date"))
    if day is None:
        errors["date"] = "Give the new date."
    else:
        body["date"] = day.isoformat()
    times(form, body, errors)
    if not body["reason"]:
        errors["reason"] = "Say why: the members are told."
    return body, errors


def booking_defaults(network: Row, today: date) -> dict[str, str]:
    values = defaults(network, today)
    values["title"] = network.name
    values["date"] = ""
    return values


def booking_body(form: Mapping[str, str]) -> tuple[dict[str, Any], Errors]:
    """One meeting's title, date, times and place."""
    errors: Errors = {}
    body: dict[str, Any] = {name: text(form, name) for name in ("title", "venue", "join_link")}
    if not body["title"]:
        errors["title"] = "Give the meeting a title."
    day = school_date(text(form, "date"))
    if day is None:
        errors["date"] = "Give the meeting's date."
    else:
        body["date"] = day.isoformat()
    times(form, body, errors)
    return body, errors


def refused_errors(refused: Refused) -> Errors:
    errors = {name.split(".")[-1]: said for name, said in flat(refused.fields).items()}
    return errors or {"": refused.message}


def dates_shown(found: Mapping[str, Any]) -> dict[str, list]:
    """The service's answer as dates: those the series has, those it skips with why."""
    occurrences = [date.fromisoformat(str(day)) for day in found.get("occurrences", [])]
    return {"occurrences": occurrences, "skipped": skipped_shown(found.get("skipped", []))}


def skipped_shown(skipped: list[Any]) -> list[tuple[date, str]]:
    return [(date.fromisoformat(str(s["date"])), str(s["reason"])) for s in skipped]
