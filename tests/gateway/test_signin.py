"""Signing in: OpenID Connect against a local provider, "sign in as" in development only,
and the session cookie's protections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from events.db import create_db_engine
from gateway.identities import IDENTITY_SECONDS
from gateway.signin import work_email
from readmodels.directory.queries import linked_person
from readmodels.directory.tables import identity_links, people
from readmodels.signins import sign_ins
from services.directory.events import TRUST_SUBJECT
from tests.support.gateway import sign_in_at_provider, signed_in
from tests.support.people import enrol
from tests.support.waiting import wait_until


def test_a_known_person_signs_in_with_their_school_account(oidc_gateway, engine, nats, store):
    enrol(engine, "Grace.Hopper@Example.sch.uk", name="Grace Hopper", log=(nats, store))
    with httpx.Client(base_url=oidc_gateway) as browser:
        page = browser.get("/sign-in")
        assert "Sign in with Microsoft" in page.text
        assert "sign in as" not in page.text.lower()  # development only
        back = sign_in_at_provider(browser, "grace.hopper@example.sch.uk", "/?from=provider")
        assert back.status_code == 302
        assert back.headers["Location"] == "/?from=provider"
        home = browser.get("/")
        assert home.status_code == 200 and "Welcome, Grace" in home.text


def test_an_identity_is_linked_on_first_sign_in_and_a_changed_email_cannot_move_it(
    oidc_gateway, provider, engine, nats, store
):
    ceo = enrol(engine, "ceo@trust.org.uk", "ceo", name="Helen Marsh", log=(nats, store))
    httpx.put(f"{provider}/users/entra-ceo", json={"email": "ceo@trust.org.uk"})
    with httpx.Client(base_url=oidc_gateway) as browser:
        assert sign_in_at_provider(browser, "entra-ceo").status_code == 302
        assert "Welcome, Helen" in browser.get("/").text
    assert wait_until(lambda: linked_person(engine, provider, "entra-ceo") == ceo)
    events, _ = nats.run(store.load(store.subject(*TRUST_SUBJECT)))
    assert [e.data for e in events if e.type == "IdentityLinked"] == [
        {"person_id": ceo, "issuer": provider, "subject": "entra-ceo"}
    ]

    # Someone changes the CEO's work email to one they control at the provider.
    with engine.begin() as connection:
        changed = {"email": "mallory@trust.org.uk", "email_key": "mallory@trust.org.uk"}
        connection.execute(update(people).where(people.c.person_id == ceo).values(**changed))
    httpx.put(f"{provider}/users/entra-mallory", json={"email": "mallory@trust.org.uk"})
    with httpx.Client(base_url=oidc_gateway) as browser:
        assert sign_in_at_provider(browser, "entra-mallory").status_code == 403
        assert browser.get("/").status_code == 302  # not signed in as the CEO
    with httpx.Client(base_url=oidc_gateway) as browser:
        assert sign_in_at_provider(browser, "entra-ceo").status_code == 302  # still theirs
        assert "Welcome, Helen" in browser.get("/").text
    with engine.begin() as connection:  # the directory refuses too, whatever the read model
        connection.execute(delete(identity_links))
    with httpx.Client(base_url=oidc_gateway) as browser:
        assert sign_in_at_provider(browser, "entra-mallory").status_code == 403
        assert browser.get("/").status_code == 302


def test_someone_not_in_the_directory_gets_a_clear_page_and_no_session(
    oidc_gateway, engine, nats, store
):
    enrol(engine, "left@example.sch.uk", status="left", log=(nats, store))
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


def test_a_providers_refusal_is_said_in_our_words_never_its_own(oidc_gateway):
    """The callback's query string is anyone's to write: a link to it could put any text
    on our page. Only a refusal we know has a sentence of its own."""
    hostile = "Your account is locked: call 0800 000 000"
    with httpx.Client(base_url=oidc_gateway) as browser:
        for error, said in (("access_denied", "said no"), ("made_up", None)):
            query = {"error": error, "error_description": hostile, "state": "s"}
            answer = browser.get("/sign-in/callback", params=query)
            assert answer.status_code == 400
            assert "Sign-in did not finish" in answer.text
            assert "0800" not in answer.text and error not in answer.text
            assert said is None or said in answer.text


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
    for name, role in (("Mo Manager", "CPD manager"), ("Hal Head", "Headteacher")):
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


def test_a_sign_in_holding_nul_is_422_not_a_500(make_gateway, engine):
    """PostgreSQL refuses NUL in a query's parameters: the sign-in refuses it first."""
    enrol(engine, "grace@example.sch.uk")
    client = make_gateway(dev=True).test_client()
    with client.session_transaction() as session:
        session["csrf"] = "t"
    for email in ("grace\x00@example.sch.uk", "\x1b@example.sch.uk"):
        answer = client.post("/sign-in/as", data={"email": email, "csrf_token": "t"})
        assert answer.status_code == 422, email
        assert "email: holds a character" in answer.get_data(as_text=True).lower()


