"""The slot finder over HTTP, and the re-check a confirmation, a booking or a move asks.

`GET /networks/<id>/finder?first=&last=&minutes=&times=` (through the gateway,
/api/networks/networks/<id>/finder) proposes dates and times for the network's next
meeting from the service's foreign facts (facts.py): without `first` and `last` it looks in
the window its cadence suggests. `warnings_in` is the same rules for one date and time:
what the API puts in MeetingConfirmed, MeetingScheduled and MeetingMoved as `warnings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import NotFound

from events.numbers import WholeNumber
from events.openapi import Blueprint
from events.service import identity, require
from services.networks.access import organises
from services.networks.domain import wall_clock_at
from services.networks.facts import Facts, facts_now
from services.networks.finder import (
    Proposal,
    Window,
    find_dates,
    spacing_for,
    suggest_window,
)

blp = Blueprint("finding", __name__, description="The slot finder")

LONGEST_WINDOW = 400
"""Days a finder window may span: a year and a little."""
TIMES = validate.Regexp(
    r"^([01][0-9]|2[0-3]):[0-5][0-9](,([01][0-9]|2[0-3]):[0-5][0-9]){0,11}\Z",
    error="Give start times as HH:MM, separated by commas.",
)
SHOWN = 40
"""Options answered at most (best first); every excluded date is answered."""


class FinderQuery(Schema):
    first = fields.Date(load_default=None)
    last = fields.Date(load_default=None)
    minutes = WholeNumber(load_default=None, validate=validate.Range(min=10, max=8 * 60))
    times = fields.String(load_default=None, validate=TIMES)
    """Start times to try, comma-separated: "09:30,16:00"."""

    @validates_schema
    def window_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        first, last = data.get("first"), data.get("last")
        if (first is None) != (last is None):
            raise ValidationError("Give both the first and the last day, or neither.", "last")
        if first and last and last < first:
            raise ValidationError("The last day is on or after the first.", "last")
        if first and last and (last - first).days > LONGEST_WINDOW:
            raise ValidationError(f"Look at most {LONGEST_WINDOW} days ahead.", "last")


def today() -> date:
    return wall_clock_at(datetime.now(UTC)).date()


@blp.route("/networks/<network_id>/finder")
@blp.arguments(FinderQuery, location="query")
def finder(query: dict[str, Any], network_id: str) -> dict[str, Any]:
    """Dates and times for the network's next meeting, best first, and the dates left out
    with their reasons (the window its cadence suggests unless `first` and `last` say)."""
    facts = facts_now()
    if network_id not in facts.networks:  # formed a moment ago?
        facts = facts_now(max_age=0.0)
    network = facts.networks.get(network_id)
    if network is None or network.closed:
        raise NotFound("There is no such network.")
    members = facts.member_ids(network_id)
    require(
        organises(
            identity(), network.facilitator_id, network.agenda_lead_id, network.private, members
        ),
        "Only the network's organisers look for its dates.",
    )
    year = facts.year_of(today())
    held_all = facts.held(network_id, date.min, date.max)
    if query["first"] is None:
        window = suggest_window(
            today(), network.cadence_rule, network.cadence_count, year, held_all
        )
    else:  # never a day already gone: from tomorrow at the earliest
        window = Window(max(query["first"], today() + timedelta(days=1)), query["last"])
        if window.last < window.first:
            gone = ["That window has already passed: choose days ahead."]
            abort(422, messages={"query": {"last": gone}})
    minutes = query["minutes"] or network.minutes
    times = query["times"].split(",") if query["times"] else default_times(network.kind)
    proposal = find_dates(
        window,
        minutes,
        facts.members_of(network_id),
        facts.calendar(window.first, window.last),
        busy=facts.bookings(),
        held=held_all,
        times=times,
        spacing=spacing_for(network.cadence_rule, network.cadence_count, year),
    )
    return answer(network_id, window, query["first"] is None, minutes, proposal)


def default_times(kind: str) -> tuple[str, ...]:
    """Leaders meet in the school day, teachers after it."""
    return ("09:30", "13:30") if kind in ("executive", "leadership", "one_to_one") else ("16:00",)


def answer(
    network_id: str, window: Window, suggested: bool, minutes: int, proposal: Proposal
) -> dict[str, Any]:
    return {
        "network_id": network_id,
        "window": {"first": window.first.isoformat(), "last": window.last.isoformat()},
        "suggested": suggested,
        "minutes": minutes,
        "options": [
            {
                "date": o.date.isoformat(),
                "starts": o.starts,
                "ends": o.ends,
                "can_come": o.can_come,
                "invited": o.invited,
                "away": list(o.away),
                "gap_days": o.gap_days,
            }
            for o in proposal.options[:SHOWN]
        ],
        "excluded": [
            {"date": e.date.isoformat(), "reasons": list(e.reasons)} for e in proposal.excluded
        ],
    }


def warnings_in(
    facts: Facts,
    day: date,
    starts: str,
    ends: str,
    invitees: Iterable[Mapping[str, Any]],
    meeting_id: str | None = None,
    network_id: str | None = None,
) -> list[str]:
    """The re-check of a confirmation, a booking or a move: everything against one date and
    time for these invitees ([{"person_id", "required"}] as the events hold them), on the
    facts given (the API's: the head of the log)."""
    pairs = [(i["person_id"], bool(i.get("required", True))) for i in invitees]
    return facts.recheck(day, starts, ends, facts.invitees(pairs, network_id), meeting_id)
