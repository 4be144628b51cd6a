"""Text a page reads from its query string, bounded. Anyone can write a link, so no query
value is taken past what a page of ours writes: one longer is a 422 naming its field (as
events.text.unstorable_said names one), before the page reads or does anything."""

from __future__ import annotations

from flask import abort, request

from events.text import our_names

QUERY_MAX = 200
"""Characters of any query value: more than any link or form of ours writes (a search is
at most 100, an id 36, a stamp or an announcement under 100)."""


def too_long(fields: list[str], limit: int) -> str:
    """A page's 422 for overlong `fields`, naming them where `our_names` may, never with
    the value."""
    if named := our_names(fields):
        return f"{named}: keep it to {limit} characters; open the page without it."
    return f"A field is longer than {limit} characters; open the page without it."


def refuse_overlong_query() -> None:
    """Before any page: a query value longer than QUERY_MAX is a 422."""
    fields = sorted(
        {name for name, values in request.args.lists() if any(len(v) > QUERY_MAX for v in values)}
    )
    if fields:
        abort(422, too_long(fields, QUERY_MAX))


def bounded(name: str, limit: int, default: str = "") -> str:
    """Query value `name` (else `default`): one longer than `limit` is a 422 naming it."""
    value = request.args.get(name, default)
    if len(value) > limit:
        abort(422, too_long([name], limit))
    return value
