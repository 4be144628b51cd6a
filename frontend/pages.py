"""The pages. Each answers a plain request with a whole page, and an htmx request that
targets one of its parts with that part alone (one template block: the two cannot drift)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import SQLAlchemyError

from frontend import pd_queries
from frontend.health import read_health
from frontend.readmodels import engine
from frontend.staff import readable_schools, roles_of, school_choices, search_staff

pages = Blueprint("pages", __name__)


@pages.get("/")
def index() -> str:
    health = read_health(current_app.extensions["settings"], current_app.extensions["engine"])
    if request.htmx and request.htmx.target == "health":
        return render_block("index.html", "health", health=health)
    try:
        days = pd_queries.listed_days(engine(), drafts=g.identity.holds("cpd_manager"))
    except SQLAlchemyError:  # the health panel below says the database is unreachable
        days = None
    return render_template("index.html", health=health, days=days)


@pages.get("/staff")
def staff() -> str:
    """The staff of one school: the central team sees every school, a headteacher or school
    CPD lead their own; active search as you type."""
    engine = current_app.extensions["engine"]
    readable = readable_schools(g.identity)
    if readable is not None and not readable:
        abort(403, "The staff directory is for headteachers, school CPD leads and the trust.")
    choices = school_choices(engine, readable)
    school_id = request.args.get("school") or (choices[0][0] if choices else "")
    if school_id not in dict(choices):
        abort(403, "You can see the staff of your own school only.")
    text = request.args.get("q", "")[:100]
    include_left = request.args.get("left") == "1"
    found = search_staff(engine, school_id, text, include_left)
    context = {
        "choices": choices,
        "school_id": school_id,
        "q": text,
        "include_left": include_left,
        "found": found,
        "roles": roles_of(engine, [person.person_id for person in found]),
    }
    if request.htmx and request.htmx.target == "staff-rows":
        return render_block("staff.html", "rows", **context)
    return render_template("staff.html", **context)
