"""The pages. Each answers a plain request with a whole page, and an htmx request that
targets one of its parts with that part alone (one template block: the two cannot drift)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.health import read_health

pages = Blueprint("pages", __name__)


@pages.get("/")
def index() -> str:
    health = read_health(current_app.extensions["settings"], current_app.extensions["engine"])
    if request.htmx and request.htmx.target == "health":
        return render_block("index.html", "health", health=health)
    return render_template("index.html", health=health)
