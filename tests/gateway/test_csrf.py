"""CSRF: a state-changing request without the session's token is refused with 403 at the
door, and nothing behind the gateway hears of it."""

from __future__ import annotations

import pytest

from tests.support.gateway import signed_in
from tests.support.people import enrol


@pytest.fixture
def client(make_gateway, echo, engine):
    return signed_in(make_gateway(echo=echo[1]), enrol(engine, "grace@example.sch.uk"))


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "headers",
    [{}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}],
    ids=["missing", "wrong", "empty"],
)
def test_without_the_token_nothing_passes(client, echo, method, headers):
    answer = client.open("/api/echo/things", method=method, json={"a": 1}, headers=headers)
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "forbidden"
    assert echo[0].extensions["calls"] == 0


def test_the_token_in_a_header_lets_an_htmx_or_api_request_through(client, echo):
    headers = {"X-CSRF-Token": "the-token", "HX-Request": "true"}
    answer = client.post("/api/echo/things", json={"a": 1}, headers=headers)
    assert answer.status_code == 201
    assert answer.get_json()["body"] == '{"a": 1}'


def test_the_token_in_a_form_field_lets_a_plain_form_through_whole(client):
    answer = client.post("/api/echo/things", data={"csrf_token": "the-token", "title": "Maths"})
    assert answer.status_code == 201
    assert answer.get_json()["body"] == "csrf_token=the-token&title=Maths"  # the body, intact


def test_a_page_form_without_the_token_gets_a_page_that_says_why(client):
    answer = client.post("/register", data={"x": "1"}, headers={"Accept": "text/html"})
    assert answer.status_code == 403
    assert "did not come from Staffroom" in answer.get_data(as_text=True)


def test_reading_needs_no_token(client):
    assert client.get("/api/echo/things").status_code == 200


def test_a_signed_unsubscribe_link_needs_no_session_nor_token(make_gateway, echo):
    """One-click unsubscribe (RFC 8058) is posted by a mail program: the gateway lets it
    through to the frontend, which checks the link's signature (a forged one: 404)."""
    anonymous = make_gateway(echo=echo[1]).test_client()
    answer = anonymous.post(
        "/notifications/unsubscribe/forged", data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 404
    assert anonymous.post("/register", data={"x": "1"}).status_code == 403


@pytest.mark.parametrize("path", ["/invitations/", "/polls/"])
def test_an_invitation_or_poll_link_needs_no_session_nor_token(make_gateway, echo, path):
    """A meeting invitation's accept/decline and a poll's personal link are opened from a
    phone's mail app, not signed in: the gateway lets them through to the frontend, which
    checks the link's signature (a forged one: 404, never a sign-in page or a 403)."""
    anonymous = make_gateway(echo=echo[1]).test_client()
    opened = anonymous.get(f"{path}forged")
    assert opened.status_code == 404
    assert "not one of ours" in opened.get_data(as_text=True)
    sent = anonymous.post(f"{path}forged", data={"answer": "accepted"})
    assert sent.status_code == 404
    assert "not one of ours" in sent.get_data(as_text=True)


def test_only_the_email_links_are_let_through_without_a_token(make_gateway, echo):
    """A path merely like a signed link's is still a page behind sign-in and CSRF."""
    anonymous = make_gateway(echo=echo[1]).test_client()
    assert anonymous.post("/invitationsforged", data={"answer": "accepted"}).status_code == 403
    assert anonymous.get("/meetings/m1/poll").status_code == 302  # to sign in
