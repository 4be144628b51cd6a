"""Signing in and out: OpenID Connect with the trust's Microsoft Entra ID or Google
Workspace, or, in development and demos only, "sign in as" a demo person.

The session cookie holds the id of a sign-in kept on the server (so signing out ends it)
and a CSRF token, nothing more.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from werkzeug.wrappers import Response as BaseResponse

from events.identity import (
    IDENTITY_HEADER,
    SIGN_IN_HEADER,
    Identity,
    IdentitySigner,
    SignInProof,
)
from events.text import unstorable_fields, unstorable_said
from gateway.csrf import csrf_token
from gateway.identities import IdentityCache
from readmodels.directory.queries import (
    demo_people,
    find_by_email,
    identity_of,
    is_linked_for,
    linked_person,
)
from readmodels.signins import identity_of_sign_in, open_sign_in, revoke_sign_in

if TYPE_CHECKING:
    from authlib.integrations.flask_client import OAuth
    from flask import Flask

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


def init_oidc(app: Flask, oidc: OidcSettings | None) -> OAuth | None:
    """The school accounts' OpenID Connect client, when one is configured. Authlib (with
    requests, cryptography and joserfc: about 14 MB in each gateway worker) is imported only
    then: a trust that signs in another way never loads it."""
    if oidc is None:
        return None
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    oauth.register(
        "school",
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )
    return oauth


def start_session(person_id: str) -> None:
    """A fresh session for the person: nothing from before sign-in survives (no fixation).
    The cookie names a sign-in kept on the server, so that signing out can end it."""
    session.clear()
    session.permanent = True
    session["sid"] = open_sign_in(current_app.extensions["engine"], person_id)
    session["csrf"] = secrets.token_urlsafe(32)


def current_identity() -> Identity | None:
    """Who this request's session signed in, while their sign-in is open: one that has
    ended (signed out, past its lifetime, or its person has left) is revoked and forgotten.
    Read at most every IDENTITY_SECONDS per sign-in and worker (gateway/identities.py)."""
    session_id = session.get("sid")
    if not session_id:
        return None
    engine = current_app.extensions["engine"]
    token = csrf_token()
    known: IdentityCache = current_app.extensions["gateway.identities"]
    identity = known.get(
        (session_id, token), lambda: identity_of_sign_in(engine, session_id, token)
    )
    if identity is None:
        revoke_sign_in(engine, session_id)
        session.clear()
    return identity


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


PROVIDER_REFUSALS = {
    "access_denied": "You, or your school, said no to signing in to Staffroom.",
    "consent_required": "Your school has not allowed Staffroom to use its sign-in yet: ask "
    "your school's IT team.",
    "login_required": "Your school's sign-in asked you to sign in again: try again.",
    "interaction_required": "Your school's sign-in needs something more from you: try again.",
    "temporarily_unavailable": "Your school's sign-in is not answering just now: try again "
    "in a few minutes.",
    "mismatching_state": "The sign-in took too long, or was started in another window: try again.",
}
"""What the page says for a refusal it knows (OAuth 2.0's error codes, RFC 6749 4.1.2.1;
OpenID Connect's; authlib's own for a callback not from this browser). A provider's own
words (error_description) come from the query string, which anyone can write, and are
never shown: any other refusal is the page's general sentence."""


@signin.get("/sign-in/callback")
def callback() -> BaseResponse | tuple[str, int]:
    if current_app.extensions["oidc"] is None:
        abort(404)
    from authlib.integrations.base_client import OAuthError

    client = current_app.extensions["oauth"].school
    try:
        claims = client.authorize_access_token()["userinfo"]
    except OAuthError as error:
        return render_template("signin_failed.html", reason=PROVIDER_REFUSALS.get(error.error)), 400
    email = work_email(claims)
    issuer = str(claims.get("iss") or current_app.extensions["oidc"].issuer)
    try:
        person_id = person_signing_in(issuer, str(claims["sub"]), email)
    except NotLinked as error:
        return render_template("signin_failed.html", reason=str(error)), 503
    if person_id is None:
        return render_template("signin_unknown.html", email=email), 403
    target = safe_next(session.get("next"))
    start_session(person_id)
    return redirect(target)


