"""Reading and driving the frontend's pages as a person does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient

from events.config import Settings
from events.identity import IDENTITY_HEADER, Identity
from frontend import create_app
from tests.support.identity import signed, someone

HTMX = {"HX-Request": "true"}


def text(html: str) -> str:
    """What a person reads: the page without its tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def details_without_an_id(html: str) -> list[str]:
    """The `<details>` of a page's part that have no id: a live redraw or a tap's answer
    would close them under the reader's finger (frontend/static/app.js opens again, after a
    swap, only those it finds by id)."""
    return re.findall(r"<details\b(?![^>]*\bid=)[^>]*>", html)


@contextmanager
def frontend(settings: Settings) -> Iterator[Flask]:
    """The frontend app on `settings`, its database engine closed after."""
    app = create_app(settings)
    yield app
    app.extensions["engine"].dispose()


def signed_in(app: Flask, identity: Identity | None = None) -> FlaskClient:
    """A test client of `app` that the gateway has signed in as `identity` (a teacher)."""
    client = app.test_client()
    client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(identity or someone())[
        IDENTITY_HEADER
    ]
    return client


def act(client, day: dict, session_id: str, action: str, headers=HTMX):
    """Book, cancel or move on a session of the day's programme, with a key of its own."""
    url = f"/days/{day['day_id']}/sessions/{session_id}/{action}"
    return client.post(url, data={"key": f"{action}-{session_id}-{id(client)}"}, headers=headers)


GATEWAYS_OWN = ("/static/", "/api/", "/sign-in", "/sign-out", "/healthz")
"""Paths the gateway answers itself: the frontend alone does not have them."""


def links_of(html: str) -> set[str]:
    """The page's links to pages of ours (not the gateway's own), without their #part."""
    links = {
        href.replace("&amp;", "&").partition("#")[0]
        for href in re.findall(r'<a\b[^>]*\bhref="(/[^"]*)"', html)
    }
    return {link for link in links if link and not link.startswith(GATEWAYS_OWN)}


def links_refused(client: FlaskClient, html: str) -> list[tuple[str, int]]:
    """Each link of the page (to a page of ours) that answers this reader 403 or 404: a
    link shown to someone who may not open it."""
    answers = {link: client.get(link).status_code for link in sorted(links_of(html))}
    return [(link, status) for link, status in answers.items() if status in (403, 404)]
