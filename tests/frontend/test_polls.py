"""The date poll's pages as people read them (the read model as the projection leaves it,
the networks service away: nothing here may reach it) and the poll's pure forms: finding
dates (the window from the cadence, the members to invite, the finder away), voting on a
phone (one tap per option, the other answers carried along), a headteacher answering for a
colleague, the organiser's tallies with "not answered" apart, who is missing and the nudge."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from werkzeug.datastructures import MultiDict

from events import Event
from events.config import Settings
from events.db import migrate
from frontend import create_app
from frontend.pages import poll_forms as forms
from readmodels import PACKAGE_DIR
from readmodels.networks import polls_view as view
from readmodels.networks.queries import meetings_of
from services.networks import create_app as networks_app
from services.networks.events import ANSWERS
from services.trustyear.events import year_of, year_subject
from tests.support.http import serve
from tests.support.identity import SECRET_KEY, signed, someone
from tests.support.meetings import a_network, a_poll, a_vote
from tests.support.pages import HTMX, signed_in, text
from tests.support.people import add_school, enrol
from tests.support.stack import running_projector
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
AWAY = {"networks": "http://127.0.0.1:9"}
"""The networks service's address: nobody answers there (the finder is away)."""


@pytest.fixture
def world(settings, engine) -> Iterator[dict]:
    add_school(engine, "school-a", "Ash Grove Primary")
    add_school(engine, "school-b", "Beech Hill Academy")
    ids = {
        "lead": enrol(
            engine, "lead@trust.org.uk", "network_lead", name="Lena Lead", school_id=None
        ),
        "amy": enrol(engine, "amy@ash.sch.uk", name="Amy Ash"),
        "bob": enrol(engine, "bob@beech.sch.uk", name="Bob Beech", school_id="school-b"),
        "cat": enrol(engine, "cat@ash.sch.uk", name="Cat Ash"),
        "head": enrol(engine, "head@ash.sch.uk", ("headteacher", "school-a"), name="Hal Head"),
        "out": enrol(engine, "out@ash.sch.uk", name="Otto Out"),
    }
    network = a_network(engine, ids["lead"], [ids["amy"], ids["bob"], ids["cat"]])
    invitees = [(ids["amy"], True), (ids["bob"], True), (ids["cat"], False)]
    meeting, options = a_poll(engine, network, ids["lead"], invitees)
    a_vote(engine, meeting, ids["amy"], {options[0]: "yes", options[1]: "no"}, comment="After 4")
    app = create_app(settings, AWAY)
    people = {
        "lead": someone("network_lead", person_id=ids["lead"], school_id=None, name="Lena Lead"),
        "amy": someone(person_id=ids["amy"], name="Amy Ash"),
        "bob": someone(person_id=ids["bob"], school_id="school-b", name="Bob Beech"),
        "cat": someone(person_id=ids["cat"], name="Cat Ash"),
        "head": someone(("headteacher", "school-a"), person_id=ids["head"], name="Hal Head"),
        "out": someone(person_id=ids["out"], name="Otto Out"),
    }
    yield {
        "app": app,
        "ids": ids,
        "people": people,
        "network": network,
        "meeting": meeting,
        "options": options,
    }
    app.extensions["engine"].dispose()


def client(world: dict, who: str):
    return signed_in(world["app"], world["people"][who])


def test_an_invitee_sees_one_tap_per_answer_for_each_date_and_their_answers_pressed(world):
    page = client(world, "amy").get(f"/meetings/{world['meeting']}/poll")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    first, second, third = world["options"]
    assert f'id="tap-{first}-yes" class="answer answer-yes" aria-pressed="true"' in html
    assert f'id="tap-{second}-no" class="answer answer-no" aria-pressed="true"' in html
    assert (
        f'id="tap-{third}-if_need_be" class="answer answer-if_need_be" aria-pressed="false"' in html
    )
    assert "Not answered yet" in text(html)  # the third date
    assert "Answers so far" not in html  # the organiser's view is the organiser's


def test_the_organiser_sees_not_answered_apart_from_no_and_who_is_missing(world):
    html = client(world, "lead").get(f"/meetings/{world['meeting']}/poll").get_data(as_text=True)
    read = text(html)
    assert "0 of 3 answered; 2 required still to answer." in read  # Amy left a date out
    # first date: amy yes; bob and cat not answered (never counted as no)
    assert "Amy Ash" in read and "Bob Beech" in read
    rows = [text(row) for row in html.split("<tr>")[2:5]]
    assert rows[0].endswith("1 0 0 2") and "Confirm" in rows[0]
    assert "Required who said no: Amy Ash" in rows[1]
    assert 'name="person_id" value="{}" checked'.format(world["ids"]["bob"]) in html
    assert "After 4" in read  # comments
    assert 'id="nudge"' in html and 'id="close-poll"' in html


