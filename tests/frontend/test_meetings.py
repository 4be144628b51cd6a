"""The meeting page as people read it (the read model as the projection leaves it, the
networks service away) and its pure forms: a private network's meeting only its members
read; the organiser's forms (register by school, move, cancel, agenda, actions) are the
organiser's; a bad form is a 422 at its fields and sends nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from frontend import create_app
from frontend.commands import Refused
from frontend.pages import meeting_forms as forms
from readmodels.networks import polls_view as queries
from readmodels.networks.tables import network_agenda, network_clashes
from tests.support.databases import DATABASES
from tests.support.identity import someone
from tests.support.meetings import a_network, a_poll
from tests.support.network_pages import LONDON, Trust, a_trust, inset_day
from tests.support.pages import links_refused, signed_in, text
from tests.support.people import add_school, enrol

AWAY = {"networks": "http://127.0.0.1:9"}


@pytest.fixture
def world(settings, engine) -> Iterator[dict]:
    add_school(engine, "school-a", "Ash Grove Primary")
    add_school(engine, "school-b", "Beech Hill Academy")
    ids = {
        "ceo": enrol(engine, "ceo@trust.org.uk", "ceo", name="Cara Ceo", school_id=None),
        "head": enrol(engine, "head@ash.sch.uk", ("headteacher", "school-a"), name="Hal Head"),
        "other": enrol(
            engine,
            "h2@beech.sch.uk",
            ("headteacher", "school-b"),
            name="Bea Head",
            school_id="school-b",
        ),
        "lead": enrol(
            engine, "lead@trust.org.uk", "network_lead", name="Lena Lead", school_id=None
        ),
        "amy": enrol(engine, "amy@ash.sch.uk", name="Amy Ash"),
    }
    one_to_one = a_network(engine, ids["ceo"], [ids["head"]], private=True, name="CEO and Hal")
    private, _ = a_poll(engine, one_to_one, ids["ceo"], [(ids["head"], True)], status="confirmed")
    maths = a_network(engine, ids["lead"], [ids["amy"], ids["other"]])
    invitees = [(ids["amy"], True), (ids["other"], True)]
    today = datetime.now(ZoneInfo("Europe/London")).date()
    meeting, _ = a_poll(engine, maths, ids["lead"], invitees, [today], status="confirmed")
    app = create_app(settings, AWAY)
    people = {
        "ceo": someone("ceo", person_id=ids["ceo"], school_id=None),
        "head": someone(("headteacher", "school-a"), person_id=ids["head"]),
        "other": someone(("headteacher", "school-b"), person_id=ids["other"], school_id="school-b"),
        "lead": someone("network_lead", person_id=ids["lead"], school_id=None),
        "amy": someone(person_id=ids["amy"]),
    }
    yield {"app": app, "ids": ids, "people": people, "private": private, "meeting": meeting}
    app.extensions["engine"].dispose()


def client(world: dict, who: str):
    return signed_in(world["app"], world["people"][who])


@pytest.mark.parametrize(
    ("who", "status"), [("ceo", 200), ("head", 200), ("other", 403), ("lead", 403)]
)
def test_a_one_to_one_is_read_by_its_two_members_alone(world, who, status):
    assert client(world, who).get(f"/meetings/{world['private']}").status_code == status
    assert client(world, who).get(f"/meetings/{world['private']}/poll").status_code == status


def test_the_organiser_takes_the_register_by_school_and_others_only_read(world):
    path = f"/meetings/{world['meeting']}"
    html = client(world, "lead").get(path).get_data(as_text=True)
    read = text(html.split('id="attendance"')[1])
    assert (
        read.index("Ash Grove Primary") < read.index("Amy Ash") < read.index("Beech Hill Academy")
    )
    assert 'aria-label="Attendance of Amy Ash"' in html
    assert 'id="move-meeting"' in html and 'id="cancel-meeting"' in html
    seen = client(world, "amy").get(path).get_data(as_text=True)
    assert "Attendance of" not in seen and 'id="move-meeting"' not in seen
    assert (
        client(world, "amy")
        .post(f"{path}/register/{world['ids']['amy']}", data={"mark": "present"})
        .status_code
        == 403
    )


def test_a_bad_move_is_a_422_with_each_error_at_its_field(world):
    answer = client(world, "lead").post(
        f"/meetings/{world['meeting']}/move",
        data={"date": "soon", "starts": "4pm", "ends": "", "venue": "", "reason": "", "key": "k"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for name in ("date", "starts", "ends", "venue", "reason"):
        assert f'id="move-{name}-error"' in html, name
    cancel = client(world, "lead").post(f"/meetings/{world['meeting']}/cancel", data={"reason": ""})
    assert cancel.status_code == 422 and 'id="cancel-reason-error"' in cancel.get_data(as_text=True)


@pytest.fixture(scope="module")
def trust(nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    """The networks service and its read model: a meeting's forms reach the service."""
    folder = tmp_path_factory.mktemp("meetings")
    with a_trust(nats, nats_server.url, DATABASES[0], folder) as made:
        yield made


