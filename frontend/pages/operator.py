"""The operator's page: the log's health for the trust admin, refreshed in place."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.database import engine
from frontend.pages.health import read_health
from frontend.pages.nav import keeps_the_log

operator = Blueprint("operator", __name__)


@operator.get("/operator")
def page() -> str:
    if not keeps_the_log(g.identity):
        abort(403, "The log's health is for the trust admin.")
    health = read_health(current_app.extensions["settings"], engine())
    if request.htmx and request.htmx.target == "health":
        return render_block("operator.html", "health", health=health)
    return render_template("operator.html", health=health)
