"""The home page: the PD days, and the log's health (refreshed in place)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import SQLAlchemyError

from frontend.database import engine
from frontend.pages.health import read_health
from readmodels.trustdays import queries
from services.trustdays.access import sees_drafts

home = Blueprint("home", __name__)


@home.get("/")
def index() -> str:
    health = read_health(current_app.extensions["settings"], engine())
    if request.htmx and request.htmx.target == "health":
        return render_block("index.html", "health", health=health)
    try:
        days = queries.listed_days(engine(), drafts=sees_drafts(g.identity))
    except SQLAlchemyError:  # the health panel below says the database is unreachable
        days = None
    return render_template("index.html", health=health, days=days)
