"""The networks: mine first (I facilitate, lead the agenda or belong), then the trust's
others I may see; a network's page (its kind, members by school and post, facilitator,
agenda lead, cadence, the year's meetings past and planned, open polls, series, and the
organisers' buttons, and under each planned meeting what clashes with it); forming, changing
and closing a network (the network leaders). Series and booking one meeting: series.py.

A private network (a one-to-one) is shown only to its members and the network leaders; to
anyone else it does not exist (404). Forms are plain forms (a 303 when they worked, the
form again with its field errors and a 422 when not); htmx posts them in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy import Row

from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.commands import Refused
from frontend.database import engine
from frontend.errors import ANSWERED_IN_PLACE
from frontend.pages import network_forms as forms
from frontend.pages import network_text
from frontend.pages.meeting_access import reads_meetings_of
from frontend.pages.programme_view import today_at_school
from frontend.pages.service_rules import with_the_services
from readmodels.networks import queries
from readmodels.networks.compliance import compliance
from readmodels.networks.forming import facilitator_choices
from readmodels.networks.network_page import current_clashes
from services.directory.events import POSTS
from services.networks.access import organises, runs_networks, sees_network
from services.networks.events import VOCABULARIES
from services.trustyear.events import year_of

networks = Blueprint("networks", __name__)
for _name in ("cadence", "when", "plural", "labelled"):
    networks.add_app_template_filter(getattr(network_text, _name), _name)
networks.add_app_template_filter(network_text.short_date, "diary_date")  # with its year if asked
networks.add_app_template_global(runs_networks)


@networks.app_context_processor
def weekdays() -> dict[str, Any]:
    return {"weekdays": network_text.WEEKDAYS}


LABELS = {**VOCABULARIES, "post": POSTS}


def year_bounds(today: date) -> tuple[date, date]:
    """The academic year of `today`: September to August."""
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def sees(network: Row, members: set[str]) -> bool:
    """A private network only its members, its agenda lead and the network leaders see."""
    return sees_network(g.identity, network.private, network.agenda_lead_id, members)


def the_network(network_id: str) -> tuple[Row, set[str]]:
    """The network and its members, if I may see it (404 otherwise, as if there were none)."""
    network = queries.find_network(engine(), network_id)
    members = queries.member_ids(engine(), network_id) if network else set()
    if network is None or not sees(network, members):
        abort(404, "There is no such network.")
    return network, members


def organised_by_me(network: Row, members: set[str]) -> bool:
    return network.status == "open" and organises(
        g.identity, network.facilitator_id, network.agenda_lead_id, network.private, members
    )


def leaders_only() -> None:
    if not runs_networks(g.identity):
        abort(403, "Forming and changing networks is for the network leaders.")


# The networks
@networks.get("/networks")
def index() -> str:
    lines = queries.networks_for(engine(), g.identity.person_id)
    kind = request.args.get("kind", "")
    kind = kind if kind in LABELS["kind"] else ""
    mine = [line for line in lines if line.mine]
    others = [
        line
        for line in lines
        if not line.mine and (not line.private or runs_networks(g.identity))
        if not kind or line.kind == kind
    ]
    context = {"mine": mine, "others": others, "kind": kind, "labels": LABELS}
    if request.htmx and request.htmx.target == "other-networks":
        return render_block("networks.html", "others", **context)
    return render_template("networks.html", **context)


# A network
def split_meetings(meetings: list[Row], today: date) -> dict[str, list[Row]]:
    """The network's meetings this year: polls without a date, planned, past."""
    return {
        "polls": [m for m in meetings if m.date is None and m.status != "cancelled"],
        "planned": [m for m in meetings if m.date is not None and m.date >= today],
        "past": [m for m in meetings if m.date is not None and m.date < today][::-1],
    }


def this_year(network: Row, today: date) -> Any:
    """The network's line of this year's compliance board (None before terms are set)."""
    board = compliance(engine(), year_of(today), today, network.kind)  # its kind's alone
    found = (row for row in board.rows if row.network.network_id == network.network_id)
    return next((row for row in found if row.cells), None)