def test_a_headteacher_answers_for_a_colleague_of_their_school_only(world):
    head = client(world, "head")
    page = head.get(f"/meetings/{world['meeting']}/poll")
    read = text(page.get_data(as_text=True))
    assert "Answer for a colleague" in read and "Amy Ash" in read and "Cat Ash" in read
    assert "Bob Beech" not in read  # another school's
    for_cat = head.get(f"/meetings/{world['meeting']}/poll?for={world['ids']['cat']}")
    html = for_cat.get_data(as_text=True)
    assert "Answers for Cat Ash" in text(html)
    assert f'name="person_id" value="{world["ids"]["cat"]}"' in html
    for_bob = head.get(f"/meetings/{world['meeting']}/poll?for={world['ids']['bob']}")
    assert "Answers for Bob Beech" not in text(for_bob.get_data(as_text=True))


def test_someone_not_invited_may_not_vote_and_nothing_is_sent(world):
    answer = client(world, "out").post(
        f"/meetings/{world['meeting']}/poll/votes",
        data={"tap": f"{world['options'][0]}:yes", "key": "k1"},
    )
    assert answer.status_code == 403


def test_only_organisers_nudge_and_confirm(world):
    meeting = world["meeting"]
    assert client(world, "amy").post(f"/meetings/{meeting}/poll/nudges", data={}).status_code == 403
    page = client(world, "amy").get(
        f"/meetings/{meeting}/poll/confirm?option={world['options'][0]}"
    )
    assert page.status_code == 403


def test_the_confirm_page_says_when_the_recheck_could_not_run(world):
    meeting, first = world["meeting"], world["options"][0]
    page = client(world, "lead").get(f"/meetings/{meeting}/poll/confirm?option={first}")
    assert page.status_code == 200
    assert "could not be checked again" in text(page.get_data(as_text=True))
    assert (
        client(world, "lead").get(f"/meetings/{meeting}/poll/confirm?option=x").status_code == 404
    )


def test_find_dates_lists_the_members_and_says_when_the_finder_is_away(world):
    page = client(world, "lead").get(f"/networks/{world['network']}/find-dates")
    assert page.status_code == 200
    read = text(page.get_data(as_text=True))
    assert "The date finder is not answering" in read
    for name in ("Amy Ash", "Bob Beech", "Cat Ash", "Lena Lead"):
        assert name in read
    assert client(world, "amy").get(f"/networks/{world['network']}/find-dates").status_code == 403
    assert client(world, "lead").get("/networks/nope/find-dates").status_code == 404


