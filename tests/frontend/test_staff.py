"""The staff directory page: the trust sees every school, a headteacher or school CPD lead
their own, everyone else nobody; search as you type."""

from __future__ import annotations

import pytest

from events.config import Settings
from events.db import migrate
from frontend import create_app
from readmodels import PACKAGE_DIR
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.people import add_school, enrol


@pytest.fixture
def client(nats_server, stream_settings, database_url, engine):
    migrate(engine, [PACKAGE_DIR])
    add_school(engine, "school-a", "Ash Grove Primary")
    add_school(engine, "school-b", "Beech Hill Academy")
    enrol(engine, "amy@ash.sch.uk", name="Amy Archer", school_id="school-a")
    enrol(engine, "alf@ash.sch.uk", name="Alf Abbott", school_id="school-a", status="left")
    enrol(engine, "bea@beech.sch.uk", "session_leader", name="Bea Baker", school_id="school-b")
    enrol(engine, "cat@trust.org.uk", "cpd_manager", name="Cat Central", school_id=None)
    app = create_app(Settings(nats_server.url, database_url, stream_settings, SECRET_KEY))
    yield app.test_client()
    app.extensions["engine"].dispose()


def page(client, identity, **query) -> tuple[int, str]:
    answer = client.get("/staff", query_string=query, headers=signed(identity))
    return answer.status_code, answer.get_data(as_text=True)


def test_a_cpd_manager_sees_every_school_and_the_central_team(client):
    manager = someone("cpd_manager", school_id=None)
    status, html = page(client, manager, school="school-b")
    assert status == 200 and "Bea Baker" in html and "Session leader" in html
    assert "Ash Grove Primary" in html and "Central team" in html  # in the school choice
    assert "Cat Central" in page(client, manager, school="central")[1]


def test_a_headteacher_sees_their_own_school_only(client):
    head = someone(("headteacher", "school-a"))
    status, html = page(client, head)
    assert status == 200 and "Amy Archer" in html and "Bea Baker" not in html
    assert "Beech Hill Academy" not in html and "Central team" not in html
    assert page(client, head, school="school-b")[0] == 403
    assert page(client, head, school="central")[0] == 403


def test_a_teacher_or_session_leader_sees_no_directory(client):
    assert page(client, someone())[0] == 403
    assert page(client, someone("session_leader", "network_lead"))[0] == 403


def test_leavers_only_when_asked_and_search_narrows_the_rows(client):
    lead = someone(("school_cpd_lead", "school-a"))
    assert "Alf Abbott" not in page(client, lead)[1]
    assert "Alf Abbott" in page(client, lead, left="1")[1]
    found = client.get(
        "/staff",
        query_string={"q": "amy ash"},
        headers={**signed(lead), "HX-Request": "true", "HX-Target": "staff-rows"},
    ).get_data(as_text=True)
    assert found.lstrip().startswith('<section id="staff-rows"')
    assert "Amy Archer" in found and "1 person" in found
    assert "Nobody matches." in page(client, lead, q="zebra")[1]


def test_wildcards_in_a_search_are_letters(client, engine):
    """LIKE reads % and _ as any text and any letter: escaped, they match only themselves."""
    enrol(engine, "pct@ash.sch.uk", name="Ana 100%_Sure", school_id="school-a")
    lead = someone(("school_cpd_lead", "school-a"))
    for wildcard in ("%", "_", "%_"):
        html = page(client, lead, q=wildcard)[1]
        assert "Ana 100%_Sure" in html and "Amy Archer" not in html, wildcard
    assert "Nobody matches." in page(client, lead, q="a_y")[1]


def test_a_search_holding_nul_is_a_422_not_a_500(client):
    """PostgreSQL refuses NUL in a query's parameters: every page refuses it first."""
    status, html = page(client, someone("cpd_manager"), q="a\x00b")
    assert status == 422 and "Q: holds a character that cannot be used." in html
    spoofing = {"Your account is locked, call 0800 000 000": "\x00"}
    status, html = page(client, someone("cpd_manager"), **spoofing)
    assert status == 422 and "A field holds a character" in html and "0800" not in html
    assert page(client, someone("cpd_manager"), q="a\tb")[0] == 200


@pytest.mark.parametrize(
    ("identity", "sees"),
    [
        (someone(), False),
        (someone("session_leader", "network_lead"), False),
        (someone(("headteacher", "school-a")), True),
        (someone(("school_cpd_lead", "school-a")), True),
        (someone("cpd_manager", school_id=None), True),
        (someone("ceo", school_id=None), True),
        (someone("trust_admin", school_id=None), True),
    ],
)
def test_the_menu_offers_staff_to_exactly_those_the_page_lets_in(client, identity, sees):
    """One rule (events.identity.staff_visible_to) for the menu, the page and the API."""
    home = client.get("/", headers=signed(identity)).get_data(as_text=True)
    # The people page, where it lets the person in, replaces the staff page in the menu.
    assert ('href="/staff"' in home or 'href="/people"' in home) is sees
    assert (page(client, identity)[0] == 200) is sees
