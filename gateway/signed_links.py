"""The signed links of an email (deploy/secret_paths.py SIGNED_LINKS) are reached without
signing in: their token is the credential (an HMAC with the trust's secret key: not
guessable), and the frontend answers a forged or damaged one 404. Guessing is slowed all
the same, as failed sign-ins are: only the links that failed count, per address, so a
whole school answering an invitation from one address is never slowed down; past the limit
that address gets 429 on these links (and on them alone) until its window has passed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from deploy.secret_paths import SIGNED_LINKS
from gateway.errors import error

SCOPE = "signed-links"


def limit_forged_links(app: Flask, limiter: Limiter, per_address: str) -> None:
    """Wrap the proxy's view (call after it is registered). The limiter's storage is used
    directly: its hooks run for the sign-in pages alone (gateway.limits_for_blueprint), and
    any other request goes straight on, never near the limiter."""
    relay: Callable[..., Any] = app.view_functions["proxy"]
    rate = parse(per_address)

    @wraps(relay)
    def proxy(**kwargs: Any) -> Any:
        if not request.path.startswith(SIGNED_LINKS):
            return relay(**kwargs)
        address = get_remote_address()
        if not limiter.limiter.test(rate, SCOPE, address):
            refused = error(
                429,
                "too_many_requests",
                "Too many links that are not ours came from here: wait a minute, then open "
                "the link from the email again.",
            )
            refused.headers["Retry-After"] = "60"
            return refused
        answer = app.make_response(relay(**kwargs))
        if answer.status_code == 404:
            limiter.limiter.hit(rate, SCOPE, address)
        return answer

    app.view_functions["proxy"] = proxy
