"""The planning pages' forms: what a form sends the trust days service, with the defaults
that make a small day a few forms (academic year and term from the date, a booking window
open from now until the evening before), what the form says was wrong, field by field, and
the values a form starts with.

A form field the frontend cannot even turn into the service's shape (a date that is not
one) is its error here, and nothing is sent; the rest the service judges, and its field
errors and rules come back to the same fields (`refused_errors`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Row

from events.school_dates import school_date, school_moment
from frontend.commands import Refused
from frontend.numbers import whole_number
from frontend.pages.service_rules import flat
from readmodels.directory.queries import PeopleQuery, identity_of, search_people
from readmodels.networks import queries as network_queries

LONDON = ZoneInfo("Europe/London")
Form = Mapping[str, str]
Errors = dict[str, str]
FIRST_TIMETABLE = (
    ("keynote", "keynote", "Keynote", "09:00", "09:45"),
    ("breakout1", "breakout", "Breakout 1", "10:00", "11:00"),
    ("breakout2", "breakout", "Breakout 2", "11:15", "12:15"),
    ("breakout3", "breakout", "Breakout 3", "", ""),
)
"""The new-day form's timetable rows (prefix, kind, title, starts, ends): a row without
times is left out."""
RULE_FIELDS = {
    "window_ends_before_it_opens": "closes",
    "window_after_the_day": "closes",
    "slots_overlap": "starts",
    "slot_ends_before_it_starts": "ends",
    "leader_has_a_place": "leader_q",
    "leads_in_this_slot": "leader_q",
}
"""A refusal by a rule of the service, shown at the field it is about."""
LEADERS_SHOWN = 8
SLOT_NAMES = ("kind", "title", "speaker", "starts", "ends")


def text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def academic_year(day: date) -> str:
    """September to August: 2026-27 for any day of it."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def term(day: date) -> int:
    """Which of the six terms a day falls in, roughly (the manager may say otherwise)."""
    return {9: 1, 10: 1, 11: 2, 12: 2, 1: 3, 2: 3, 3: 4, 4: 4, 5: 5}.get(day.month, 6)


def uk_moment(value: str) -> datetime | None:
    """A `datetime-local` field in UK time, as an aware moment."""
    moment = school_moment(value)
    return None if moment is None or moment.tzinfo else moment.replace(tzinfo=LONDON)


