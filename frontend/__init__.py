"""The frontend: server-rendered pages with htmx, reading the read models."""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import date, datetime

import httpx
from flask import Flask, Response, abort, g, request
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from deploy.secret_paths import mask_secrets_in
from events import timeouts
from events.calendar import SCHOOL_TIME
from events.config import Settings, service_urls
from events.db import create_db_engine
from events.identity import IDENTITY_HEADER, IdentitySigner, InvalidIdentity, sees_staff
from events.service import IDEMPOTENCY_KEY, VerifiedHeaders
from events.text import unstorable_fields, unstorable_said
from frontend import not_shown_yet
from frontend.errors import answer_errors
from frontend.query import refuse_overlong_query
from services.trustdays.events import VOCABULARIES as TRUSTDAYS_LABELS

SIGNED_LINKS = {
    "invitation_answers.invitation",
    "invitation_answers.answer_by_link",
    "poll_links.poll",
    "poll_links.vote",
}
"""An email's links signed for one person (services/notifications/invitations.py): served
without a signed-in person, and told who is signed in when someone is (the page says when
that is someone else: the link answers for the person it names)."""
OPEN_ENDPOINTS = {"static", "feeds.personal", "feeds.trust", *SIGNED_LINKS}
OPEN_ENDPOINTS |= {"preferences.unsubscribe_page", "preferences.unsubscribe_now"}  # signed links
"""Served without a signed-in person: assets, calendar feeds (their URL holds a secret), and
the links of an email, signed for one person."""
MAX_BODY = 1024 * 1024
"""Bytes of a request body: a page's forms send a few hundred."""


def keep_out_of_shared_caches(response: Response) -> Response:
    """Every page and export is someone's own (their bookings, a school's staff, a
    register): no cache keeps it, not a shared computer's back button nor a proxy. Calendar
    feeds keep revalidating with their ETag, in the calendar app's own cache alone."""
    if request.endpoint == "static":
        return response
    if request.blueprint == "feeds":
        response.cache_control.private = True
    else:
        response.cache_control.no_store = True
    return response


def school_time(moment: datetime | None) -> str:
    """A moment in the schools' time, to the minute: "17:30 on Tuesday 1 December 2026"."""
    if moment is None:
        return ""
    at_school = moment.astimezone(SCHOOL_TIME)
    return f"{at_school:%H:%M} on {long_date(at_school.date())}"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def create_app(settings: Settings | None = None, services: dict[str, str] | None = None) -> Flask:
    """The frontend; `services` are the URLs of the services its pages send commands to.
    Its pages are imported here, so a process that needs one frontend module loads none
    of the pages."""
    from frontend.pages import BLUEPRINTS

    settings = settings or Settings.from_env()
    app = Flask(__name__)
    mask_secrets_in(app.logger)  # an error on a feed or a signed link names its path
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    Htmx(app)
    # Only the gateway talks to the frontend: trust its X-Forwarded-* headers.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.extensions["settings"] = settings
    app.extensions["engine"] = create_db_engine(settings.database_url)
    app.extensions["services"] = service_urls() if services is None else services
    app.extensions["service_client"] = httpx.Client(
        timeout=httpx.Timeout(timeouts.SERVICE_CALL, connect=timeouts.CONNECT),
        limits=httpx.Limits(max_keepalive_connections=20),
    )
    app.jinja_env.filters["school_time"] = school_time
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals["form_key"] = form_key
    app.jinja_env.globals["sees_staff"] = sees_staff
    app.jinja_env.globals["trustdays_labels"] = TRUSTDAYS_LABELS  # {field: {value: label}}
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    answer_errors(app)
    signer = VerifiedHeaders(IdentitySigner(settings.require_secret_key()))  # once each

    @app.before_request
    def identify() -> None:
        # The gateway signs people in; a request that did not come through it is refused.
        if request.endpoint in OPEN_ENDPOINTS:
            if request.endpoint in SIGNED_LINKS and request.headers.get(IDENTITY_HEADER):
                with suppress(InvalidIdentity):  # the link is the credential, not the sign-in
                    g.identity = signer.verify(request.headers.get(IDENTITY_HEADER))
            return
        try:
            g.identity = signer.verify(request.headers.get(IDENTITY_HEADER))
        except InvalidIdentity as error:
            abort(401, f"Sign in first: {error}.")

    @app.before_request
    def refuse_unstorable_text() -> None:
        # NUL in a search failed on PostgreSQL (500); no page or form needs such characters,
        # and no day, session or person has an id with one (in the path: 404, as any other).
        if unstorable_fields(request.view_args or {}):
            abort(404, "There is no such page: its address holds a character no page uses.")
        if fields := unstorable_fields(request.args, request.form):
            abort(422, unstorable_said(fields))

    @app.before_request
    def refuse_unsendable_key() -> None:
        # Each form's key goes to the service as its Idempotency-Key header: one that no
        # header can carry (non-ASCII, a space, a line break) was a 500 before it was sent.
        if any(not IDEMPOTENCY_KEY.fullmatch(key) for key in request.form.getlist("key") if key):
            abort(422, "key: not a key this page gave; reload the page and send the form again.")

    app.before_request(refuse_overlong_query)
    app.before_request(not_shown_yet.refuse_a_bad_mark)
    app.after_request(not_shown_yet.say_so)
    app.context_processor(not_shown_yet.still_behind)

    @app.context_processor
    def signed_in() -> dict:
        return {"identity": g.get("identity"), "dev": settings.dev}

    app.after_request(keep_out_of_shared_caches)

    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        # The same URL answers an htmx request that targets a part with that part alone.
        response.vary.update(("HX-Request", "HX-Target"))
        return response

    return app


def form_key() -> str:
    """Each form's Idempotency-Key: random, not a UUIDv7 (making one per button was a fifth
    of rendering a tap's answer, and more than one a millisecond moves uuid6's timestamps
    ahead of the clock)."""
    return secrets.token_hex(16)
