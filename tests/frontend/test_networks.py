"""The network pages through the real stack: the networks (mine first), a network's page
(members by school and post, cadence, the year's meetings, buttons for its organisers),
forming and changing a network from the form (field errors in place, a 422, nothing sent),
a private network unseen by outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from readmodels.networks import queries
from tests.support.databases import DATABASES
from tests.support.network_pages import Trust, a_trust
from tests.support.pages import HTMX, text
from tests.support.waiting import wait_until


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    folder = tmp_path_factory.mktemp("networks")
    with a_trust(nats, nats_server.url, request.param, folder) as made:
        yield made


def network_form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "name": "SENCOs",
        "kind": "pastoral",
        "description": "Every school's SENCO.",
        "posts": ["senco"],
        "member_emails": "tess@example.sch.uk",
        "facilitator_id": "",
        "rule": "per_year",
        "count": "3",
        "minutes": "60",
        "venue": "Ash Grove Primary",
        "agenda_template": "Actions from last time, 10\nNational updates, 20\nAny other business",
    }
    return {**form, **changes}


def network_row(trust: Trust, network_id: str) -> Any:
    return queries.find_network(trust.stack.engine, network_id)


def test_members_see_their_network_first_and_everyone_else_sees_it_among_the_trusts(trust):
    mine = text(trust.client("amy").get("/networks").get_data(as_text=True))
    assert "My networks Maths leads Subject Member" in mine
    others = text(trust.client("tess").get("/networks").get_data(as_text=True))
    assert "You belong to no network yet" in others
    assert "The trust's other networks" in others and "Maths leads" in others
    assert "Form a network" not in others  # the network leaders' button
    part = trust.client("tess").get(
        "/networks?kind=pastoral", headers={**HTMX, "HX-Target": "other-networks"}
    )
    shown = part.get_data(as_text=True)
    assert shown.lstrip().startswith('<div id="other-networks">')
    assert "Maths leads" not in shown and "No other pastoral networks." in text(shown)


def test_a_network_page_shows_members_by_school_and_post_and_the_cadence(trust):
    page = trust.client("tess").get(f"/networks/{trust.network_id}")
    assert page.status_code == 200
    read = text(page.get_data(as_text=True))
    assert "At least 3 times a year" in read
    assert "Facilitator Sam Improvement" in read
    assert "Ash Grove Primary Amy Ash Maths lead" in read
    assert "Beech Hill Academy Bob Beech Maths lead" in read
    assert "Central team Sam Improvement Facilitator" in read
    assert "Members (3)" in read
    assert "Start a poll" not in read and "Plan a series" not in read  # not an organiser
    organiser = text(trust.client("sil").get(f"/networks/{trust.network_id}").get_data(True))
    assert "Start a poll" in organiser and "Plan a series" in organiser
    assert "Change the network" in organiser


def test_forming_a_network_from_the_form(trust):
    sil = trust.client("sil")
    assert sil.get("/networks/new").status_code == 200
    form = network_form(facilitator_id=trust.ids["sil"], key="form-sencos")
    formed = sil.post("/networks", data=form)
    assert formed.status_code == 303, text(formed.get_data(as_text=True))[:1500]
    network_id = formed.headers["Location"].rsplit("/", 1)[1]
    network = queries.find_network(trust.stack.engine, network_id)
    assert network is not None and network.name == "SENCOs" and network.kind == "pastoral"
    assert network.agenda_template[2] == {"title": "Any other business", "minutes": 10}
    assert queries.named_members(trust.stack.engine, network_id) == [trust.ids["tess"]]
    read = text(sil.get(formed.headers["Location"]).get_data(as_text=True))
    assert "Ash Grove Primary Tess Teacher Named member" in read


def test_a_form_with_mistakes_says_what_at_each_field_and_forms_nothing(trust):
    before = len(queries.networks_for(trust.stack.engine, trust.ids["sil"]))
    form = network_form(
        name="", posts=[], member_emails="nobody@example.sch.uk", count="0", key="bad"
    )
    answer = trust.client("sil").post("/networks", data=form, headers=HTMX)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="network-name-error">Give the network a name' in html
    assert "Nobody in the trust has the email nobody@example.sch.uk." in html
    assert 'id="network-facilitator_id-error">Choose who facilitates it.' in html
    assert 'id="network-count-error"' in html
    assert 'aria-invalid="true"' in html
    assert len(queries.networks_for(trust.stack.engine, trust.ids["sil"])) == before


def test_a_form_with_mistakes_also_says_what_the_service_would_refuse(trust):
    """The name's length and the venue's are the service's rules, not the page's."""
    before = len(queries.networks_for(trust.stack.engine, trust.ids["sil"]))
    form = network_form(name="N" * 5000, venue="V" * 300, kind="", key="long")
    answer = trust.client("sil").post("/networks", data=form, headers=HTMX)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="network-kind-error">Choose what kind of network it is.' in html
    assert 'id="network-name-error">' in html and 'id="network-venue-error">' in html
    assert len(queries.networks_for(trust.stack.engine, trust.ids["sil"])) == before


def test_changing_a_network_changes_its_page(trust):
    sil = trust.client("sil")
    edit = sil.get(f"/networks/{trust.network_id}/edit").get_data(as_text=True)
    assert 'value="maths_lead" checked' in edit
    form = network_form(
        name="Maths leads",
        kind="subject",
        posts=["maths_lead"],
        member_emails="",
        facilitator_id=trust.ids["sil"],
        count="2",
        key="edit-maths",
    )
    changed = sil.post(f"/networks/{trust.network_id}", data=form)
    assert changed.status_code == 303, text(changed.get_data(as_text=True))[:1500]
    assert "At least twice a year" in text(sil.get(changed.headers["Location"]).get_data(True))
    form["count"] = "3"
    form["key"] = "edit-maths-back"
    assert sil.post(f"/networks/{trust.network_id}", data=form).status_code == 303


def test_only_the_network_leaders_form_and_change_networks(trust):
    amy = trust.client("amy")
    assert amy.get("/networks/new").status_code == 403
    assert amy.get(f"/networks/{trust.network_id}/edit").status_code == 403
    assert amy.post("/networks", data=network_form(key="amy")).status_code == 403


def test_a_private_network_is_its_members_alone(trust):
    sil = trust.client("sil")
    form = network_form(
        name="CEO and Hal",
        kind="one_to_one",
        posts=[],
        member_emails="head@example.sch.uk",
        facilitator_id=trust.ids["ceo"],
        rule="fortnightly",
        count="",
        private="yes",
        key="one-to-one",
    )
    formed = sil.post("/networks", data=form)
    assert formed.status_code == 303, text(formed.get_data(as_text=True))[:1500]
    path = formed.headers["Location"]
    assert trust.client("head").get(path).status_code == 200
    assert "Every fortnight in term time" in text(trust.client("ceo").get(path).get_data(True))
    assert trust.client("tess").get(path).status_code == 404
    assert "CEO and Hal" not in trust.client("tess").get("/networks").get_data(as_text=True)
    assert "CEO and Hal" in trust.client("head").get("/networks").get_data(as_text=True)


def test_closing_a_network_needs_a_reason(trust):
    sil = trust.client("sil")
    formed = sil.post(
        "/networks", data=network_form(facilitator_id=trust.ids["sil"], name="Old", key="old")
    )
    network_id = formed.headers["Location"].rsplit("/", 1)[1]
    unsaid = sil.post(f"/networks/{network_id}/close", data={"reason": "", "key": "c0"})
    assert unsaid.status_code == 422 and "Say why it closes." in unsaid.get_data(as_text=True)
    closed = sil.post(f"/networks/{network_id}/close", data={"reason": "Merged", "key": "c1"})
    assert closed.status_code == 303
    assert wait_until(lambda: getattr(network_row(trust, network_id), "status", "") == "closed")
    assert "This network is closed: Merged" in text(
        sil.get(f"/networks/{network_id}").get_data(True)
    )


def test_the_services_own_field_errors_come_back_to_the_form_fields(trust):
    form = network_form(name="N" * 150, facilitator_id=trust.ids["sil"], key="long-name")
    answer = trust.client("sil").post("/networks", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="network-name-error"' in html and 'value="' + "N" * 150 + '"' in html
