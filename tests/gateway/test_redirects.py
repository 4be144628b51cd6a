"""After signing in, only a path on this site: never another site, never a 500."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from gateway.signin import safe_next
from tests.support.gateway import sign_in_at_provider
from tests.support.people import enrol

SITE = "https://staffroom.example"
NASTY = [
    "/\t/evil.example",  # next=/%09/evil.example: browsers drop the tab, leaving //evil.example
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\t//evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "https://evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
    "/\x00",
    "",
]


def as_a_browser_follows(location: str) -> str:
    """Where a browser on SITE goes for this Location: tabs and line breaks dropped,
    backslashes read as slashes (the WHATWG URL parser)."""
    cleaned = "".join(c for c in location.strip() if c not in "\t\r\n").replace("\\", "/")
    return urljoin(f"{SITE}/", cleaned)


def same_origin(location: str) -> bool:
    return urlsplit(as_a_browser_follows(location)).netloc == urlsplit(SITE).netloc


@pytest.mark.parametrize("target", NASTY)
def test_a_nasty_next_becomes_the_home_page(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/", "/ok?x=1", "/days/1#slot-2", "/a%2F%2Fb", "/.well"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target


def sign_in_as(client, person: str, next_value: str):
    page = client.get("/sign-in", query_string={"next": next_value}, base_url=SITE)
    page = page.get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"person_id": person, "next": next_value, "csrf_token": token}
    return client.post("/sign-in/as", data=form, base_url=SITE)


@pytest.mark.parametrize("target", [*NASTY, "/%0d%0aSet-Cookie:x"])
def test_after_sign_in_a_nasty_next_stays_on_this_site(make_gateway, engine, target):
    person = enrol(engine, "grace@example.sch.uk")
    client = make_gateway(dev=True).test_client()
    answer = sign_in_as(client, person, target)
    assert answer.status_code == 302
    assert same_origin(answer.headers["Location"]), answer.headers["Location"]
    assert "Set-Cookie: x" not in str(answer.headers)


def test_after_sign_in_a_path_with_a_query_is_kept(make_gateway, engine):
    person = enrol(engine, "grace@example.sch.uk")
    answer = sign_in_as(make_gateway(dev=True).test_client(), person, "/ok?x=1")
    assert (answer.status_code, answer.headers["Location"]) == (302, "/ok?x=1")


@pytest.mark.parametrize(
    "path", ["//evil.example", "/\t/evil.example", "/\\evil.example", "/\x0b/evil.example"]
)
def test_sign_in_first_never_builds_a_bad_next(make_gateway, path):
    """The path as the server hands it on, decoded: what `next` is built from."""
    client = make_gateway(dev=True).test_client()
    answer = client.get("/", base_url=SITE, environ_overrides={"PATH_INFO": path})
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("/sign-in?next=")
    assert "\r" not in location and "\n" not in location
    follow = client.get(location, base_url=SITE).get_data(as_text=True)
    kept = follow.split('name="next" value="')[1].split('"')[0]
    assert same_origin(kept), kept


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\nSet-Cookie: x=1", "/ok?x=1"])
def test_after_a_school_account_sign_in_next_stays_on_this_site(
    oidc_gateway, engine, nats, store, target
):
    enrol(engine, "grace@example.sch.uk", log=(nats, store))
    with httpx.Client(base_url=oidc_gateway) as browser:
        back = sign_in_at_provider(browser, "grace@example.sch.uk", target)
    assert back.status_code == 302
    assert back.headers["Location"] == ("/ok?x=1" if target == "/ok?x=1" else "/")
