"""CSRF protection for every state-changing request, pages and htmx and API alike.

The token lives in the session; pages carry it in forms (`csrf_token`) and in htmx's
`hx-headers` (`X-CSRF-Token`). SameSite=Lax cookies already stop most cross-site posts;
the token also stops the rest (a sibling subdomain, an old browser).
"""

from __future__ import annotations

import secrets

from flask import abort, request, session

from deploy.secret_paths import SIGNED_LINKS

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's token, made on first use (a visitor signing in needs one too)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse an unsafe request without the session's token: 403, and nothing is passed on."""
    if request.method in SAFE_METHODS or request.path.startswith(SIGNED_LINKS):
        return
    request.get_data()  # cached first, so the body can still be passed on after the form is read
    sent = request.headers.get(HEADER) or request.form.get(FIELD)
    expected = session.get("csrf")
    if not sent or not expected or not secrets.compare_digest(sent, expected):
        abort(
            403,
            "This form has expired or did not come from Staffroom: reload the page and try again.",
        )
