"""The networks service, as pages call it: networks, series, date polls and meetings.

Each command is sent as the signed-in person, with the form's idempotency key where it has
one, and returns once the networks' projection has applied it. A refusal is `Refused` and
an unknown outcome `NotConfirmed` (frontend.commands). The finder is a question, not a
command: it answers from the service's own view of every school's calendar."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from events.identity import Identity
from frontend.commands import Refused, send
from readmodels.networks.projection import network_projection as projection

SERVICE = "networks"
READ_IN = projection.name
"""The projection whose read model the pages read after a command."""
__all__ = ["Refused"]


def _path(*parts: str) -> str:
    return "".join(f"/{quote(part, safe='')}" for part in parts)


def _send(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    key: str | None,
    acting_for: Identity | None = None,
) -> dict:
    return send(SERVICE, method, path, body, key, read_in=READ_IN, acting_for=acting_for)


# Networks and series (D1)
def form_network(record: dict[str, Any], key: str | None) -> str:
    """Form a network from its whole record (without its id); the new network's id."""
    return str(_send("POST", "/networks", record, key)["id"])


def update_network(network_id: str, record: dict[str, Any], key: str | None) -> None:
    """The network's whole record as it now is."""
    _send("PUT", _path("networks", network_id), record, key)


def close_network(network_id: str, reason: str, key: str | None) -> None:
    """Close the network for good: it holds no more meetings."""
    _send("POST", _path("networks", network_id, "close"), {"reason": reason}, key)


def series_dates(network_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The dates a series would have and those it would skip, with why (a question: nothing
    is planned): {"occurrences": [iso date], "skipped": [{"date", "reason"}]}."""
    wanted = ("first", "last", "every_weeks", "weekday")
    query = urlencode({name: fields[name] for name in wanted})
    return send(SERVICE, "GET", _path("networks", network_id, "series-dates") + f"?{query}")


def plan_series(network_id: str, fields: dict[str, Any], key: str | None) -> str:
    """Plan a series of the network's meetings; its id. A reaction then schedules each
    occurrence, moments later."""
    return str(_send("POST", _path("networks", network_id, "series"), fields, key)["id"])


def book_meeting(network_id: str, fields: dict[str, Any], key: str | None) -> str:
    """Book one meeting of the network on a date, without a poll; its id (what clashes with
    the date goes into the meeting's warnings, and it is booked all the same)."""
    return str(_send("POST", _path("networks", network_id, "meetings"), fields, key)["id"])


def end_series(series_id: str, reason: str, key: str | None) -> None:
    """End the series: its meetings still to come are cancelled."""
    _send("POST", _path("series", series_id, "end"), {"reason": reason}, key)


# Polls and meetings (D2)
def _meeting(meeting_id: str, *parts: str) -> str:
    return _path("meetings", meeting_id, *parts)


def find_dates(
    network_id: str, first: date | None = None, last: date | None = None, minutes: int | None = None
) -> dict[str, Any]:
    """The finder's proposal for the network: `options` ranked (each with `value`, the form's
    option), `excluded` dates, each with its `reasons`, and the `window` looked at (the one
    the service suggests from the cadence and the terms when none is given: first, last,
    minutes)."""
    asked = {"first": first, "last": last, "minutes": minutes}
    query = urlencode({name: str(value) for name, value in asked.items() if value is not None})
    path = _path("networks", network_id, "finder") + (f"?{query}" if query else "")
    answer = send(SERVICE, "GET", path)
    options = [dict(o) for o in answer.get("options", [])]
    for option in options:
        option["value"] = f"{option['date']}@{option['starts']}-{option['ends']}"
    excluded = [
        {"date": e["date"], "reasons": list(e.get("reasons", []))}
        for e in answer.get("excluded", [])
    ]
    looked = answer.get("window") or {}
    window: dict[str, Any] | None = None
    if looked.get("first") and looked.get("last"):
        window = {
            "first": date.fromisoformat(looked["first"]),
            "last": date.fromisoformat(looked["last"]),
            "minutes": int(answer.get("minutes") or minutes or 60),
        }
    return {"options": options, "excluded": excluded, "window": window}


def warnings_for(network_id: str, day: date, minutes: int) -> list[str]:
    """Why the finder would not propose `day` now (a closure, a PD day, a clash): the
    re-check the organiser sees before confirming (the service records its own)."""
    found = find_dates(network_id, day, day, minutes)
    return [reason for e in found["excluded"] for reason in e["reasons"]]


def open_poll(network_id: str, body: dict[str, Any], key: str | None) -> str:
    """Open a date poll of the network; the new meeting's id."""
    outcome = _send("POST", _path("networks", network_id, "polls"), body, key)
    return str(outcome["id"])


def vote(meeting_id: str, person_id: str, answers: dict, comment: str, key: str | None) -> None:
    """The person's whole vote (a headteacher's for a colleague names the colleague)."""
    body = {"person_id": person_id, "answers": answers, "comment": comment}
    _send("POST", _meeting(meeting_id, "votes"), body, key)


def nudge(meeting_id: str, person_ids: list[str], key: str | None) -> None:
    _send("POST", _meeting(meeting_id, "nudges"), {"person_ids": person_ids}, key)


def close_poll(meeting_id: str, key: str | None) -> None:
    _send("POST", _meeting(meeting_id, "close"), {}, key)


def confirm(meeting_id: str, option_id: str, venue: str, join_link: str, key: str | None) -> None:
    body = {"option_id": option_id, "venue": venue, "join_link": join_link}
    _send("POST", _meeting(meeting_id, "confirm"), body, key)


def set_agenda(meeting_id: str, items: list[dict[str, Any]], key: str | None) -> None:
    _send("PUT", _meeting(meeting_id, "agenda"), {"items": items}, key)


def record_minutes(meeting_id: str, text: str, key: str | None) -> None:
    _send("PUT", _meeting(meeting_id, "minutes"), {"text": text}, key)


def raise_action(meeting_id: str, body: dict[str, Any], key: str | None) -> None:
    _send("POST", _meeting(meeting_id, "actions"), body, key)


def update_action(meeting_id: str, action_id: str, status: str, note: str, key: str | None) -> None:
    body = {"status": status, "note": note}
    _send("PUT", _meeting(meeting_id, "actions", action_id), body, key)


def take_register(meeting_id: str, marks: list[dict[str, Any]]) -> None:
    """The whole register as it now is."""
    _send("PUT", _meeting(meeting_id, "register"), {"marks": marks}, None)


def move(meeting_id: str, body: dict[str, Any], key: str | None) -> None:
    _send("POST", _meeting(meeting_id, "move"), body, key)


def cancel(meeting_id: str, reason: str, key: str | None) -> None:
    _send("POST", _meeting(meeting_id, "cancel"), {"reason": reason}, key)


def answer_invitation(
    meeting_id: str,
    answer: str,
    key: str | None,
    acting_for: Identity | None = None,
    note: str = "",
) -> None:
    """Accept or decline a meeting's invitation, with a note for the organiser if any: as
    the signed-in person, or as the person whose signed link it is (`acting_for`)."""
    body = {"answer": answer, "note": note}
    _send("POST", _meeting(meeting_id, "invitation"), body, key, acting_for)


def vote_by_link(
    meeting_id: str, person: Identity, answers: dict, comment: str, key: str | None
) -> None:
    """The person's own whole vote, from their signed poll link (their say-so)."""
    body = {"person_id": person.person_id, "answers": answers, "comment": comment}
    _send("POST", _meeting(meeting_id, "votes"), body, key, person)
