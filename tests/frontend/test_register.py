"""The register on the day, for the session's leader or the CPD manager, on a phone: one tap
each, everyone present in one tap, search by name, walk-ins found by name, the session's
waitlist, nothing to tap before the day. (The day's overview: test_overview.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from readmodels.trustdays.tables import pd_marks
from tests.support.identity import someone
from tests.support.pages import HTMX, act, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack, projected
from tests.support.trustdays import day_fields, manager, session_fields
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")


def today_day(client: httpx.Client, leader_id: str, in_days: int = 0, capacity: int = 10) -> dict:
    """A published PD day today (or `in_days` from today), its window open until the end of
    today, with one session led by `leader_id`."""
    now = datetime.now(LONDON)
    fields = day_fields(
        date=(now + timedelta(days=in_days)).date().isoformat(),
        opens=(now - timedelta(hours=1)).isoformat(),
        closes=now.replace(hour=23, minute=59).isoformat(),
    )
    day_id = client.post("/days", json=fields, headers=manager()).json()["id"]
    slots = client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
    slot_id = next(s["slot_id"] for s in slots if s["kind"] == "breakout")
    session = session_fields(
        "Restorative practice", capacity, leader={"person_id": leader_id, "name": "Lee"}
    )
    added = client.post(f"/days/{day_id}/slots/{slot_id}/sessions", json=session, headers=manager())
    assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    return {"day_id": day_id, "slot_id": slot_id, "sessions": [added.json()["id"]]}


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        ids = {
            name: enrol(
                engine,
                f"{name}@ash.sch.uk",
                name=f"{name.title()} Ash",
                school_id="school-a",
                log=(nats, store),
            )
            for name in ("amy", "ben", "lee", "=cmd")
        }
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day = today_day(client, ids["lee"])
        assert wait_until(lambda: projected(engine, day))
        yield stack, day, ids


def test_the_leader_marks_the_register_and_adds_a_walk_in(trust):
    stack, day, ids = trust
    session_id = day["sessions"][0]
    act(stack.client(someone(person_id=ids["amy"])), day, session_id, "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    register = f"/days/{day['day_id']}/sessions/{session_id}/register"
    page = text(lee.get(register).get_data(as_text=True))
    assert "Amy Ash" in page and "1 on the register · 0 marked" in page

    marked = lee.post(
        f"{register}/{ids['amy']}", data={"mark": "late"}, headers={"HX-Request": "true"}
    )
    assert marked.status_code == 200 and 'aria-pressed="true">Late' in marked.get_data(as_text=True)
    assert "1 on the register · 1 marked" in text(marked.get_data(as_text=True))
    assert lee.post(f"{register}/{ids['amy']}", data={"mark": "asleep"}).status_code == 422
    walked = lee.post(register.replace("register", "walk-ins"), data={"person_id": ids["ben"]})
    assert walked.status_code == 303
    confirmed = text(lee.get(walked.headers["Location"]).get_data(as_text=True))
    assert "Ben Ash added as a walk-in, marked present." in confirmed
    unknown = lee.post(register.replace("register", "walk-ins"), data={"person_id": "nobody"})
    assert unknown.status_code == 422 and "Choose who came from the list" in text(
        unknown.get_data(as_text=True)
    )
    with stack.engine.connect() as connection:
        marks = {
            (m.person_id, m.mark, m.walk_in, m.cpd_minutes)
            for m in connection.execute(pd_marks.select())
        }
    assert marks == {(ids["amy"], "late", False, 75), (ids["ben"], "present", True, 75)}

    amy = text(stack.client(someone(person_id=ids["amy"])).get("/my-cpd").get_data(as_text=True))
    assert "1.2 CPD hours in all." in amy and "Late" in amy


def test_only_the_leader_or_the_cpd_manager_takes_the_register(trust):
    stack, day, ids = trust
    register = f"/days/{day['day_id']}/sessions/{day['sessions'][0]}/register"
    assert stack.client(someone(person_id=ids["amy"])).get(register).status_code == 403
    assert stack.client(someone("cpd_manager", school_id=None)).get(register).status_code == 200


def test_the_cpd_manager_cancels_a_booking_from_the_register(trust):
    stack, day, ids = trust
    session_id = day["sessions"][0]
    act(stack.client(someone(person_id=ids["amy"])), day, session_id, "book")
    register = f"/days/{day['day_id']}/sessions/{session_id}/register"
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    assert "Cancel their booking" not in lee.get(register).get_data(as_text=True)
    assert lee.post(f"{register}/{ids['amy']}/cancel").status_code == 403
    boss = stack.client(someone("cpd_manager", school_id=None))
    cancelled = boss.post(f"{register}/{ids['amy']}/cancel", headers={"HX-Request": "true"})
    assert cancelled.status_code == 200
    assert "Nobody has booked this session yet." in text(cancelled.get_data(as_text=True))
    again = boss.post(f"{register}/{ids['amy']}/cancel", headers={"HX-Request": "true"})
    assert again.status_code == 409 and "You have no seat" in text(again.get_data(as_text=True))


def register_of(day: dict) -> str:
    return f"/days/{day['day_id']}/sessions/{day['sessions'][0]}/register"


def marks_on(stack) -> dict[str, str]:
    with stack.engine.connect() as connection:
        return {m.person_id: m.mark for m in connection.execute(pd_marks.select())}


def test_everyone_present_in_one_tap_then_the_few_changed(trust):
    stack, day, ids = trust
    for name in ("amy", "ben", "=cmd"):
        act(stack.client(someone(person_id=ids[name])), day, day["sessions"][0], "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    register = register_of(day)
    assert "Mark everyone present" in text(lee.get(register).get_data(as_text=True))
    done = lee.post(register.replace("register", "all-present"), headers=HTMX)
    page = text(done.get_data(as_text=True))
    assert done.status_code == 200
    assert "Marked 3 present: now change anyone who was late or absent." in page
    assert "3 on the register · 3 marked" in page and "Mark everyone" not in page
    lee.post(f"{register}/{ids['ben']}", data={"mark": "absent"}, headers=HTMX)
    assert marks_on(stack) == {ids["amy"]: "present", ids["ben"]: "absent", ids["=cmd"]: "present"}
    again = lee.post(register.replace("register", "all-present"))  # a plain form, a reload
    assert again.status_code == 303
    assert marks_on(stack)[ids["ben"]] == "absent"  # only the unmarked are marked present


def test_finding_someone_on_the_register_by_name_as_you_type(trust):
    stack, day, ids = trust
    for name in ("amy", "ben"):
        act(stack.client(someone(person_id=ids[name])), day, day["sessions"][0], "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    register = register_of(day)
    found = text(lee.get(f"{register}?q=AMY").get_data(as_text=True))  # without JavaScript
    assert "Amy Ash" in found and "Ben Ash" not in found
    assert "2 on the register" in found
    typed = lee.get(f"{register}?q=be", headers={**HTMX, "HX-Target": "register-lines"})
    part = typed.get_data(as_text=True)
    assert part.lstrip().startswith('<ul class="register" id="register-lines">')
    assert "Ben Ash" in part and "Amy Ash" not in part and "<h1" not in part
    nobody = text(lee.get(f"{register}?q=zed").get_data(as_text=True))
    assert "Nobody on the register is called “zed”." in nobody
    marked = lee.post(f"{register}/{ids['ben']}", data={"mark": "late", "q": "be"})
    assert marked.headers["Location"].endswith(f"?q=be#line-{ids['ben']}")  # back to the search


def test_a_walk_in_found_by_name_and_who_was_added_said(trust):
    stack, day, ids = trust
    act(stack.client(someone(person_id=ids["amy"])), day, day["sessions"][0], "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    register = register_of(day)
    results = {**HTMX, "HX-Target": "walk-in-results"}
    short = lee.get(f"{register}?who=a", headers=results).get_data(as_text=True)
    assert "Type at least 2 letters" in text(short)
    choices = lee.get(f"{register}?who=ash", headers=results).get_data(as_text=True)
    assert choices.lstrip().startswith('<div id="walk-in-results"')
    assert "Ben Ash" in choices and "Lee Ash" in choices
    assert "Amy Ash" not in choices  # already on the register
    assert f'name="person_id" value="{ids["ben"]}"' in choices
    added = lee.post(
        register.replace("register", "walk-ins"), data={"person_id": ids["ben"]}, headers=HTMX
    )
    page = text(added.get_data(as_text=True))
    assert added.status_code == 200
    assert "Ben Ash added as a walk-in, marked present." in page
    spoken = '<div hx-swap-oob="innerHTML:#messages"><p>Ben Ash added as a walk-in'
    assert spoken in added.get_data(as_text=True)  # said to screen readers too
    assert "Ben Ash Walk-in" in page and "2 on the register · 1 marked" in page
    assert marks_on(stack) == {ids["ben"]: "present"}
    plain = text(lee.get(f"{register}?who=zz").get_data(as_text=True))
    assert "Nobody else in the trust is called “zz”" in plain


def test_the_sessions_waitlist_is_in_view(nats, store, trust):
    stack, _, ids = trust
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        small = today_day(client, ids["lee"], capacity=1)
    assert wait_until(lambda: projected(stack.engine, small))
    for name in ("amy", "ben", "=cmd"):
        act(stack.client(someone(person_id=ids[name])), small, small["sessions"][0], "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    page = text(lee.get(register_of(small)).get_data(as_text=True))
    assert "1 on the register" in page
    assert "Waiting for a seat (2) Ben Ash Ash Grove Primary =Cmd Ash Ash Grove Primary" in page


def test_no_buttons_on_a_register_before_its_day(trust):
    stack, _, ids = trust
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        tomorrow = today_day(client, ids["lee"], in_days=1)
    assert wait_until(lambda: projected(stack.engine, tomorrow))
    act(stack.client(someone(person_id=ids["amy"])), tomorrow, tomorrow["sessions"][0], "book")
    lee = stack.client(someone("session_leader", person_id=ids["lee"]))
    register = register_of(tomorrow)
    html = lee.get(register).get_data(as_text=True)
    assert "The register opens on the day itself" in text(html) and "Amy Ash" in text(html)
    assert 'name="mark"' not in html and "all-present" not in html and "walk-ins" not in html
    refused = lee.post(f"{register}/{ids['amy']}", data={"mark": "present"}, headers=HTMX)
    assert refused.status_code == 409 and "opens on the day" in text(refused.get_data(as_text=True))