def local_field(moment: datetime) -> str:
    """A stored moment as a `datetime-local` field shows it: UK time, to the minute."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def default_window(day: date) -> tuple[datetime, datetime]:
    """Booking open from now until 17:00 the evening before (the day's 08:00 if that is past)."""
    opens = datetime.now(UTC).replace(second=0, microsecond=0)
    closes = datetime.combine(day - timedelta(days=1), time(17), LONDON)
    if closes <= opens:
        closes = datetime.combine(day, time(8), LONDON)
    return opens, closes


def day_body(form: Form) -> tuple[dict[str, Any], Errors]:
    """The day's details and booking window, blanks filled with their defaults."""
    errors: Errors = {}
    body: dict[str, Any] = {name: text(form, name) for name in ("title", "theme", "venue")}
    day = school_date(text(form, "date"))
    if day is None:
        return body, {"date": "Give the day's date."}
    body["date"] = day.isoformat()
    body["academic_year"] = text(form, "academic_year") or academic_year(day)
    chosen = whole_number(text(form, "term"))
    body["term"] = term(day) if chosen is None else chosen
    opens, closes = default_window(day)
    for name, default in (("opens", opens), ("closes", closes)):
        given = text(form, name)
        moment = uk_moment(given) if given else default
        if moment is None:
            errors[name] = "Give a date and a time, like 01/09/2026 09:00."
        else:  # in UTC: SQLite's read model drops an offset it is given
            body[name] = moment.astimezone(UTC).isoformat()
    return body, errors


def slot_body(form: Form, prefix: str = "", kind: str = "") -> dict[str, Any]:
    """A slot's fields; the speaker only when there is one (a keynote's)."""
    field = (lambda name: f"{prefix}_{name}") if prefix else (lambda name: name)
    slot = {
        "kind": kind or text(form, field("kind")),
        "title": text(form, field("title")),
        "starts": text(form, field("starts")),
        "ends": text(form, field("ends")),
    }
    if speaker := text(form, field("speaker")):
        slot["speaker"] = speaker
    return slot


def first_timetable(form: Form) -> tuple[list[dict[str, Any]], list[str], Errors]:
    """The new day's slots from the rows with a time, and the row each came from."""
    slots, rows = [], []
    for prefix, kind, title, _, _ in FIRST_TIMETABLE:
        if not (text(form, f"{prefix}_starts") or text(form, f"{prefix}_ends")):
            continue
        slot = slot_body(form, prefix, kind)
        slot["title"] = slot["title"] or title
        slots.append(slot)
        rows.append(prefix)
    errors = {} if slots else {"keynote_starts": "Give at least one slot a start and an end."}
    return slots, rows, errors


def new_day_body(form: Form) -> tuple[dict[str, Any], list[str], Errors]:
    body, errors = day_body(form)
    slots, rows, slot_errors = first_timetable(form)
    return {**body, "slots": slots}, rows, {**errors, **slot_errors}


def copy_body(form: Form) -> tuple[dict[str, Any], Errors]:
    """A copy's date, window and (optional) new title."""
    body, errors = day_body(form)
    copy = {k: v for k, v in body.items() if k not in ("theme", "venue", "title")}
    if body.get("title"):
        copy["title"] = body["title"]
    return copy, errors


def session_body(form: Form, engine: Engine) -> tuple[dict[str, Any], Errors, list[Row]]:
    """A session's fields; its leader someone of the trust (chosen, or the one person the
    search finds) or an external facilitator; and the people to choose from when the
    search found several."""
    body: dict[str, Any] = {
        name: text(form, name)
        for name in ("title", "description", "community", "audience", "phase", "room", "mode")
    }
    errors: Errors = {}
    capacity = whole_number(text(form, "capacity"))
    if capacity is not None:
        body["capacity"] = capacity
    else:
        errors["capacity"] = "Give the number of seats, like 30."
    if body["mode"] == "online":  # in person, a link left in the form is dropped
        body["join_link"] = text(form, "join_link")
    network_id = text(form, "network_id")
    if network_id and network_id not in network_options(engine):
        errors["network_id"] = "Choose a network from the list."
    body["network_id"] = network_id or None
    leader, leader_errors, matches = session_leader(form, engine)
    body["leader"] = leader
    return body, {**errors, **leader_errors}, matches


def session_leader(form: Form, engine: Engine) -> tuple[dict[str, Any], Errors, list[Row]]:
    if text(form, "leader_kind") == "external":
        leader = {"person_id": None, "name": text(form, "leader_name")}
        if bio := text(form, "leader_bio"):
            leader["bio"] = bio
        return leader, {}, []
    chosen = identity_of(engine, text(form, "leader_id"), "") if text(form, "leader_id") else None
    if chosen is not None:
        return {"person_id": chosen.person_id, "name": chosen.name}, {}, []
    query = text(form, "leader_q")
    matches = find_leaders(engine, query) if query else []
    if len(matches) == 1:
        return {"person_id": matches[0].person_id, "name": matches[0].name}, {}, []
    if not matches:
        said = "Nobody in the trust matches: try another name." if query else "Find the leader."
        return {}, {"leader_q": said}, []
    return {}, {"leader_q": "Several people match: choose one."}, matches


def find_leaders(engine: Engine, query: str, limit: int = LEADERS_SHOWN) -> list[Row]:
    """Active people of the trust (any school, or the central team) matching every word."""
    wanted = PeopleQuery(text=query[:100])
    return list(search_people(engine, wanted, None, per_page=limit).people)


def refused_errors(refused: Refused, rows: list[str] | None = None) -> Errors:
    """The service's field errors at the form's own fields; a rule's at its field; else
    the sentence for the top of the form (`""`)."""
    errors: Errors = {}
    for name, said in flat(refused.fields).items():
        errors[form_field(name, rows or [])] = said
    if not errors:
        errors[RULE_FIELDS.get(refused.rule, "")] = refused.message
    return errors


def form_field(name: str, rows: list[str]) -> str:
    """The form's field for a field of the service: `slots.1.starts` -> `breakout1_starts`."""
    parts = name.split(".")
    at = whole_number(parts[1]) if len(parts) == 3 else None
    if parts[0] == "slots" and at is not None and at < len(rows):
        return f"{rows[at]}_{parts[2]}"
    if parts[0] == "leader":
        return {"bio": "leader_bio", "name": "leader_name"}.get(parts[-1], "leader_q")
    return name.replace(".", "_")


def day_values(day: Row) -> dict[str, str]:
    """The day's form as it stands."""
    values = {name: str(getattr(day, name)) for name in ("title", "theme", "venue", "term")}
    return {
        **values,
        "date": day.date.isoformat(),
        "academic_year": day.academic_year,
        "opens": local_field(day.opens),
        "closes": local_field(day.closes),
    }


def session_values(session: Row) -> dict[str, str]:
    """A session's form as it stands (or as an earlier day's, to copy)."""
    names = ("title", "description", "community", "audience", "phase", "room", "mode")
    values = {name: getattr(session, name) for name in names}
    external = session.leader_id is None
    return {
        **values,
        "capacity": str(session.capacity),
        "join_link": getattr(session, "join_link", "") or "",
        "network_id": getattr(session, "network_id", "") or "",
        "leader_kind": "external" if external else "staff",
        "leader_id": session.leader_id or "",
        "leader_q": "" if external else session.leader_name,
        "leader_name": session.leader_name if external else "",
        "leader_bio": getattr(session, "leader_bio", "") or "",
    }


NOT_A_MEETING = "Not a network meeting"


def network_options(engine: Engine) -> dict[str, str]:
    """The session form's Network select: none, or one of the trust's open networks by
    name (a network's session on a PD day counts as one of its meetings); a one-to-one is
    no PD-day session."""
    listed = network_queries.networks_for(engine, person_id="")
    shown = sorted((line.name, line.network_id) for line in listed if line.kind != "one_to_one")
    return {"": NOT_A_MEETING, **{network_id: name for name, network_id in shown}}
