"""The compliance board through the real stack: each network per term, held of required and
planned; "at risk" with its reason; filters by kind and "needing attention" (htmx swaps the
board alone); the network leaders' alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from readmodels.networks import queries
from tests.support.databases import DATABASES
from tests.support.network_pages import Trust, a_trust
from tests.support.pages import HTMX, text
from tests.support.waiting import wait_until


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    folder = tmp_path_factory.mktemp("compliance")
    with a_trust(nats, nats_server.url, request.param, folder) as made:
        yield made


@pytest.fixture(scope="module")
def leadership(trust: Trust) -> str:
    """A leadership network that must meet 12 times a term: term 1 cannot fit that."""
    record = {
        "name": "Heads",
        "kind": "leadership",
        "member_posts": ["headteacher"],
        "facilitator_id": trust.ids["ceo"],
        "cadence": {"rule": "per_term", "count": 12},
        "minutes": 60,
    }
    with trust.api("ceo") as api:
        formed = api.post("/networks", json=record)
    assert formed.status_code == 201, formed.text
    network_id = formed.json()["id"]
    assert wait_until(lambda: queries.find_network(trust.stack.engine, network_id) is not None)
    return str(network_id)


def test_the_board_shows_each_network_per_term_and_what_is_at_risk(trust, leadership):
    page = trust.client("sil").get("/compliance")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    read = text(html)
    assert "Term 1" in read and "Term 2" in read
    maths = text(html.split(f'id="network-{trust.network_id}"')[1].split("</tr>")[0])
    assert "At least 3 times a year" in maths and "0 of 3" in maths and "On track" in maths
    heads = text(html.split(f'id="network-{leadership}"')[1].split("</tr>")[0])
    assert "0 of 12" in heads and "At risk Term 1 needs 12 more meetings with" in heads
    assert f'<tr id="network-{leadership}" class="is-at-risk">' in html
    assert "1 at risk" in read


def test_the_board_filters_by_kind_and_by_need_in_place(trust, leadership):
    sil = trust.client("sil")
    part = sil.get("/compliance?kind=subject", headers={**HTMX, "HX-Target": "board"})
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board">')
    assert "Maths leads" in html and "Heads" not in html
    risky = text(sil.get("/compliance?risk=yes").get_data(as_text=True))
    assert "Heads" in risky and "Maths leads" not in risky.split("Needs attention")[1]


def test_the_board_is_the_network_leaders(trust):
    assert trust.client("amy").get("/compliance").status_code == 403
    assert trust.client("head").get("/compliance").status_code == 403
    assert trust.client("ceo").get("/compliance").status_code == 200
