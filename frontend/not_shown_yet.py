"""When read-your-writes runs out: the command was done, but its projection had not read it
within the wait (the projector paused, stopped or far behind). The page then says so, not
an error and not the old state as if nothing had happened; and if the read models cannot
be read at all after a command was done, the error says it was done.

To htmx the answer carries the sentence out of band into #messages; a plain form's redirect
carries `behind=<projection>:<seq>` to the page it lands on, which says it while that
projection is still short of the sequence (a reload once it has caught up says nothing)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Response, abort, current_app, g, request
from markupsafe import Markup

from events.projection import checkpoint

SENTENCE = "It is done, but this page does not show it yet: reload it in a moment."
CANNOT_SHOW = (
    "It is done, but this page cannot show it: the calendar's records cannot be read just "
    "now. Reload it in a minute."
)
"""A command done, then the read models away (frontend.errors.database_unavailable)."""
PARAM = "behind"
BEHIND = re.compile(r"([a-z0-9_]{1,64}):([0-9]{1,18})\Z")
OUT_OF_BAND = Markup(
    '<div hx-swap-oob="beforeend:#messages"><p class="banner warning not-shown-yet" '
    'role="status">{}</p></div>'
)


def done() -> None:
    """A command of this request was done (whatever the page can show of it after)."""
    g.command_done = True


def was_done() -> bool:
    return bool(g.get("command_done"))


def note(projection: str, seq: int) -> None:
    """This request's command was done at `seq`, which `projection` has not read yet."""
    current_app.logger.warning("read your writes ran out: %s has not read %d yet", projection, seq)
    g.not_shown_yet = (projection, seq)


def refuse_a_bad_mark() -> None:
    """Before any page: a `behind` that is not one this module writes is a 422."""
    mark = request.args.get(PARAM)
    if mark is not None and not BEHIND.fullmatch(mark):
        abort(422, f"{PARAM}: not a mark this site writes; open the page without it.")


def say_so(response: Response) -> Response:
    """After a page that noted a write not read yet: tell the person, where they will look."""
    behind = g.get("not_shown_yet")
    if behind is None or response.status_code >= 400:
        return response
    if response.status_code in (301, 302, 303, 307, 308) and response.location:
        response.location = _marked(response.location, behind)
    elif _a_part() and response.mimetype == "text/html":
        response.set_data(response.get_data() + OUT_OF_BAND.format(SENTENCE).encode())
    return response


def still_behind() -> dict[str, str | None]:
    """For base.html: the sentence, after a write this very page noted, or while the page's
    `behind` mark is not read yet."""
    if g.get("not_shown_yet") and not _a_part():
        return {"not_shown_yet": SENTENCE}
    match = BEHIND.fullmatch(request.args.get(PARAM, ""))
    if match is None:
        return {"not_shown_yet": None}
    name, seq = match.group(1), int(match.group(2))
    read = checkpoint(current_app.extensions["engine"], name)
    return {"not_shown_yet": SENTENCE if read < seq else None}


def _a_part() -> bool:
    """An htmx answer that swaps a part in (a boosted one is a whole page, base.html's)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def _marked(location: str, behind: tuple[str, int]) -> str:
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    query.append((PARAM, f"{behind[0]}:{behind[1]}"))
    return urlunsplit(parts._replace(query=urlencode(query)))
