"""Who may see a PD day, for every page about one: the trust days' rule (services/trustdays/
access.py, which their API enforces too): a draft is the CPD manager's alone, and to
everyone else it does not exist (404)."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import Row

from frontend.database import engine
from readmodels.trustdays import queries
from services.trustdays.access import may_see_day


def may_see(day: Row | None) -> bool:
    return day is not None and may_see_day(g.identity, day.status)


def visible_day(day_id: str) -> Row:
    """The day, or 404 if there is none or it is a draft the person may not see."""
    day = queries.find_day(engine(), day_id)
    if day is None or not may_see(day):
        abort(404, "There is no such PD day.")
    return day
