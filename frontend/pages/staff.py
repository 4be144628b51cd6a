"""The staff directory: the staff of one school, searched as you type."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from events.identity import sees_staff, staff_visible_to
from frontend.database import engine
from readmodels.directory.queries import roles_of, school_choices, search_staff

staff = Blueprint("staff", __name__)


@staff.get("/staff")
def page() -> str:
    """The central team sees every school, a headteacher or school CPD lead their own."""
    if not sees_staff(g.identity):
        abort(403, "The staff directory is for headteachers, school CPD leads and the trust.")
    choices = school_choices(engine(), staff_visible_to(g.identity))
    school_id = request.args.get("school") or (choices[0][0] if choices else "")
    if school_id not in dict(choices):
        abort(403, "You can see the staff of your own school only.")
    text = request.args.get("q", "")[:100]
    include_left = request.args.get("left") == "1"
    found = search_staff(engine(), school_id, text, include_left)
    context = {
        "choices": choices,
        "school_id": school_id,
        "q": text,
        "include_left": include_left,
        "found": found,
        "roles": roles_of(engine(), [person.person_id for person in found]),
    }
    if request.htmx and request.htmx.target == "staff-rows":
        return render_block("staff.html", "rows", **context)
    return render_template("staff.html", **context)
