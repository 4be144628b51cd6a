"""Action points: my actions (every person: the open ones, overdue first, each marked done
in one tap), and the overdue actions of each school, for the improvement leads (every
school) and a headteacher (their own).

Marking done is the action's owner's here (the meeting's page lets its organisers change any
of its actions); a private network's actions are left out for anyone not its member."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request
from jinja2_fragments.flask import render_block

from frontend.answers import form_answer
from frontend.clients import networks as service
from frontend.database import engine
from frontend.errors import attempt
from frontend.pages.programme_view import today_at_school
from readmodels.networks import queries
from services.networks.access import sees_compliance
from services.networks.events import ACTION_STATUSES

actions = Blueprint("actions", __name__)
NOTE_MAX = 2000


def sees_overdue(who: Any) -> bool:
    """The overdue actions per school: the improvement leads (every school), a headteacher
    (their school)."""
    return sees_compliance(who) or bool(who.schools_where("headteacher"))


def mine_context(**extra: Any) -> dict[str, Any]:
    today = today_at_school()
    mine = queries.actions_of(engine(), g.identity.person_id)
    return {
        "overdue": [a for a in mine if a.due < today],
        "later": [a for a in mine if a.due >= today],
        "today": today,
        "statuses": ACTION_STATUSES,
        "sees_overdue": sees_overdue(g.identity),
        **extra,
    }


@actions.get("/my-actions")
def mine() -> str:
    return render_template("my_actions.html", **mine_context())


def my_action(action_id: str) -> Any:
    """One of my actions, whatever its status (404 for anyone else's)."""
    found = [a for a in queries.actions_of(engine(), g.identity.person_id, open_only=False)]
    action = next((a for a in found if a.action_id == action_id), None)
    if action is None:
        abort(404, "You have no such action.")
    return action


@actions.post("/my-actions/<action_id>/done")
def done(action_id: str) -> ResponseReturnValue:
    action = my_action(action_id)
    note = request.form.get("note", "").strip()[:NOTE_MAX]
    key = request.form.get("key")
    message, status = attempt(
        lambda: service.update_action(action.meeting_id, action_id, "done", note, key),
        "Done: well done.",
    )

    def line() -> str:
        shown = mine_context(action=my_action(action_id), said={action_id: message})
        return render_block("my_actions.html", "action_line", **shown)

    def page() -> str:
        return render_template("my_actions.html", **mine_context(message=message))

    return form_answer(status, url_for(".mine"), page, line)


@actions.get("/actions/overdue")
def overdue() -> str:
    who = g.identity
    if not sees_overdue(who):
        abort(403, "The overdue actions are for the improvement leads and headteachers.")
    names = queries.school_names(engine())
    mine = None if sees_compliance(who) else sorted(who.schools_where("headteacher"))
    chosen = request.args.get("school", "")
    if chosen and (chosen not in names or (mine is not None and chosen not in mine)):
        abort(404, "There is no such school to show.")
    wanted = [chosen] if chosen else mine
    per_school = queries.overdue_actions(engine(), today_at_school(), who.person_id, wanted)
    shown = sorted(per_school.items(), key=lambda item: (item[0] == "", names.get(item[0], "")))
    context = {
        "per_school": shown,
        "total": len({a.action_id for lines in per_school.values() for a in lines}),
        "schools_late": sum(1 for school_id in per_school if school_id),
        "names": names,
        "choices": [(s, names[s]) for s in (mine or sorted(names, key=lambda s: names[s]))],
        "chosen": chosen,
        "today": today_at_school(),
    }
    if request.htmx and request.htmx.target == "overdue-schools":
        return render_block("overdue_actions.html", "schools", **context)
    return render_template("overdue_actions.html", **context)
