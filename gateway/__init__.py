"""The gateway: the one door. It signs people in, routes /api/<service>/... to that service
and everything else to the frontend, passes the signed-in person on in a short-lived signed
header, checks CSRF on every state-changing request and sets the security headers.

A service sees the path after /api/<service>, with that prefix in X-Forwarded-Prefix
(werkzeug's ProxyFix(x_prefix=1) makes its url_for include it again).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import httpx
from flask import Flask, Response, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from deploy.secret_paths import SECRET_PATHS, mask_secrets_in
from events import timeouts
from events.config import Settings
from events.db import create_db_engine
from events.identity import IdentitySigner
from events.in_flight import Full, InFlight
from gateway.csrf import check_csrf, csrf_token
from gateway.docs import docs
from gateway.errors import (
    database_unavailable,
    error,
    http_error,
    no_answer,
    not_sent,
    too_many_waiting,
)
from gateway.identities import HeaderSigner, IdentityCache
from gateway.in_process import serve
from gateway.limits import MAX_BODY, limit_body, too_large
from gateway.proxy import NoAnswer, NotSent, Upstreams
from gateway.routes import Routes
from gateway.signed_links import limit_forged_links
from gateway.signin import (
    OidcSettings,
    current_identity,
    init_oidc,
    limit_failed_sign_ins,
    safe_next,
    signin,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000"
"""A year: a browser that has seen Staffroom over HTTPS never tries plain HTTP for it."""
OPEN_PATHS = ("/static/", "/healthz", "/favicon.ico", *SECRET_PATHS)
"""Reached without signing in: assets, health, calendar feeds (their URL holds a secret),
and the links of an email signed for one person (unsubscribe, an invitation's answer, a
poll's personal link): deploy/secret_paths.py, whose secrets the access log masks."""


def create_app(
    routes: Routes | None = None,
    settings: Settings | None = None,
    oidc: OidcSettings | None = None,
    timeout: float = timeouts.SERVICE_CALL,
    identities: IdentityCache | None = None,
    frontend: WSGIApplication | None = None,
    frontend_timeout: float = timeouts.FRONTEND_RELAY,
) -> Flask:
    """The gateway; with `frontend`, that WSGI app serves the pages in this process instead
    of the frontend at `routes.frontend` over HTTP (gateway/in_process.py). A service is
    waited for `timeout` seconds, the frontend over HTTP `frontend_timeout`: longer than
    its own bounded waits (events/timeouts.py)."""
    routes = routes or Routes.from_env()
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)  # /static/ is the frontend's
    mask_secrets_in(app.logger)
    mask_secrets_in(logging.getLogger("urllib3.connectionpool"))  # its retries name the URL
    app.config.update(
        SECRET_KEY=settings.require_secret_key(),
        SESSION_COOKIE_NAME="staffroom_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.dev,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        SESSION_REFRESH_EACH_REQUEST=False,  # the sign-in's lifetime runs from signing in
        MAX_CONTENT_LENGTH=MAX_BODY,
    )
    app.before_request(limit_body)  # first of all: nothing reads an oversize body
    app.register_error_handler(RequestEntityTooLarge, too_large)
    upstreams = Upstreams(
        timeout, InFlight(settings.in_flight_per_service), frontend_timeout=frontend_timeout
    )
    client = httpx.Client(  # for the gateway's own calls (linking a sign-in in the directory)
        timeout=httpx.Timeout(timeout, connect=min(timeout, timeouts.CONNECT)),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )
    oidc = oidc or OidcSettings.from_env()
    oauth = init_oidc(app, oidc)
    app.extensions.update(
        {
            "settings": settings,
            "engine": create_db_engine(settings.database_url),
            "routes": routes,
            "gateway.upstreams": upstreams,
            "gateway.client": client,
            "oidc": oidc,
            "oauth": oauth,
            "gateway.identities": identities or IdentityCache(),
        }
    )
    signer = HeaderSigner(IdentitySigner(settings.require_secret_key()))
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.rate_limit_storage,
    )
    app.register_blueprint(signin)
    limit_failed_sign_ins(
        app,
        limiter,
        settings.signin_rate_limit,
        settings.signin_account_rate_limit,
    )
    limits_for_blueprint(app, "signin")
    app.register_blueprint(docs)
    app.before_request(check_csrf)
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.route("/", defaults={"path": ""}, methods=METHODS)
    @app.route("/<path:path>", methods=METHODS)
    def proxy(path: str) -> BaseResponse:
        target = routes.target(request.path)
        if target is None:
            name = request.path.removeprefix("/api/").partition("/")[0]
            return error(404, "not_found", f"There is no service at /api/{name}.")
        identity = current_identity()
        if identity is None and not request.path.startswith(OPEN_PATHS):
            return sign_in_first()
        header = signer.sign(identity) if identity else None
        if frontend is not None and target.is_frontend:
            return serve(frontend, request, header)
        try:
            return upstreams.relayed(request, target, header)
        except Full:
            app.logger.warning("%s: too many requests waiting on it", target.label)
            return too_many_waiting(target)
        except NotSent as why:
            app.logger.warning("%s is not answering: %s", target.label, why)
            return not_sent(target)
        except NoAnswer as why:
            app.logger.warning("%s did not answer: %s", target.label, why)
            return no_answer(target)

    limit_forged_links(app, limiter, settings.signed_link_rate_limit)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(SQLAlchemyTimeoutError, database_unavailable)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if not settings.dev:  # production is served over HTTPS only
            response.headers["Strict-Transport-Security"] = HSTS
        if "Cache-Control" not in response.headers:
            response.cache_control.no_store = True  # an API answer, a sign-in page: personal
        return response

    return app


def limits_for_blueprint(app: Flask, blueprint: str) -> None:
    """Flask-Limiter's hooks on `blueprint`'s requests only: the limits are there, and its
    hooks on every relayed request were about 7% of the gateway's CPU (make bench --only
    front). Its views' own limits still check inside them."""
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        _move_limiter_hooks(cast(dict[Any, list[Any]], hooks), blueprint)


def _move_limiter_hooks(hooks: dict[Any, list[Any]], blueprint: str) -> None:
    everywhere = hooks.get(None, [])
    hooks[None] = [f for f in everywhere if not _is_limiter_hook(f)]
    hooks.setdefault(blueprint, []).extend(f for f in everywhere if _is_limiter_hook(f))


def _is_limiter_hook(function: object) -> bool:
    owner = getattr(function, "__self__", None) or getattr(function, "args", [None])[0]
    return isinstance(owner, Limiter)


def sign_in_first() -> BaseResponse:
    """Pages send a visitor to sign in and back; the API and htmx answer 401."""
    sign_in = url_for("signin.page", next=safe_next(request.full_path.rstrip("?")))
    api = request.path.startswith("/api/")
    if request.method == "GET" and not api and not request.headers.get("HX-Request"):
        return redirect(sign_in)
    response = error(401, "unauthenticated", "Sign in first.")
    if not api:
        response.headers["HX-Redirect"] = sign_in  # htmx does not swap a 401: go to sign in
    return response
