"""The meeting page's forms: the whole agenda (items kept, changed, removed, added, and open
actions of earlier meetings pulled onto it), an action, the register after one tap, a move.
Pure: a form in, the networks service's body and field errors out; the service's field
errors back at the form's fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from events.school_dates import school_date
from frontend.commands import Refused
from frontend.numbers import number_in, whole_number
from frontend.pages.poll_forms import Errors, Form, text
from frontend.pages.service_rules import flat

NEW_ITEMS = 3
"""Blank rows the agenda form offers for new items."""
PULLED_MINUTES = 5
"""An open action brought onto the agenda: a short review."""
TIME_FORMAT = r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z"


def _minutes(value: str) -> int | None:
    return number_in(value, 1, 600)


def agenda_items(
    form: Form, kept: Iterable[str], pulled: Iterable[Any], new_id: Callable[[], str]
) -> tuple[list[dict[str, Any]], Errors, list[str]]:
    """Rows `item-<id>-title|owner|minutes|remove` for the items there (`kept`), rows
    `new-<n>-…` for new ones (left out when blank), and `pull` checkboxes naming open
    actions (`pulled`: their rows) that become review items owned by the action's owner.
    With the items, their rows (`""` for an action pulled onto the agenda)."""
    items: list[dict[str, Any]] = []
    errors: Errors = {}
    item_rows: list[str] = []
    rows: list[tuple[str, str | None]] = [(f"item-{item_id}", item_id) for item_id in kept]
    rows += [(f"new-{n}", None) for n in range(NEW_ITEMS)]
    for prefix, item_id in rows:
        title = text(form, f"{prefix}-title")
        if item_id and form.get(f"{prefix}-remove"):
            continue
        if not item_id and not title:
            continue
        minutes = _minutes(text(form, f"{prefix}-minutes") or "10")
        if not title:
            errors[f"{prefix}-title"] = "Give the item a title (or tick Remove)."
        if minutes is None:
            errors[f"{prefix}-minutes"] = "Give its minutes, 1 to 600."
        item_rows.append(prefix)
        items.append(
            {
                "item_id": item_id or new_id(),
                "title": title,
                "owner_id": text(form, f"{prefix}-owner") or None,
                "minutes": minutes or 10,
                "action_id": text(form, f"{prefix}-action") or None,
            }
        )
    chosen = set(form.getlist("pull")) if hasattr(form, "getlist") else set()
    already = {item["action_id"] for item in items}
    for action in pulled:
        if action.action_id in chosen and action.action_id not in already:
            item_rows.append("")
            items.append(
                {
                    "item_id": new_id(),
                    "title": f"Review: {action.text}"[:200],
                    "owner_id": action.owner_id,
                    "minutes": PULLED_MINUTES,
                    "action_id": action.action_id,
                }
            )
    return items, errors, item_rows


def agenda_errors(refused: Refused, rows: list[str]) -> Errors:
    """The service's field errors at the agenda form's rows (`items.1.owner_id` at
    `new-0-owner`); the rest (an action pulled on, the whole list's) at `items`."""
    errors: Errors = {}
    for name, said in flat(refused.fields).items():
        _, index, field = [*name.split("."), "", ""][:3]
        at = whole_number(index)
        row = rows[at] if at is not None and at < len(rows) else ""
        errors[f"{row}-{field.removesuffix('_id')}" if row and field else "items"] = said
    return errors


def action_body(
    form: Form, owners: set[str], schools: set[str], priorities: set[str], today: date
) -> tuple[dict[str, Any], Errors]:
    """An action: its text, owner (one of the meeting's people), school(s), due date and the
    improvement plan priority it serves (optional)."""
    errors: Errors = {}
    body: dict[str, Any] = {"text": text(form, "text"), "owner_id": text(form, "owner_id")}
    if not body["text"]:
        errors["text"] = "Say what is to be done."
    if body["owner_id"] not in owners:
        errors["owner_id"] = "Choose who owns it."
    chosen = form.getlist("school_ids") if hasattr(form, "getlist") else []
    body["school_ids"] = [s for s in chosen if s in schools]
    due = school_date(text(form, "due"))
    if due is None:
        errors["due"] = "Give the date it is due, like 2027-02-01."
    elif due < today:
        errors["due"] = "The due date is still to come."
    body["due"] = due.isoformat() if due else ""
    priority = text(form, "priority_id")
    if priority and priority not in priorities:
        errors["priority_id"] = "Choose one of the schools' priorities, or none."
    body["priority_id"] = priority or None
    return body, errors


def register_after_tap(
    marks: Mapping[str, Any], person_id: str, school_id: str | None, mark: str
) -> list[dict[str, Any]]:
    """The whole register as it now is with one person's mark changed."""
    register = {
        pid: {"person_id": pid, "school_id": row.school_id, "mark": row.mark}
        for pid, row in marks.items()
    }
    register[person_id] = {"person_id": person_id, "school_id": school_id, "mark": mark}
    return sorted(register.values(), key=lambda m: m["person_id"])


def move_body(form: Form, today: date) -> tuple[dict[str, Any], Errors]:
    """A new date and time (UK wall clock), place and the reason everyone is told."""
    import re

    errors: Errors = {}
    day = school_date(text(form, "date"))
    if day is None:
        errors["date"] = "Give the new date."
    elif day < today:
        errors["date"] = "The new date is still to come."
    starts, ends = text(form, "starts"), text(form, "ends")
    if not re.match(TIME_FORMAT, starts):
        errors["starts"] = "Give the start as HH:MM, like 16:00."
    if not re.match(TIME_FORMAT, ends):
        errors["ends"] = "Give the end as HH:MM, like 17:30."
    elif starts and ends <= starts:
        errors["ends"] = "It ends after it starts."
    venue, link = text(form, "venue"), text(form, "join_link")
    if not (venue or link):
        errors["venue"] = "Give a venue, an online link, or both."
    if not text(form, "reason"):
        errors["reason"] = "Say why: everyone invited is told."
    body = {
        "date": day.isoformat() if day else "",
        "starts": starts,
        "ends": ends,
        "venue": venue,
        "join_link": link,
        "reason": text(form, "reason"),
    }
    return body, errors
