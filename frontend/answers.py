"""How a page answers a form: to htmx, the part of the page the form changed; to a plain
form, a redirect back when it worked (so a reload sends nothing twice), or the whole page
again with what was wrong and its 4xx."""

from __future__ import annotations

from collections.abc import Callable

from flask import redirect
from flask.typing import ResponseReturnValue
from htmx_flask import request

Render = Callable[[], str]


def form_answer(status: int, back: str, page: Render, part: Render) -> ResponseReturnValue:
    """`back` is where a plain form returns; `page` and `part` render only when needed."""
    if request.htmx and not request.htmx.boosted:
        return part(), status
    if status < 400:
        return redirect(back, 303)
    return page(), status