class NotLinked(Exception):
    """The directory could not say whether it linked an identity: the sign-in stops."""


def person_signing_in(issuer: str, subject: str, email: str | None) -> str | None:
    """The person an OpenID Connect identity is: the one it was linked to on its first
    sign-in; else the active person with its work email, if the directory links it to them
    now (it refuses if they already sign in with another identity of this issuer, so a
    changed email cannot move an identity)."""
    engine = current_app.extensions["engine"]
    linked = linked_person(engine, issuer, subject)
    if linked is not None:
        return linked if identity_of(engine, linked, "") else None
    person_id = find_by_email(engine, email) if email else None
    if person_id is None or is_linked_for(engine, issuer, person_id):
        return None
    return person_id if link_in_directory(person_id, issuer, subject) else None


def link_in_directory(person_id: str, issuer: str, subject: str) -> bool:
    """Ask the directory to link the identity to the person (it decides: an identity is one
    person's, a person has one per issuer). False if it refuses."""
    identity = identity_of(current_app.extensions["engine"], person_id, "")
    url = current_app.extensions["routes"].services.get("directory")
    if identity is None:
        return False
    if url is None:
        raise NotLinked("The directory service is not configured.")
    secret = current_app.extensions["settings"].require_secret_key()
    headers = {
        IDENTITY_HEADER: IdentitySigner(secret).sign(identity),
        SIGN_IN_HEADER: SignInProof(secret).sign(person_id, issuer, subject),
    }
    client: httpx.Client = current_app.extensions["gateway.client"]
    link = {"issuer": issuer, "subject": subject}
    try:
        answer = client.post(url.rstrip("/") + "/me/identity", json=link, headers=headers)
    except httpx.HTTPError:
        raise NotLinked("The directory is not answering: try again in a minute.") from None
    if answer.status_code >= 500:
        raise NotLinked("The directory could not record your sign-in: try again.")
    return answer.is_success


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


@signin.before_request
def refuse_unstorable_text() -> None:
    # A NUL in an email was a 500 on PostgreSQL; no sign-in needs such characters.
    # `next` is not refused but made safe (safe_next): a bad link still signs you in.
    given = {k: v for k, v in request.form.lists() if k != "next"}
    if fields := unstorable_fields(given):
        abort(422, unstorable_said(fields))


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
    if session.get("sid"):
        revoke_sign_in(current_app.extensions["engine"], session["sid"])
        current_app.extensions["gateway.identities"].forget(session["sid"])
    session.clear()
    return redirect(url_for("signin.page"))


def limit_failed_sign_ins(app: Flask, limiter: Limiter, per_address: str, per_account: str) -> None:
    """Count only failed sign-ins, per address and per account tried: what guessing needs.
    A whole school signing in from one address is never slowed down. (Call after the
    blueprint is registered: the limits wrap its views.)"""

    def wrap(endpoint: str, limit: Any) -> None:
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])

    for endpoint in ("signin.callback", "signin.as_demo_person"):
        wrap(endpoint, limiter.limit(per_address, deduct_when=_failed))
    per_account_limit = limiter.limit(per_account, key_func=_account_tried, deduct_when=_failed)
    wrap("signin.as_demo_person", per_account_limit)


def _failed(response: Response) -> bool:
    return response.status_code >= 400


def _account_tried() -> str:
    """The account a "sign in as" names (by email or id); OpenID Connect accounts are the
    provider's to protect, and a failed callback names none we can trust."""
    tried = request.form.get("email", "").strip().lower() or request.form.get("person_id", "")
    return f"account:{tried}"