def test_a_move_with_mistakes_also_says_what_the_service_would_refuse(trust):
    """The reason's length is the service's rule, not the page's."""
    sil = trust.client("sil")
    day = inset_day(datetime.now(LONDON).date()) + timedelta(days=21)
    booking = {"title": "Moderation", "date": day.isoformat(), "starts": "16:00", "ends": "17:00"}
    booked = sil.post(f"/networks/{trust.network_id}/meetings", data=booking | {"key": "b"})
    assert booked.status_code == 303, text(booked.get_data(as_text=True))[:2000]
    meeting_id = booked.headers["Location"].rsplit("/", 1)[1]
    move = {"date": "", "starts": "15:00", "ends": "16:00", "venue": "Trust office"}
    answer = sil.post(f"/meetings/{meeting_id}/move", data=move | {"reason": "R" * 600})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="move-date-error">Give the new date.' in html
    assert 'id="move-reason-error">Write between 1 and 500 characters.' in html
    meeting = queries.find_meeting(trust.stack.engine, meeting_id)
    assert meeting is not None and (meeting.date, meeting.starts) == (day, "16:00")


def test_the_services_errors_of_an_agenda_are_shown_at_their_rows():
    fields = {"items": {"0": {"title": ["Too long."]}, "1": {"owner_id": ["Unknown."]}}}
    fields["items"]["2"] = {"minutes": ["Too many."]}
    refused = Refused(422, "invalid", "Some fields are not valid.", fields)
    assert forms.agenda_errors(refused, ["item-i1", "new-1", ""]) == {
        "item-i1-title": "Too long.",
        "new-1-owner": "Unknown.",
        "items": "Too many.",
    }


