"""The networks' HTTP API for networks, series and school priorities; enforces access.py's
rules. A meeting's routes (its poll and what happens at it) are in `meetings_api`."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import abort
from werkzeug.exceptions import NotFound

from events.decider import Outcome
from events.made_ids import made_id
from events.openapi import Blueprint
from events.service import Accepted, accepted, identity, require
from services.networks import domain
from services.networks.access import runs_networks, sets_priorities
from services.networks.domain import Cadence, NetworkRecord, Occurrence, Skipped, TemplateItem
from services.networks.lookups import (
    may_organise,
    network_commands,
    network_subject,
    not_in_the_trust,
    open_network,
    plan_commands,
    plan_subject,
    series_commands,
    series_plan,
    series_subject,
    the_network,
    wall_clock,
)
from services.networks.schemas import (
    NetworkIn,
    PrioritiesIn,
    ReasonIn,
    SeriesDatesIn,
    SeriesDatesOut,
    SeriesIn,
)

blp = Blueprint("networks", __name__, description="Networks, their series and school plans.")


def record_of(network_id: str, fields: dict[str, Any]) -> NetworkRecord:
    """The network's record from its fields, once every person it names is in the trust."""
    named = {
        "member_ids": fields["member_ids"],
        "facilitator_id": [fields["facilitator_id"]],
        "agenda_lead_id": [fields["agenda_lead_id"]] if fields.get("agenda_lead_id") else [],
    }
    errors = {
        field: [f"Nobody in the trust is {strangers[0]}."]
        for field, people in named.items()
        if (strangers := not_in_the_trust(people))
    }
    if errors:
        abort(422, messages={"json": errors})
    return NetworkRecord(
        **{
            **fields,
            "network_id": network_id,
            "cadence": Cadence(**fields["cadence"]),
            "member_posts": tuple(dict.fromkeys(fields["member_posts"])),
            "member_ids": tuple(dict.fromkeys(fields["member_ids"])),
            "agenda_template": tuple(TemplateItem(**t) for t in fields["agenda_template"]),
        }
    )


@blp.post("/networks")
@blp.arguments(NetworkIn)
@blp.response(201, Accepted)
def form_network(fields: dict) -> Response:
    """Form a network (network leaders: the CPD manager, the CEO, the trust admin and the
    school improvement leads). Send an Idempotency-Key: a retry with it forms it once."""
    require(runs_networks(identity()), "Only network leaders form networks.")
    network_id = made_id("network")
    command = domain.FormNetwork(record_of(network_id, fields))
    return accepted(
        network_commands.execute(network_subject(network_id), command), 201, id=network_id
    )


@blp.put("/networks/<network_id>")
@blp.arguments(NetworkIn)
@blp.response(200, Accepted)
def update_network(fields: dict, network_id: str) -> Response:
    """Change a network's whole record (network leaders)."""
    the_network(network_id)
    require(runs_networks(identity()), "Only network leaders change networks.")
    command = domain.UpdateNetwork(record_of(network_id, fields))
    return accepted(network_commands.execute(network_subject(network_id), command), id=network_id)


@blp.post("/networks/<network_id>/close")
@blp.arguments(ReasonIn)
@blp.response(200, Accepted)
def close_network(body: dict, network_id: str) -> Response:
    """Close a network for good (network leaders): it holds no more meetings."""
    the_network(network_id)
    require(runs_networks(identity()), "Only network leaders close networks.")
    command = domain.CloseNetwork(body["reason"])
    return accepted(network_commands.execute(network_subject(network_id), command), id=network_id)


@blp.post("/networks/<network_id>/series")
@blp.arguments(SeriesIn)
@blp.response(201, Accepted)
def plan_series(fields: dict, network_id: str) -> Response:
    """Plan a series of meetings without a poll (the network's organisers): every
    `every_weeks` weeks on `weekday`, in term time, skipping each day any member's school
    is closed or a PD day. Each occurrence becomes a meeting of its own moments later (a
    reaction), to be moved or cancelled alone."""
    record = open_network(network_id)
    may_organise(record)
    if fields["first"] < wall_clock().date():
        abort(422, messages={"json": {"first": ["A series starts today or later."]}})
    series_id = made_id("series")
    dates = series_plan(fields, network_id)
    occurrences = tuple(
        Occurrence(made_id(f"occurrence:{day.isoformat()}", series_id), day)
        for day in dates.occurrences
    )
    command = domain.PlanSeries(
        series_id=series_id,
        network_id=network_id,
        organiser_id=identity().person_id,
        occurrences=occurrences,
        skipped=tuple(Skipped(day, reason) for day, reason in dates.skipped),
        **fields,
    )
    return accepted(series_commands.execute(series_subject(series_id), command), 201, id=series_id)


@blp.get("/networks/<network_id>/series-dates")
@blp.arguments(SeriesDatesIn, location="query")
@blp.response(200, SeriesDatesOut)
def preview_series(query: dict, network_id: str) -> dict:
    """The dates a series of the network would meet on, and those it would skip and why
    (the network's organisers), as planning it would find them now."""
    may_organise(the_network(network_id))
    dates = series_plan(query, network_id)
    skipped = [{"date": day, "reason": reason} for day, reason in dates.skipped]
    return {"occurrences": list(dates.occurrences), "skipped": skipped}


@blp.post("/series/<series_id>/end")
@blp.arguments(ReasonIn)
@blp.response(200, Accepted)
def end_series(body: dict, series_id: str) -> Response:
    """End a series (its network's organisers): its meetings still to come are cancelled."""
    plan = series_commands.state(series_subject(series_id)).plan
    if plan is None:
        raise NotFound("There is no such series.")
    may_organise(the_network(plan.network_id))
    command = domain.EndSeries(body["reason"])
    return accepted(series_commands.execute(series_subject(series_id), command), id=series_id)


@blp.put("/plans/<school_id>/<year_id>")
@blp.arguments(PrioritiesIn)
@blp.response(200, Accepted)
def set_priorities(body: dict, school_id: str, year_id: str) -> Response:
    """Set a school's improvement plan priorities for a year, the whole list (its
    headteacher and the school improvement leads); actions link to them."""
    require(sets_priorities(identity(), school_id), "Only the school's head and improvement leads.")
    priorities = tuple(
        domain.Priority(
            p["priority_id"] or made_id(f"priority:{n}", school_id, year_id), p["title"]
        )
        for n, p in enumerate(body["priorities"])
    )
    command = domain.SetPriorities(school_id, year_id, priorities)
    outcome: Outcome = plan_commands.execute(plan_subject(school_id), command)
    return accepted(outcome, id=school_id)
