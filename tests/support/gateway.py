"""Browsers that have signed in to the gateway: with a session opened directly, or through
the OpenID Connect provider's pages."""

from __future__ import annotations

import httpx
from flask import Flask
from flask.testing import FlaskClient

from readmodels.signins import open_sign_in


def signed_in(app: Flask, person_id: str, csrf: str = "the-token") -> FlaskClient:
    """A browser holding the session of a person who has signed in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = open_sign_in(app.extensions["engine"], person_id)
        session["csrf"] = csrf
    return client


def sign_in_at_provider(browser: httpx.Client, email: str, next_path: str = "/") -> httpx.Response:
    """Click "Sign in with Microsoft", say who you are at the provider, and come back."""
    to_provider = browser.get("/sign-in/school", params={"next": next_path})
    assert to_provider.status_code == 302
    authorize = to_provider.headers["Location"]
    back = httpx.post(authorize, data={"sub": email, "action": "allow"})
    assert back.status_code == 302, back.text
    return browser.get(back.headers["Location"])