def test_opening_a_poll_without_a_date_is_a_422_with_the_errors_at_their_fields(world):
    answer = client(world, "lead").post(
        f"/networks/{world['network']}/polls",
        data={"title": "", "deadline": "2020-01-01T17:00", "key": "k"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="options-error"' in html and "Tick at least one date" in html
    assert 'id="poll-title-error"' in html and 'id="poll-deadline-error"' in html


def test_a_window_from_the_cadence_runs_from_the_monday_after_next():
    first, last = forms.suggested_window(date(2027, 1, 6), "per_year", 3)  # a Wednesday
    assert first == date(2027, 1, 18) and first.weekday() == 0
    assert last == date(2027, 2, 26) and last.weekday() == 4  # six weeks, to a Friday
    assert forms.window_weeks("fortnightly", 1) == 2
    assert forms.window_weeks("per_term", 1) == 3
    assert forms.window_weeks("per_year", 1) == 8


def test_a_tap_replaces_one_answer_and_carries_the_others_unanswered_left_out():
    form = MultiDict({"answer-a": "yes", "answer-b": "", "answer-c": "maybe", "tap": "b:no"})
    assert forms.vote_answers(form, ["a", "b", "c"], ANSWERS) == {"a": "yes", "b": "no"}
    assert forms.vote_answers(MultiDict({"tap": "z:yes"}), ["a"], ANSWERS) == {}


def test_a_poll_body_keeps_the_options_in_order_and_closes_before_the_first():
    form = MultiDict(
        {
            "title": "T",
            "minutes": "90",
            "deadline": "2027-01-20T17:00",
            "invite-p2": "optional",
            "invite-p3": "no",
        }
    )
    chosen = ["2027-01-21@16:00-17:30", "2027-01-19@16:00-17:30", "junk"]
    body, errors = forms.poll_body(form, chosen, ["p1", "p2", "p3"], datetime(2027, 1, 10, 9))
    assert [o["date"] for o in body["options"]] == ["2027-01-19", "2027-01-21"]
    assert body["invitees"] == [
        {"person_id": "p1", "required": True},
        {"person_id": "p2", "required": False},
    ]
    assert errors == {"deadline": "Close the poll before the earliest date it offers."}


@pytest.fixture
def served(nats, nats_server, store, database_url, engine) -> Iterator[dict]:
    """The frontend with the networks service on a socket and the projector following the
    log: the trust's year (one term around today), four people in the directory's facts
    (Lena leads; Amy, Bob and Cat are members; Hal is Amy and Cat's headteacher)."""
    migrate(engine, [PACKAGE_DIR])
    settings = Settings(nats_server.url, database_url, store.settings, SECRET_KEY)
    add_school(engine, "school-a", "Ash Grove Primary")
    add_school(engine, "school-b", "Beech Hill Academy")
    log = (nats, store)
    ids = {
        "lead": enrol(
            engine, "lead@trust.org.uk", "network_lead", name="Lena Lead", school_id=None, log=log
        ),
        "amy": enrol(engine, "amy@ash.sch.uk", name="Amy Ash", log=log),
        "bob": enrol(engine, "bob@beech.sch.uk", name="Bob Beech", school_id="school-b", log=log),
        "cat": enrol(engine, "cat@ash.sch.uk", name="Cat Ash", log=log),
        "head": enrol(
            engine, "head@ash.sch.uk", ("headteacher", "school-a"), name="Hal Head", log=log
        ),
    }
    today = datetime.now(LONDON).date()
    year_id = year_of(today)
    term = {
        "term": 1,
        "name": "Term",
        "starts": today - timedelta(days=30),
        "ends": today + timedelta(days=120),
    }
    first = int(year_id[:4])
    year = {
        "year_id": year_id,
        "starts": date(first, 9, 1),
        "ends": date(first + 1, 8, 31),
        "terms": [term],
    }
    subject = store.subject(*year_subject(year_id))
    _, last = nats.run(store.load(subject))
    nats.run(store.append(subject, [Event("YearSet", year)], last))
    people = {
        "lead": someone("network_lead", person_id=ids["lead"], school_id=None),
        "amy": someone(person_id=ids["amy"]),
        "cat": someone(person_id=ids["cat"]),
        "head": someone(("headteacher", "school-a"), person_id=ids["head"]),
    }
    with ExitStack() as stack:
        url = stack.enter_context(serve(networks_app(settings)))
        stack.enter_context(running_projector(nats, store, engine))
        network = {
            "name": "Maths leads",
            "kind": "subject",
            "description": "",
            "member_posts": [],
            "member_ids": [ids["amy"], ids["bob"], ids["cat"]],
            "facilitator_id": ids["lead"],
            "cadence": {"rule": "per_year", "count": 3},
            "minutes": 60,
            "venue": "Trust office",
        }
        formed = httpx.post(f"{url}/networks", json=network, headers=signed(people["lead"]))
        assert formed.status_code == 201, formed.text
        network_id = formed.json()["id"]
        assert wait_until(lambda: view.find_network(engine, network_id) is not None)
        app = create_app(settings, {"networks": url})
        yield {"app": app, "ids": ids, "people": people, "network": network_id}
        app.extensions["engine"].dispose()


def test_the_finder_proposes_dates_in_term_the_best_three_ticked(served):
    lead = signed_in(served["app"], served["people"]["lead"])
    found = lead.get(f"/networks/{served['network']}/find-dates")
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    offered = re.findall(r'name="option" value="([^"]+)" checked', html)
    assert len(offered) == 3, text(html)[:3000]
    assert all(date.fromisoformat(o.split("@")[0]).weekday() < 5 for o in offered)
    assert "Suggested from the network's cadence" in text(html)
    narrower = lead.get(
        f"/networks/{served['network']}/find-dates?first={offered[0][:10]}"
        f"&last={offered[0][:10]}&minutes=45"
    )
    assert re.findall(r'name="option" value="([^"]+)"', narrower.get_data(as_text=True)) == [
        f"{offered[0][:10]}@16:00-16:45"
    ]


def test_a_poll_with_mistakes_also_says_what_the_service_would_refuse(served):
    """The venue's length and the link's scheme are the service's rules, not the page's."""
    lead = signed_in(served["app"], served["people"]["lead"])
    deadline = datetime.now(LONDON).replace(tzinfo=None) + timedelta(days=7)
    form = {"title": "Spring meeting", "minutes": "60", "deadline": forms.deadline_field(deadline)}
    form |= {"venue": "V" * 300, "join_link": "http://meet.example.org/m", "key": "long"}
    answer = lead.post(f"/networks/{served['network']}/polls", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="options-error">Tick at least one date to offer.' in html
    assert 'id="poll-venue-error">Write no more than 200 characters.' in html
    assert 'id="poll-join_link-error">Give the link as https://...' in html
    engine = served["app"].extensions["engine"]
    assert meetings_of(engine, served["network"]) == []


def later_today() -> datetime:
    """Now in UK time, with a few minutes of the day still to come (a meeting is booked
    later today): in the day's last minutes, the next day's first."""
    now = datetime.now(LONDON)
    if now.hour == 23 and now.minute >= 55:
        time.sleep((24 * 60 - now.hour * 60 - now.minute) * 60 + 5 - now.second)
        now = datetime.now(LONDON)
    return now


def test_on_the_day_the_organiser_takes_the_register_one_tap_at_a_time(served):
    """A meeting booked for today without a poll: Amy present, Cat apologies, by school."""
    url = served["app"].extensions["services"]["networks"]
    now = later_today()
    booked = httpx.post(
        f"{url}/networks/{served['network']}/meetings",
        json={
            "title": "Today",
            "date": now.date().isoformat(),
            "starts": (now + timedelta(minutes=2)).strftime("%H:%M"),
            "ends": "23:59",
            "venue": "Trust office",
        },
        headers=signed(served["people"]["lead"]),
    )
    assert booked.status_code == 201, booked.text
    meeting_id = booked.json()["id"]
    engine = served["app"].extensions["engine"]
    assert wait_until(lambda: view.find_meeting(engine, meeting_id) is not None)
    lead = signed_in(served["app"], served["people"]["lead"])
    for who, mark in (("amy", "present"), ("cat", "apologies")):
        tapped = lead.post(
            f"/meetings/{meeting_id}/register/{served['ids'][who]}",
            headers=HTMX,
            data={"mark": mark},
        )
        assert tapped.status_code == 200, tapped.get_data(as_text=True)[:1000]
    html = tapped.get_data(as_text=True)
    assert "2 marked · 1 present." in text(html)
    assert 'aria-label="Attendance of Amy Ash"' in html
    marks = view.register_marks(engine, meeting_id)
    assert {p: m.mark for p, m in marks.items()} == {
        served["ids"]["amy"]: "present",
        served["ids"]["cat"]: "apologies",
    }
    assert marks[served["ids"]["amy"]].school_id == "school-a"
    plain = lead.post(
        f"/meetings/{meeting_id}/register/{served['ids']['amy']}", data={"mark": "absent"}
    )
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#attendance")


def test_from_a_poll_to_a_confirmed_meeting_through_the_pages(served):
    lead = signed_in(served["app"], served["people"]["lead"])
    monday = datetime.now(LONDON).date() + timedelta(days=14 - datetime.now(LONDON).weekday())
    offered = [f"{monday + timedelta(days=n)}@16:00-17:00" for n in range(3)]
    earliest = date.fromisoformat(min(offered).split("@")[0])
    deadline = forms.default_deadline(datetime.now(LONDON).replace(tzinfo=None), earliest)
    form = MultiDict([("option", value) for value in offered])
    form.update(
        {
            "title": "Spring meeting",
            "minutes": "60",
            "deadline": forms.deadline_field(deadline),
            "venue": "Trust office",
            "key": "open-1",
            f"invite-{served['ids']['lead']}": "optional",
        }
    )
    opened = lead.post(f"/networks/{served['network']}/polls", data=form)
    assert opened.status_code == 303, opened.get_data(as_text=True)[:2000]
    poll = opened.headers["Location"]
    meeting_id = poll.split("/")[2]
    options = [
        o.option_id for o in view.poll_options(served["app"].extensions["engine"], meeting_id)
    ]
    assert len(options) == 3

    amy = signed_in(served["app"], served["people"]["amy"])
    plain = amy.post(f"{poll}/votes", data={"tap": f"{options[0]}:no", "key": "amy-plain"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/poll#vote")
    for n, option_id in enumerate(options):
        tapped = amy.post(
            f"{poll}/votes",
            headers=HTMX,
            data={
                **{f"answer-{o}": a for o, a in zip(options[:n], ["yes", "no"], strict=False)},
                "tap": f"{option_id}:{['yes', 'no', 'if_need_be'][n]}",
                "key": f"amy-{n}",
            },
        )
        assert tapped.status_code == 200, tapped.get_data(as_text=True)
        assert f'id="tap-{option_id}-{["yes", "no", "if_need_be"][n]}" class' in tapped.get_data(
            as_text=True
        )
    pressed = tapped.get_data(as_text=True)
    assert f'id="tap-{options[0]}-yes" class="answer answer-yes" aria-pressed="true"' in pressed

    head = signed_in(served["app"], served["people"]["head"])
    for_cat = head.post(
        f"{poll}/votes",
        headers=HTMX,
        data={
            "person_id": served["ids"]["cat"],
            "answer-" + options[0]: "yes",
            "answer-" + options[1]: "yes",
            "tap": f"{options[2]}:no",
            "key": "hal-for-cat",
        },
    )
    assert for_cat.status_code == 200 and "Saved for Cat Ash." in text(
        for_cat.get_data(as_text=True)
    )

    page = text(lead.get(poll).get_data(as_text=True))
    assert "2 of 4 answered; 1 required still to answer." in page  # Bob is missing
    assert "Cat Ash (by Hal Head)" in page
    nudged = lead.post(f"{poll}/nudges", headers=HTMX, data={"key": "nudge-1"})
    assert "Nudged 2" in text(nudged.get_data(as_text=True))  # Bob and Lena (optional)

    confirm = lead.get(f"{poll}/confirm?option={options[0]}")
    assert confirm.status_code == 200 and 'id="warnings"' in confirm.get_data(as_text=True)
    done = lead.post(
        f"{poll}/confirm",
        data={"option": options[0], "venue": "Trust office", "join_link": "", "key": "confirm-1"},
    )
    assert done.status_code == 303 and done.headers["Location"] == f"/meetings/{meeting_id}"
    meeting = text(lead.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Trust office" in meeting and "The register opens on the day itself" in meeting

    agenda = lead.post(
        f"/meetings/{meeting_id}/agenda",
        data={"new-0-title": "Calculation policy", "new-0-minutes": "20", "key": "agenda-1"},
    )
    assert agenda.status_code == 303
    marked = lead.post(
        f"/meetings/{meeting_id}/register/{served['ids']['amy']}",
        headers=HTMX,
        data={"mark": "present"},
    )
    assert marked.status_code == 409  # the service's rule: on the day or after
    action = lead.post(
        f"/meetings/{meeting_id}/actions",
        headers=HTMX,
        data={
            "text": "Share the policy",
            "owner_id": served["ids"]["amy"],
            "school_ids": "school-a",
            "due": (date.today() + timedelta(days=30)).isoformat(),
            "key": "action-1",
        },
    )
    assert "Action added." in text(action.get_data(as_text=True))
    shown = text(lead.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Calculation policy" in shown and "Share the policy" in shown
    assert "0 marked · 0 present." in shown

    late = amy.post(f"{poll}/votes", headers=HTMX, data={"tap": f"{options[0]}:no", "key": "late"})
    assert late.status_code == 409  # the date is confirmed: said in place, nothing changed
    assert 'role="alert"' in late.get_data(as_text=True)
    new_day = monday + timedelta(days=7)
    moved = lead.post(
        f"/meetings/{meeting_id}/move",
        data={
            "date": new_day.isoformat(),
            "starts": "15:30",
            "ends": "16:30",
            "venue": "Oak Primary",
            "join_link": "",
            "reason": "The hall is booked",
            "key": "move-1",
        },
    )
    assert moved.status_code == 303, moved.get_data(as_text=True)[:1500]
    shown = text(lead.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert f"{new_day:%a} {new_day.day} {new_day:%B}" in shown and "15:30\u201316:30" in shown
    cancelled = lead.post(
        f"/meetings/{meeting_id}/cancel", headers=HTMX, data={"reason": "Snow", "key": "cancel-1"}
    )
    assert "Cancelled: everyone invited is told." in text(cancelled.get_data(as_text=True))
    assert "Cancelled: Snow." in text(amy.get(f"/meetings/{meeting_id}").get_data(as_text=True))


def test_the_dates_ticked_at_first_leave_a_week_for_the_poll():
    options = [
        {"date": f"2027-01-{day:02d}", "value": str(day)} for day in (11, 12, 19, 20, 21, 22)
    ]
    ticked = forms.best_after(options, datetime(2027, 1, 10, 9))
    assert [o["value"] for o in ticked] == ["19", "20", "21"]
    assert [o["value"] for o in forms.best_after(options[:2], datetime(2027, 1, 10, 9))] == [
        "11",
        "12",
    ]