def test_a_bad_action_is_a_422_and_no_such_meeting_a_404(world):
    answer = client(world, "lead").post(
        f"/meetings/{world['meeting']}/actions",
        data={"text": "", "owner_id": "x", "due": "2001-01-01"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="action-text-error"' in html and 'id="action-owner_id-error"' in html
    assert client(world, "lead").get("/meetings/no-such-one").status_code == 404


def test_the_agenda_keeps_changes_removes_adds_and_pulls_open_actions():
    form = MultiDict(
        {
            "item-i1-title": "Welcome",
            "item-i1-minutes": "5",
            "item-i1-owner": "p1",
            "item-i2-title": "Old",
            "item-i2-remove": "1",
            "new-0-title": "Phonics",
            "new-0-minutes": "20",
            "new-1-title": "",
            "pull": "a1",
        }
    )
    pulled = [SimpleNamespace(action_id="a1", text="Share the scheme", owner_id="p2")]
    ids = iter(("n1", "n2"))
    items, errors, rows = forms.agenda_items(form, ["i1", "i2"], pulled, lambda: next(ids))
    assert errors == {}
    assert rows == ["item-i1", "new-0", ""]
    assert [(i["item_id"], i["title"], i["minutes"], i["action_id"]) for i in items] == [
        ("i1", "Welcome", 5, None),
        ("n1", "Phonics", 20, None),
        ("n2", "Review: Share the scheme", 5, "a1"),
    ]


def test_a_tap_on_the_register_sends_the_whole_register_with_one_mark_changed():
    marks = {"p1": SimpleNamespace(school_id="s1", mark="present")}
    assert forms.register_after_tap(marks, "p2", None, "apologies") == [
        {"person_id": "p1", "school_id": "s1", "mark": "present"},
        {"person_id": "p2", "school_id": None, "mark": "apologies"},
    ]


def test_an_action_needs_an_owner_of_the_meeting_and_a_due_date_to_come():
    form = MultiDict({"text": "Audit", "owner_id": "p1", "due": "2027-02-01", "school_ids": "s9"})
    body, errors = forms.action_body(form, {"p1"}, {"s1"}, set(), date(2027, 1, 10))
    assert errors == {} and body["school_ids"] == [] and body["priority_id"] is None
    _, errors = forms.action_body(form, {"p2"}, set(), set(), date(2027, 3, 1))
    assert set(errors) == {"owner_id", "due"}


def test_a_clash_found_after_the_date_was_set_is_shown_to_the_organiser_alone(world, engine):
    with engine.begin() as connection:
        connection.execute(
            insert(network_clashes).values(
                meeting_id=world["meeting"],
                seq=5,
                position=0,
                reason="Ash Grove Primary added an INSET day on this date",
                found_at=datetime.now(UTC),
            )
        )
    path = f"/meetings/{world['meeting']}"
    assert "added an INSET day" in text(client(world, "lead").get(path).get_data(as_text=True))
    assert "added an INSET day" not in text(client(world, "amy").get(path).get_data(as_text=True))


def test_every_agenda_row_shows_each_of_its_errors_at_its_field(world, engine):
    """A new row's title and an existing row's minutes were errors the form never showed
    (each kind of row showed only one field's); every field of every row shows its own,
    tied to it for a screen reader, and keeps what was typed."""
    row = {"meeting_id": world["meeting"], "item_id": "i1", "position": 0, "title": "Welcome"}
    with engine.begin() as connection:
        connection.execute(insert(network_agenda).values(**row, minutes=5))
    form = {"item-i1-title": "Welcome", "item-i1-minutes": "0", "new-0-minutes": "x", "key": "k"}
    form |= {"new-0-title": "T" * 10, "new-1-title": "Phonics", "new-1-minutes": "999"}
    form |= {"item-i1-owner": "", "new-0-owner": ""}
    answer = client(world, "lead").post(f"/meetings/{world['meeting']}/agenda", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for field in ("item-i1-minutes", "new-0-minutes", "new-1-minutes"):
        assert f'id="{field}-error">Give its minutes, 1 to 600.' in html, field
        tag = re.search(f'<input[^>]*id="{field}"[^>]*>', html)
        assert tag and 'aria-invalid="true"' in tag[0], field
        assert f'aria-describedby="{field}-error"' in tag[0], field
    assert re.search('<input[^>]*id="item-i1-minutes"[^>]*value="0"', html)
    cleared = {**form, "item-i1-title": "", "item-i1-minutes": "5", "new-0-minutes": "10"}
    cleared |= {"new-1-minutes": "10"}
    answer = client(world, "lead").post(f"/meetings/{world['meeting']}/agenda", data=cleared)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="item-i1-title-error">' in html
    tag = re.search('<input[^>]*id="item-i1-title"[^>]*>', html)
    assert tag and 'aria-invalid="true"' in tag[0]


def test_a_new_rows_title_the_service_refuses_shows_with_an_old_rows_minutes(trust):
    """A new row's title too long for the service and an existing row's minutes out of
    range: both at their fields, each tied to its input."""
    sil = trust.client("sil")
    day = inset_day(datetime.now(LONDON).date()) + timedelta(days=28)
    booking = {"title": "Agenda", "date": day.isoformat(), "starts": "16:00", "ends": "17:00"}
    booked = sil.post(f"/networks/{trust.network_id}/meetings", data=booking | {"key": "a"})
    meeting_id = booked.headers["Location"].rsplit("/", 1)[1]
    first = {"new-0-title": "Welcome", "new-0-minutes": "5", "key": "agenda-a"}
    assert sil.post(f"/meetings/{meeting_id}/agenda", data=first).status_code == 303
    (item,) = queries.agenda(trust.stack.engine, meeting_id)
    old = f"item-{item.item_id}"
    form = {f"{old}-title": "Welcome", f"{old}-minutes": "0", "new-0-title": "T" * 300}
    answer = sil.post(f"/meetings/{meeting_id}/agenda", data=form | {"key": "agenda-b"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    said = {
        f"{old}-minutes": "Give its minutes, 1 to 600.",
        "new-0-title": "Write between 1 and 200 characters.",
    }
    for field, sentence in said.items():
        assert f'id="{field}-error">{sentence}' in html, field
        tag = re.search(f'<(?:input|select)[^>]*id="{field}"[^>]*>', html)
        assert tag and 'aria-invalid="true"' in tag[0], field
        assert f'aria-describedby="{field}-error"' in tag[0], field
    assert [i.title for i in queries.agenda(trust.stack.engine, meeting_id)] == ["Welcome"]


def test_no_page_of_a_private_network_links_a_reader_to_a_page_they_may_not_open(world, engine):
    """Amy organised a meeting of the CEO's one-to-one without belonging to it: she reads
    the meeting and its poll, but the network's page is not hers (404), so it is named
    without a link. The network lead sees the network's page, but not its meetings (403):
    they are listed without links."""
    ids = world["ids"]
    one_to_one = queries.find_meeting(engine, world["private"]).network_id
    hers, _ = a_poll(engine, one_to_one, ids["amy"], [(ids["head"], True)], status="polling")
    amy, lead, head = client(world, "amy"), client(world, "lead"), client(world, "head")
    assert amy.get(f"/networks/{one_to_one}").status_code == 404
    for path in (f"/meetings/{hers}", f"/meetings/{hers}/poll"):
        page = amy.get(path)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "CEO and Hal" in text(html)
        assert links_refused(amy, html) == []
        assert f'href="/networks/{one_to_one}"' in head.get(path).get_data(as_text=True)

    network = lead.get(f"/networks/{one_to_one}")
    assert network.status_code == 200
    assert links_refused(lead, network.get_data(as_text=True)) == []
    member = head.get(f"/networks/{one_to_one}").get_data(as_text=True)
    assert f'href="/meetings/{world["private"]}"' in member
