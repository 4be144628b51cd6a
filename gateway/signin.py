"""Signing in and out: OpenID Connect with the trust's Microsoft Entra ID or Google
Workspace, or, in development and demos only, "sign in as" a demo person.

The session cookie holds the person's id and a CSRF token, nothing more.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from gateway.people import demo_people, find_by_email, identity_of

signin = Blueprint("signin", __name__)


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    label: str
    """How the button names the provider: "Microsoft", "Google"."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> OidcSettings | None:
        issuer = environ.get("STAFFROOM_OIDC_ISSUER")
        if not issuer:
            return None
        return cls(
            issuer=issuer.rstrip("/"),
            client_id=environ["STAFFROOM_OIDC_CLIENT_ID"],
            client_secret=environ.get("STAFFROOM_OIDC_CLIENT_SECRET", ""),
            label=environ.get("STAFFROOM_OIDC_LABEL") or _label(issuer),
        )


def _label(issuer: str) -> str:
    host = urlsplit(issuer).hostname or ""
    if host.endswith("microsoftonline.com"):
        return "Microsoft"
    if host.endswith("google.com"):
        return "Google"
    return "your school account"


def init_oidc(oauth: OAuth, oidc: OidcSettings | None) -> None:
    if oidc is not None:
        oauth.register(
            "school",
            client_id=oidc.client_id,
            client_secret=oidc.client_secret,
            server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile"},
        )


def start_session(person_id: str) -> None:
    """A fresh session for the person: nothing from before sign-in survives (no fixation)."""
    session.clear()
    session.permanent = True
    session["person_id"] = person_id
    session["csrf"] = secrets.token_urlsafe(32)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, else the home page.

    Judged as a browser reads it: browsers drop tabs and line breaks anywhere in a URL and
    read a backslash as a slash, so "/<tab>/evil" and "/<backslash>evil" both mean "//evil",
    another site. Any control character is refused (a line break in Location was a 500).
    """
    if not target or CONTROL_CHARACTERS.search(target):
        return "/"
    as_read = target.replace("\\", "/")
    parts = urlsplit(as_read)
    if parts.scheme or parts.netloc or not as_read.startswith("/") or as_read.startswith("//"):
        return "/"
    return target


@signin.get("/sign-in")
def page() -> str:
    settings = current_app.extensions["settings"]
    people = demo_people(current_app.extensions["engine"]) if settings.dev else []
    return render_template(
        "signin.html",
        oidc=current_app.extensions["oidc"],
        dev=settings.dev,
        people=people,
        next=safe_next(request.args.get("next")),
    )


@signin.get("/sign-in/school")
def with_school_account() -> BaseResponse:
    if current_app.extensions["oidc"] is None:
        abort(404)
    session["next"] = safe_next(request.args.get("next"))
    client = current_app.extensions["oauth"].school
    return client.authorize_redirect(url_for("signin.callback", _external=True))


@signin.get("/sign-in/callback")
def callback() -> BaseResponse | tuple[str, int]:
    if current_app.extensions["oidc"] is None:
        abort(404)
    client = current_app.extensions["oauth"].school
    try:
        claims = client.authorize_access_token()["userinfo"]
    except OAuthError as error:
        return render_template("signin_failed.html", reason=error.description), 400
    email = work_email(claims)
    person_id = find_by_email(current_app.extensions["engine"], email) if email else None
    if person_id is None:
        return render_template("signin_unknown.html", email=email), 403
    target = safe_next(session.get("next"))
    start_session(person_id)
    return redirect(target)


def work_email(claims: Mapping[str, object]) -> str | None:
    """Google gives `email` (trust it only when verified); Entra ID gives `email` when the
    mailbox has one, and the sign-in name (`preferred_username`, `upn`) otherwise."""
    if claims.get("email_verified") is False:
        return None
    for claim in ("email", "preferred_username", "upn"):
        value = claims.get(claim)
        if isinstance(value, str) and "@" in value:
            return value
    return None


@signin.post("/sign-in/as")
def as_demo_person() -> BaseResponse:
    if not current_app.extensions["settings"].dev:
        abort(404)
    engine = current_app.extensions["engine"]
    email = request.form.get("email", "").strip()
    person_id = find_by_email(engine, email) if email else request.form.get("person_id", "")
    if not person_id or identity_of(engine, person_id, "") is None:
        abort(422, "Choose someone on the list, or give the work email of someone in the trust.")
    start_session(person_id)
    return redirect(safe_next(request.form.get("next")))


@signin.post("/sign-out")
def sign_out() -> BaseResponse:
    session.clear()
    return redirect(url_for("signin.page"))
