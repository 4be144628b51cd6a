"""Action points through the real stack: my actions (the overdue first, marked done in one
tap, in place with htmx), and the overdue actions per school for the improvement leads and
a headteacher (their school alone)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from readmodels.networks import queries
from tests.support.databases import DATABASES
from tests.support.network_pages import LONDON, Trust, a_trust
from tests.support.pages import HTMX, text
from tests.support.waiting import wait_until


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    folder = tmp_path_factory.mktemp("actions")
    with a_trust(nats, nats_server.url, request.param, folder) as made:
        yield made


@pytest.fixture(scope="module")
def actions(trust: Trust) -> dict[str, str]:
    """A meeting of the maths leads next week and three actions from it: Amy's overdue
    (for Ash Grove), Amy's due in a month, Bob's overdue (for Beech Hill)."""
    today = datetime.now(LONDON).date()
    day = today + timedelta(days=8)
    day += timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
    with trust.api("sil") as api:
        booked = api.post(
            f"/networks/{trust.network_id}/meetings",
            json={
                "title": "Maths leads",
                "date": day.isoformat(),
                "starts": "16:00",
                "ends": "17:00",
                "venue": "Trust office",
                "join_link": "",
            },
        )
        assert booked.status_code == 201, booked.text
        meeting_id = booked.json()["id"]
        raised = {}
        for name, owner, school, due in (
            ("late", "amy", "school-a", today - timedelta(days=3)),
            ("later", "amy", "school-a", today + timedelta(days=30)),
            ("bobs", "bob", "school-b", today - timedelta(days=1)),
        ):
            body = {
                "text": f"Action {name}",
                "owner_id": trust.ids[owner],
                "school_ids": [school],
                "due": due.isoformat(),
            }
            answer = api.post(f"/meetings/{meeting_id}/actions", json=body)
            assert answer.status_code == 201, answer.text
            raised[name] = answer.json()["id"]
    assert wait_until(lambda: len(queries.actions_of(trust.stack.engine, trust.ids["amy"])) == 2)
    assert wait_until(lambda: len(queries.actions_of(trust.stack.engine, trust.ids["bob"])) == 1)
    return raised


def test_my_actions_show_the_overdue_first(trust, actions):
    read = text(trust.client("amy").get("/my-actions").get_data(as_text=True))
    assert read.index("Overdue (1) Action late") < read.index("Still to do (1) Action later")
    assert "Ash Grove Primary" in read and "Maths leads" in read
    assert "Action bobs" not in read
    nothing = text(trust.client("tess").get("/my-actions").get_data(as_text=True))
    assert "Nothing to do: no action points are yours." in nothing


def test_marking_an_action_done_swaps_its_line(trust, actions):
    amy = trust.client("amy")
    done = amy.post(f"/my-actions/{actions['later']}/done", data={"key": "done-1"}, headers=HTMX)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert html.lstrip().startswith(
        f'<li id="action-{actions["later"]}" class="action-line is-done"'
    )
    assert "Done" in text(html) and "Mark done" not in html
    assert [a.action_id for a in queries.actions_of(trust.stack.engine, trust.ids["amy"])] == [
        actions["late"]
    ]
    assert trust.client("bob").post(f"/my-actions/{actions['late']}/done").status_code == 404


def test_the_overdue_per_school_for_leads_and_a_head_for_their_school(trust, actions):
    lead = text(trust.client("sil").get("/actions/overdue").get_data(as_text=True))
    assert "Ash Grove Primary (1) Action late" in lead
    assert "Beech Hill Academy (1) Action bobs" in lead
    assert "3 days late" in lead and "2 overdue actions at 2 schools." in lead
    head = text(trust.client("head").get("/actions/overdue").get_data(as_text=True))
    assert "Action late" in head and "Action bobs" not in head
    assert trust.client("head").get("/actions/overdue?school=school-b").status_code == 404
    assert trust.client("tess").get("/actions/overdue").status_code == 403
    part = trust.client("sil").get(
        "/actions/overdue?school=school-b", headers={**HTMX, "HX-Target": "overdue-schools"}
    )
    shown = part.get_data(as_text=True)
    assert shown.lstrip().startswith('<div id="overdue-schools">')
    assert "Action bobs" in shown and "Action late" not in shown


def test_a_networks_page_lists_its_open_actions_overdue_marked(trust, actions):
    read = text(trust.client("tess").get(f"/networks/{trust.network_id}").get_data(as_text=True))
    assert "Open actions" in read
    assert "Action bobs Overdue was due" in read and "Bob Beech · Beech Hill Academy" in read
