"""The compliance board, for the improvement leads and the CEO (the network leaders): for
each network and each term of the year, the meetings held (with a register), planned and
required by its cadence; "at risk" with the reason when the terms left cannot fit the
meetings it still needs; the schools not represented at its last two meetings.

One table on a desktop; on a phone each network is a card of its own (the same markup: the
stylesheet lays the rows out as cards). Filters by kind, and "at risk only"."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.database import engine
from frontend.pages.programme_view import today_at_school
from readmodels.networks.compliance import NetworkCompliance, compliance
from services.networks.access import sees_compliance
from services.networks.events import KINDS
from services.trustyear.events import year_of

board = Blueprint("compliance", __name__)
STATUS_LABELS = {
    "done": "Done",
    "planned": "Planned",
    "to_plan": "To plan",
    "at_risk": "At risk",
    "missed": "Missed",
}


def flagged(row: NetworkCompliance) -> bool:
    return bool(row.at_risk or row.missed or row.unrepresented)


@board.get("/compliance")
def page() -> str:
    if not sees_compliance(g.identity):
        abort(403, "The compliance board is for the improvement leads and the CEO.")
    today = today_at_school()
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    risky = request.args.get("risk") == "yes"
    found = compliance(engine(), year_of(today), today, kind or None)
    rows = [row for row in found.rows if flagged(row)] if risky else found.rows
    context = {
        "board": found,
        "rows": rows,
        "at_risk": sum(1 for row in found.rows if row.at_risk),
        "kind": kind,
        "risky": risky,
        "kinds": KINDS,
        "statuses": STATUS_LABELS,
        "today": today,
    }
    if request.htmx and request.htmx.target == "board":
        return render_block("compliance.html", "board", **context)
    return render_template("compliance.html", **context)
