"""What a person chooses to be sent (/me/notifications): straight away, in the daily digest
(07:00 UK time, for the kinds that may wait) or not at all; and the one-click unsubscribe
of an email's List-Unsubscribe link (RFC 8058), which needs no sign-in: the link is signed
for one person and one kind (the digest's turns off every kind the person had put in it).
Confirmations, changes and cancellations are always sent at once."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue

from events.identity import IDENTITY_HEADER, Identity, IdentitySigner
from frontend.clients import notifications as client
from frontend.database import engine
from readmodels.notifications import queries
from services.notifications import unsubscribe
from services.notifications.events import ALWAYS_SENT, DIGESTIBLE, KINDS

preferences = Blueprint("preferences", __name__)
OPTIONAL = [kind for kind in KINDS if kind not in ALWAYS_SENT and kind != "digest"]
CHOICES = {"now": "Send it straight away", "digest": "In the daily digest", "off": "Do not send it"}


def choices_for(kind: str) -> dict[str, str]:
    """What may be chosen for a kind: the digest only for what may wait a day."""
    return {c: label for c, label in CHOICES.items() if c != "digest" or kind in DIGESTIBLE}


def page_of(person_id: str, saved: bool = False, errors: dict[str, str] | None = None) -> str:
    chosen = queries.preferences_of(engine(), person_id)
    return render_template(
        "preferences.html",
        kinds=[
            (kind, KINDS[kind], chosen.get(kind, "now"), choices_for(kind)) for kind in OPTIONAL
        ],
        always=[KINDS[kind] for kind in KINDS if kind in ALWAYS_SENT],
        saved=saved,
        errors=errors or {},
    )


@preferences.get("/me/notifications")
def page() -> str:
    return page_of(g.identity.person_id)


@preferences.post("/me/notifications")
def save() -> ResponseReturnValue:
    kinds = {kind: request.form.get(kind, "now") for kind in OPTIONAL}
    wrong = {
        kind: "Choose one of the options."
        for kind, c in kinds.items()
        if c not in choices_for(kind)
    }
    if wrong:
        return page_of(g.identity.person_id, errors=wrong), 422
    client.set_preferences(g.identity.person_id, kinds, request.form.get("key"))
    return page_of(g.identity.person_id, saved=True)


def signed_link(token: str) -> tuple[str, str]:
    secret = current_app.extensions["settings"].require_secret_key()
    found = unsubscribe.read(secret, token)
    if found is None:
        abort(404, "This link is not one of ours, or it is damaged.")
    return found


@preferences.get("/notifications/unsubscribe/<token>")
def unsubscribe_page(token: str) -> str:
    _, kind = signed_link(token)
    return unsubscribed(kind, token, done=False)


@preferences.post("/notifications/unsubscribe/<token>")
def unsubscribe_now(token: str) -> ResponseReturnValue:
    """One click, from the mail client (List-Unsubscribe-Post) or the page's button. The
    digest's link turns off every kind the person had put in the digest (the service
    expands `{"digest": "off"}`): no digest comes, and its kinds do not come one by one."""
    person_id, kind = signed_link(token)
    turn_off(person_id, kind)
    return unsubscribed(kind, token, done=True)


def unsubscribed(kind: str, token: str, done: bool) -> str:
    label = KINDS[kind]
    return render_template(
        "unsubscribe.html", kind=label, digest=kind == "digest", token=token, done=done
    )


def turn_off(person_id: str, kind: str) -> None:
    """As the person the link was signed for: the link is their say-so."""
    settings = current_app.extensions["settings"]
    url = current_app.extensions["services"].get(client.SERVICE)
    if url is None:
        abort(503, "The notifications service is not configured.")
    them = Identity(person_id=person_id, name="", email="", school_id=None)
    headers: dict[str, Any] = {
        IDENTITY_HEADER: IdentitySigner(settings.require_secret_key()).sign(them)
    }
    http = current_app.extensions["service_client"]
    answer = http.put(
        f"{url.rstrip('/')}/people/{person_id}/preferences",
        json={"kinds": {kind: "off"}},
        headers=headers,
    )
    if answer.status_code >= 400:
        abort(503, "Your choice could not be saved just now: try the link again.")