def test_a_gateway_that_cannot_read_sign_ins_answers_503(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    app = make_gateway()
    client = signed_in(app, person)
    app.extensions["engine"] = create_db_engine(f"sqlite:///{Path(__file__).parent}")  # a folder
    answer = client.get("/my-cpd")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert "cannot be read just now" in answer.get_data(as_text=True)
    api = client.get("/my-cpd", headers={"Accept": "application/json"})
    assert (api.status_code, api.json["error"]) == (503, "unavailable")


def test_the_session_cookie_is_httponly_lax_and_secure_outside_development(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    cookie = signed_in(make_gateway(dev=False), person).get_cookie("staffroom_session")
    assert cookie is not None
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax"
    dev = signed_in(make_gateway(dev=True), person).get_cookie("staffroom_session")
    assert not dev.secure  # http://127.0.0.1 in development


def test_sign_out_needs_the_csrf_token(make_gateway, engine):
    client = signed_in(make_gateway(), enrol(engine, "grace@example.sch.uk"))
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 403  # without the CSRF token
    assert client.post("/sign-out", data={"csrf_token": "the-token"}).status_code == 302
    assert client.get("/").status_code == 302


def dev_sign_in(client: FlaskClient, email: str, address: str) -> int:
    """ "Sign in as" `email` from client address `address`: the answer's status."""
    with client.session_transaction() as session:
        session["csrf"] = "t"
    form = {"email": email, "csrf_token": "t"}
    return client.post("/sign-in/as", data=form, environ_base={"REMOTE_ADDR": address}).status_code


def test_a_whole_school_signs_in_from_one_address_but_failures_are_limited(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    client = make_gateway(dev=True).test_client()

    def sign_in_as(email: str, address: str = "10.0.0.1") -> int:
        return dev_sign_in(client, email, address)

    assert [sign_in_as("grace@example.sch.uk") for _ in range(200)] == [302] * 200
    failures = [sign_in_as(f"guess{n}@example.sch.uk") for n in range(31)]
    assert failures == [422] * 30 + [429]  # per address
    assert sign_in_as("grace@example.sch.uk", "10.0.0.2") == 302
    one_account = [sign_in_as("nobody@example.sch.uk", f"10.1.0.{n}") for n in range(11)]
    assert one_account == [422] * 10 + [429]  # per account, from any address
    assert person


def test_the_sign_in_limits_are_the_gateway_s_settings(make_gateway, engine, monkeypatch):
    """STAFFROOM_SIGNIN_RATE_LIMIT and _ACCOUNT_RATE_LIMIT are read and checked by Settings:
    the gateway takes them from its Settings, whatever the environment says."""
    monkeypatch.setenv("STAFFROOM_SIGNIN_RATE_LIMIT", "30 per minute")
    monkeypatch.setenv("STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT", "10 per minute")
    changed = {"signin_rate_limit": "3 per minute", "signin_account_rate_limit": "2/minute"}
    client = make_gateway(dev=True, settings_changed=changed).test_client()

    def sign_in_as(email: str, address: str) -> int:
        return dev_sign_in(client, email, address)

    assert [sign_in_as("nobody@example.sch.uk", f"10.2.0.{n}") for n in range(3)] == [
        422,
        422,
        429,
    ]  # per account, from any address
    assert [sign_in_as(f"guess{n}@example.sch.uk", "10.3.0.1") for n in range(4)] == [
        422,
        422,
        422,
        429,
    ]  # per address


def test_the_rate_limits_are_counted_where_the_settings_say(make_gateway):
    app = make_gateway(settings_changed={"rate_limit_storage": "memory://?counted=here"})
    (limiter,) = app.extensions["limiter"]
    assert limiter._storage_uri == "memory://?counted=here"


def test_sign_out_ends_the_session_on_the_server(make_gateway, engine):
    gateway = make_gateway()
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    copied = client.get_cookie("staffroom_session").value
    assert client.get("/").status_code == 200
    assert client.post("/sign-out", data={"csrf_token": "the-token"}).status_code == 302
    thief = gateway.test_client()
    thief.set_cookie("staffroom_session", copied)
    assert thief.get("/").status_code == 302  # the copied cookie no longer signs anyone in


def test_a_session_lasts_twelve_hours_from_sign_in_however_busy(make_gateway, engine, clock):
    gateway = make_gateway()
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    assert client.get("/").status_code == 200
    assert "Set-Cookie" not in client.get("/").headers  # the cookie's expiry does not slide
    with engine.begin() as connection:
        eleven_hours_ago = datetime.now(UTC) - timedelta(hours=11, minutes=59)
        connection.execute(update(sign_ins).values(created_at=eleven_hours_ago))
    assert client.get("/").status_code == 200
    with engine.begin() as connection:
        connection.execute(
            update(sign_ins).values(created_at=eleven_hours_ago - timedelta(minutes=2))
        )
    clock.passes(IDENTITY_SECONDS)
    assert client.get("/").status_code == 302


def test_a_leavers_sessions_end(make_gateway, engine, clock):
    gateway = make_gateway()
    person = enrol(engine, "grace@example.sch.uk")
    client = signed_in(gateway, person)
    copied = client.get_cookie("staffroom_session").value
    assert client.get("/").status_code == 200
    with engine.begin() as connection:
        connection.execute(update(people).values(status="left"))
    clock.passes(IDENTITY_SECONDS - 0.1)
    assert client.get("/").status_code == 200  # the gateway remembers who it is a moment
    clock.passes(0.1)
    assert client.get("/").status_code == 302  # and no longer
    with engine.begin() as connection:
        connection.execute(update(people).values(status="active"))  # back, say, next term
        revoked = connection.execute(select(sign_ins.c.revoked_at)).scalar_one()
    assert revoked is not None
    thief = gateway.test_client()
    thief.set_cookie("staffroom_session", copied)
    assert thief.get("/").status_code == 302


def test_a_new_sign_in_forgets_the_persons_ended_ones(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    gateway = make_gateway()
    signed_in(gateway, person)
    with engine.begin() as connection:
        connection.execute(
            update(sign_ins).values(created_at=datetime.now(UTC) - timedelta(days=1))
        )
    signed_in(gateway, person)
    with engine.connect() as connection:
        assert len(connection.execute(select(sign_ins)).all()) == 1
