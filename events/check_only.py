"""A command checked, not run. A request with `X-Staffroom-Check: only` passes the identity
check and every arguments schema of its route as any other, and is then answered 204 (the
schemas found nothing wrong) or 422 (their field errors), without its view: nothing is
decided, appended or read. A route that takes no arguments answers 204 at once.

Why: a page that finds something wrong in a form sends nothing, so a person heard only the
page's own checks and learned of the service's rules (a name's length, a link's scheme) on
the next try. The page now asks the service to check the same body and shows both at once
(`frontend.commands.what_the_service_says`): one set of rules, the service's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, request

CHECK_HEADER = "X-Staffroom-Check"
CHECK_ONLY = "only"
_CHECKS = "_answers_checks"
"""Marks a view whose arguments are parsed before it: a check is answered there."""


def asked_to_check() -> bool:
    return request.headers.get(CHECK_HEADER) == CHECK_ONLY


def checked_before(view: Callable[..., Any]) -> Callable[..., Any]:
    """`view` answering a check with 204 instead of running. Its arguments decorators wrap
    this, so a check reaches it only once every schema has passed; wrapped once, however
    many schemas the route has."""
    if getattr(view, _CHECKS, False):
        return view

    @wraps(view)
    def checked_or_run(*args: Any, **kwargs: Any) -> Any:
        if asked_to_check():
            return Response(status=204)
        return view(*args, **kwargs)

    setattr(checked_or_run, _CHECKS, True)
    return checked_or_run


def answer_checks_without_arguments() -> Response | None:
    """Before the view: a check of a route with nothing to check is answered here (and one
    of an unknown route or method gets its 404 or 405 as usual)."""
    if not asked_to_check() or request.routing_exception is not None:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view_class := getattr(view, "view_class", None):  # a MethodView: its method's view
        view = getattr(view_class, request.method.lower(), None)
    return None if getattr(view, _CHECKS, False) else Response(status=204)