@networks.get("/networks/<network_id>")
def page(network_id: str) -> str:
    network, members = the_network(network_id)
    today = today_at_school()
    first, last = year_bounds(today)
    people = queries.network_members(engine(), network_id)
    by_school: dict[str, list[queries.Member]] = {}
    for member in people:
        by_school.setdefault(member.school, []).append(member)
    names = queries.people_named(engine(), {network.facilitator_id, network.agenda_lead_id or ""})
    meetings = queries.meetings_of(engine(), network_id, first, last)
    organiser = organised_by_me(network, members)
    member_reads = reads_meetings_of(g.identity, network, members)
    readable = {  # a private network's leaders and agenda lead may not read its meetings
        m.meeting_id
        for m in meetings
        if member_reads or reads_meetings_of(g.identity, network, members, m.organiser_id)
    }
    return render_template(
        "network.html",
        network=network,
        by_school=by_school,
        member_count=len(people),
        names=names,
        meetings=split_meetings(meetings, today),
        clashes=current_clashes(engine(), meetings) if organiser else {},
        actions=[
            a
            for a in queries.actions_of_network(engine(), network_id, g.identity.person_id)
            if a.status == "open"
        ],
        series=queries.series_of(engine(), network_id),
        year=this_year(network, today) if network.status == "open" else None,
        organiser=organiser,
        reads_meetings=member_reads,
        readable=readable,
        posts=queries.network_posts_of(engine(), network_id),
        labels=LABELS,
        today=today,
    )


# Forming and changing a network
def form_context(
    values: dict[str, Any], errors: forms.Errors, network: Row | None = None
) -> dict[str, Any]:
    also = [network.facilitator_id] if network else []
    return {
        "network": network,
        "values": {"network": values},
        "errors": {"network": errors},
        "facilitators": facilitator_choices(engine(), also),
        "labels": LABELS,
    }


@networks.get("/networks/new")
def new() -> str:
    leaders_only()
    values = {**forms.DEFAULTS, "facilitator_id": g.identity.person_id, "posts": []}
    return render_template("network_form.html", **form_context(values, {}))


def sent(command: Callable[[dict[str, Any]], object]) -> tuple[forms.Errors, int]:
    """Check the form, send the record; the errors and the status."""
    posts = request.form.getlist("posts")
    body, errors = forms.network_body(request.form, posts, engine())
    if errors:
        return with_the_services(errors, lambda: command(body), forms.refused_errors), 422
    try:
        command(body)
    except Refused as refused:
        if refused.status not in ANSWERED_IN_PLACE:
            raise
        return forms.refused_errors(refused), refused.status
    return {}, 200


@networks.post("/networks")
def form_network() -> ResponseReturnValue:
    leaders_only()
    formed: list[str] = []
    key = request.form.get("key")
    errors, status = sent(lambda body: formed.append(service.form_network(body, key)))
    back = url_for(".page", network_id=formed[0]) if formed else url_for(".index")

    def again() -> str:
        values = forms.sent_values(request.form, request.form.getlist("posts"))
        return render_template("network_form.html", **form_context(values, errors))

    return form_answer(status, back, again, again)


@networks.get("/networks/<network_id>/edit")
def edit(network_id: str) -> str:
    leaders_only()
    network, _ = the_network(network_id)
    posts = queries.network_posts_of(engine(), network_id)
    named = queries.named_members(engine(), network_id)
    values = forms.network_values(network, posts, named, engine())
    return render_template("network_form.html", **form_context(values, {}, network))


@networks.post("/networks/<network_id>")
def update(network_id: str) -> ResponseReturnValue:
    leaders_only()
    network, _ = the_network(network_id)
    key = request.form.get("key")
    errors, status = sent(lambda body: service.update_network(network_id, body, key))

    def again() -> str:
        values = forms.sent_values(request.form, request.form.getlist("posts"))
        return render_template("network_form.html", **form_context(values, errors, network))

    return form_answer(status, url_for(".page", network_id=network_id), again, again)


@networks.post("/networks/<network_id>/close")
def close(network_id: str) -> ResponseReturnValue:
    leaders_only()
    network, _ = the_network(network_id)
    reason = forms.text(request.form, "reason")
    errors: forms.Errors = {} if reason else {"reason": "Say why it closes."}
    status = 422 if errors else 200
    if not errors:
        try:
            service.close_network(network_id, reason, request.form.get("key"))
        except Refused as refused:
            if refused.status not in ANSWERED_IN_PLACE:
                raise
            errors, status = {"reason": refused.message}, refused.status

    def again() -> str:
        posts = queries.network_posts_of(engine(), network_id)
        named = queries.named_members(engine(), network_id)
        values = forms.network_values(network, posts, named, engine())
        context = form_context(values, {}, network)
        context["values"]["close"] = dict(request.form)
        context["errors"]["close"] = errors
        return render_template("network_form.html", **context)

    return form_answer(status, url_for(".page", network_id=network_id), again, again)
