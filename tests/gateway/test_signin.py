"""Signing in: OpenID Connect against a local provider, "sign in as" in development only,
and the session cookie's protections."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import oidc_provider_mock
import pytest

from gateway.signin import OidcSettings, work_email
from tests.gateway.conftest import signed_in
from tests.support.http import serve
from tests.support.people import enrol


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_gateway(make_gateway, provider) -> Iterator[str]:
    oidc = OidcSettings(provider, client_id="staffroom", client_secret="s3cret", label="Microsoft")
    app = make_gateway(oidc=oidc)
    app.config["SESSION_COOKIE_SECURE"] = False  # the test's browser speaks plain HTTP
    with serve(app) as url:
        yield url


def sign_in_at_provider(browser: httpx.Client, email: str, next_path: str = "/") -> httpx.Response:
    """Click "Sign in with Microsoft", say who you are at the provider, and come back."""
    to_provider = browser.get("/sign-in/school", params={"next": next_path})
    assert to_provider.status_code == 302
    authorize = to_provider.headers["Location"]
    back = httpx.post(authorize, data={"sub": email, "action": "allow"})
    assert back.status_code == 302, back.text
    return browser.get(back.headers["Location"])


def test_a_known_person_signs_in_with_their_school_account(oidc_gateway, engine):
    enrol(engine, "Grace.Hopper@Example.sch.uk", name="Grace Hopper")
    with httpx.Client(base_url=oidc_gateway) as browser:
        page = browser.get("/sign-in")
        assert "Sign in with Microsoft" in page.text
        assert "sign in as" not in page.text.lower()  # development only
        back = sign_in_at_provider(browser, "grace.hopper@example.sch.uk", "/?from=provider")
        assert back.status_code == 302
        assert back.headers["Location"] == "/?from=provider"
        home = browser.get("/")
        assert home.status_code == 200 and "Welcome, Grace" in home.text


def test_someone_not_in_the_directory_gets_a_clear_page_and_no_session(oidc_gateway, engine):
    enrol(engine, "left@example.sch.uk", status="left")
    with httpx.Client(base_url=oidc_gateway) as browser:
        for email in ("stranger@example.com", "left@example.sch.uk"):
            back = sign_in_at_provider(browser, email)
            assert back.status_code == 403
            assert "We don't know you yet" in back.text and email in back.text
            assert browser.get("/").status_code == 302  # still not signed in


def test_a_forged_callback_is_refused(oidc_gateway):
    with httpx.Client(base_url=oidc_gateway) as browser:
        browser.get("/sign-in/school")
        answer = browser.get("/sign-in/callback", params={"code": "made-up", "state": "wrong"})
        assert answer.status_code == 400
        assert "Sign-in did not finish" in answer.text


def test_work_email_comes_from_email_or_the_entra_sign_in_name():
    assert work_email({"email": "a@school.uk", "email_verified": True}) == "a@school.uk"
    assert work_email({"preferred_username": "b@school.uk"}) == "b@school.uk"
    assert work_email({"upn": "c@school.uk", "preferred_username": "c-id"}) == "c@school.uk"
    assert work_email({"email": "d@gmail.com", "email_verified": False}) is None
    assert work_email({"sub": "123"}) is None


def test_sign_in_as_is_off_unless_development(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk", "cpd_manager")
    client = make_gateway().test_client()
    assert "Sign in with" not in client.get("/sign-in").get_data(as_text=True)
    with client.session_transaction() as session:
        session["csrf"] = "t"
    answer = client.post("/sign-in/as", data={"person_id": person, "csrf_token": "t"})
    assert answer.status_code == 404


def test_in_development_anyone_can_be_chosen_and_the_pages_say_so(make_gateway, engine):
    manager = enrol(engine, "manager@example.sch.uk", "cpd_manager", name="Mo Manager")
    head = enrol(engine, "head@example.sch.uk", ("headteacher", "school-a"), name="Hal Head")
    enrol(engine, "teacher@example.sch.uk", name="Tess Teacher")
    client = make_gateway(dev=True).test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Anyone can sign in as anyone" in page
    for name, role in (("Mo Manager", "Cpd manager"), ("Hal Head", "Headteacher")):
        assert name in page and role in page
    assert "Tess Teacher" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post("/sign-in/as", data={"person_id": head, "next": "/", "csrf_token": token})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/")
    assert "Welcome, Hal" in client.get("/").get_data(as_text=True)
    by_email = client.post(
        "/sign-in/as", data={"email": "MANAGER@example.sch.uk", "csrf_token": token}
    )
    assert by_email.status_code == 403  # signing in anew started a new session: a new token
    fresh = client.get("/sign-in").get_data(as_text=True)
    token = fresh.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in/as", data={"email": "MANAGER@example.sch.uk", "csrf_token": token})
    assert "Welcome, Mo" in client.get("/").get_data(as_text=True)
    assert manager


def test_sign_in_as_an_unknown_person_is_422(make_gateway):
    client = make_gateway(dev=True).test_client()
    with client.session_transaction() as session:
        session["csrf"] = "t"
    answer = client.post("/sign-in/as", data={"email": "nobody@x.uk", "csrf_token": "t"})
    assert answer.status_code == 422


def test_the_session_cookie_is_httponly_lax_and_secure_outside_development(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    cookie = signed_in(make_gateway(dev=False), person).get_cookie("staffroom_session")
    assert cookie is not None
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax"
    dev = signed_in(make_gateway(dev=True), person).get_cookie("staffroom_session")
    assert not dev.secure  # http://127.0.0.1 in development


def test_sign_out_ends_the_session(make_gateway, engine):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 403  # without the CSRF token
    assert client.post("/sign-out", data={"csrf_token": "the-token"}).status_code == 302
    assert client.get("/").status_code == 302


def test_signing_in_is_rate_limited(make_gateway, monkeypatch):
    monkeypatch.setenv("STAFFROOM_SIGNIN_RATE_LIMIT", "3 per minute")
    client = make_gateway().test_client()
    answers = [client.get("/sign-in").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
