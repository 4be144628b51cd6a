"""Find anyone: the CPD manager searches the trust by name, school, role or subject, opens a
person's page (places, waitlists, what they lead, whether they come, marks and hours) and
books, moves, cancels and exempts for them there; a headteacher sees their own school only,
without buttons; bad input is a 422 that changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import httpx
import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert

from events.envelope import Event, new_id
from readmodels.directory.queries import person_card
from readmodels.directory.tables import people as people_table
from readmodels.trustdays import queries as pd_queries
from services.trustdays.events import slot_subject
from tests.support.identity import someone
from tests.support.pages import HTMX
from tests.support.pages import text as tags_off
from tests.support.people import add_school, record_facts
from tests.support.stack import Stack, pd_stack, projected
from tests.support.trustdays import MANAGER_ID, day_fields, manager, session_fields
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")


def text(html: str) -> str:
    """What a person reads ("Dee Dunn's", not "Dee Dunn&#39;s")."""
    return unescape(tags_off(html))


STAFF = {
    # key: name, school, staff group, job title, subjects, roles
    "amy": ("Amy Adams", "school-a", "teaching", "Teacher of English", ["English"], ()),
    "ben": ("Ben Brook", "school-a", "support", "Teaching assistant", [], ()),
    "cal": ("Cal Carter", "school-b", "teaching", "Head of science", ["Science", "Maths"],
            (("session_leader", None),)),
    "dee": ("Dee Dunn", "school-b", "teaching", "Teacher of maths", ["Maths"], ()),
    "hana": ("Hana Hale", "school-a", "leadership", "Headteacher", [],
             (("headteacher", "school-a"),)),
    "lee": ("Lee Left", "school-a", "teaching", "Teacher of maths", ["Maths"], ()),
}  # fmt: skip


def facts(ids: dict[str, str]) -> list[Event]:
    found = [joined_fact(MANAGER_ID, "Priya Shah", None, "central", "CPD manager", [])]
    found.append(Event("RoleGranted", {"person_id": MANAGER_ID, "role": "cpd_manager",
                                       "school_id": None}))  # fmt: skip
    for key, (name, school, category, job, subjects, roles) in STAFF.items():
        found.append(joined_fact(ids[key], name, school, category, job, subjects))
        for role, where in roles:
            grant = {"person_id": ids[key], "role": role, "school_id": where}
            found.append(Event("RoleGranted", grant))
    found.append(Event("PersonLeft", {"person_id": ids["lee"]}))
    return found


def joined_fact(person_id, name, school, category, job, subjects) -> Event:
    email = name.lower().replace(" ", ".") + "@example.sch.uk"
    record = {"person_id": person_id, "name": name, "email": email, "school_id": school,
              "category": category, "job_title": job, "subjects": subjects}  # fmt: skip
    return Event("PersonJoined", record)


def a_day_today(client: httpx.Client, leader_id: str) -> dict:
    """A published PD day today, booking open, one breakout (90 minutes) of two sessions
    of one seat and a third led by Cal."""
    now = datetime.now(LONDON)
    fields = day_fields(
        date=now.date().isoformat(),
        opens=(now - timedelta(hours=1)).isoformat(),
        closes=now.replace(hour=23, minute=59).isoformat(),
        slots=[
            {"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "09:45"},
            {"kind": "breakout", "title": "Breakout 1", "starts": "10:00", "ends": "11:30"},
        ],
    )
    day_id = client.post("/days", json=fields, headers=manager()).json()["id"]
    slots = client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
    slot_id = next(s["slot_id"] for s in slots if s["kind"] == "breakout")
    sessions = []
    led = {"person_id": leader_id, "name": "Cal Carter"}
    for fields in (
        session_fields("Session 1", 1),
        session_fields("Session 2", 1),
        session_fields("Science club", 30, leader=led),
    ):
        added = client.post(
            f"/days/{day_id}/slots/{slot_id}/sessions", json=fields, headers=manager()
        )
        assert added.status_code == 201, added.text
        sessions.append(added.json()["id"])
    assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    return {"day_id": day_id, "slot_id": slot_id, "sessions": sessions}


@dataclass
class Trust:
    stack: Stack
    day: dict
    ids: dict[str, str]
    boss: FlaskClient
    """The CPD manager's browser."""


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        add_school(engine, "school-b", "Beech Hill Academy")
        ids = {key: new_id() for key in STAFF}
        nats.run(record_facts(store, facts(ids)))
        assert wait_until(lambda: all(person_card(engine, i) for i in ids.values()))
        assert wait_until(lambda: getattr(person_card(engine, ids["lee"]), "status", "") == "left")
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day = a_day_today(client, ids["cal"])
        assert wait_until(lambda: projected(engine, day))
        boss = stack.client(someone("cpd_manager", person_id=MANAGER_ID, school_id=None))
        yield Trust(stack, day, ids, boss)


def names(answer) -> list[str]:
    """The names in the results, in order."""
    html = answer.get_data(as_text=True)
    return [name for _, (name, *_rest) in sorted(STAFF.items()) if f">{name}</a>" in html]


def found(client, **query) -> list[str]:
    answer = client.get("/people", query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return names(answer)


def test_the_cpd_manager_finds_anyone_by_name_school_role_or_subject(trust):
    boss = trust.boss
    assert found(boss) == ["Amy Adams", "Ben Brook", "Cal Carter", "Dee Dunn", "Hana Hale"]
    assert found(boss, q="amy") == ["Amy Adams"]
    assert found(boss, q="ADAMS amy") == ["Amy Adams"]
    assert found(boss, q="beech") == ["Cal Carter", "Dee Dunn"]  # the school's name
    assert found(boss, q="science") == ["Cal Carter"]
    assert found(boss, school="school-b") == ["Cal Carter", "Dee Dunn"]
    assert found(boss, role="session_leader") == ["Cal Carter"]
    assert found(boss, role="support") == ["Ben Brook"]
    assert found(boss, role="headteacher") == ["Hana Hale"]
    assert found(boss, subject="Maths") == ["Cal Carter", "Dee Dunn"]
    assert found(boss, subject="Maths", school="school-b", q="dee") == ["Dee Dunn"]
    assert found(boss, q="%") == [] and found(boss, q="_") == []  # wildcards are letters here
    assert found(boss, subject="Maths", left="1") == ["Cal Carter", "Dee Dunn", "Lee Left"]

    page = text(boss.get("/people", query_string={"q": "amy"}).get_data(as_text=True))
    assert "Amy Adams Teacher of English · Ash Grove Primary" in page
    assert "1 person matches." in page


def test_search_as_you_type_answers_the_results_alone(trust):
    boss = trust.boss
    answer = boss.get("/people?q=dunn", headers={**HTMX, "HX-Target": "people-results"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<h1>" not in html
    assert names(answer) == ["Dee Dunn"]
    assert 'hx-swap-oob="innerHTML:#people-count">1 person matches.' in html


def test_results_come_a_page_at_a_time(trust):
    stack = trust.stack
    boss = trust.boss
    with stack.engine.begin() as connection:
        for n in range(30):
            connection.execute(insert(people_table).values(
                person_id=new_id(), name=f"Zed {n:02}", email=f"zed{n}@example.sch.uk",
                email_key=f"zed{n}@example.sch.uk", school_id="school-a", category="teaching",
                job_title="Teacher", subjects="", status="active",
            ))  # fmt: skip
    first = text(boss.get("/people?q=zed").get_data(as_text=True))
    assert "30 people match: page 1 of 2." in first and "Zed 24" in first and "Zed 25" not in first
    second = text(boss.get("/people?q=zed&page=2").get_data(as_text=True))
    assert "Zed 25" in second and "Zed 29" in second and "Zed 24" not in second
    assert "Previous page" in second and "Next page" not in second


@pytest.mark.parametrize(
    "query",
    [{"page": "0"}, {"page": "two"}, {"role": "wizard"}, {"subject": "x" * 101},
     {"school": "no-such-school"}, {"q": "x" * 101}],
)  # fmt: skip
def test_a_bad_search_is_a_422_naming_what_was_wrong(trust, query):
    boss = trust.boss
    answer = boss.get("/people", query_string=query)
    assert answer.status_code == 422
    assert "Please check the search." in text(answer.get_data(as_text=True))


def test_a_headteacher_finds_their_own_school_only_and_sees_no_buttons(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    head = stack.client(
        someone(("headteacher", "school-a"), person_id=ids["hana"], school_id="school-a")
    )
    assert found(head) == ["Amy Adams", "Ben Brook", "Hana Hale"]
    assert found(head, subject="Maths") == []
    assert head.get("/people?school=school-b").status_code == 403
    assert head.get(f"/people/{ids['cal']}").status_code == 403
    boss.post(place_url(ids["amy"], day), data={"session_id": day["sessions"][0]}, headers=HTMX)
    page = head.get(f"/people/{ids['amy']}")
    said = text(page.get_data(as_text=True))
    assert page.status_code == 200 and "Booked Session 1" in said
    assert "Book them on" not in said and "Cancel seat" not in said and "Mark exempt" not in said
    assert head.post(place_url(ids["amy"], day), data={"session_id": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("identity", "search"),
    [(someone(), 403), (someone("ceo", school_id=None), 403),
     (someone("session_leader", "network_lead"), 403),
     (someone("trust_admin", school_id=None), 403),
     (someone(("school_cpd_lead", "school-b"), school_id="school-b"), 200)],
)  # fmt: skip
def test_nobody_else_reaches_the_people_pages(trust, identity, search):
    stack = trust.stack
    ids = trust.ids
    client = stack.client(identity)
    assert client.get("/people").status_code == search
    assert client.get(f"/people/{ids['amy']}").status_code == 403  # of school A
    assert stack.app.test_client().get("/people").status_code == 401
    assert stack.app.test_client().get(f"/people/{ids['amy']}").status_code == 401


def place_url(person_id: str, day: dict, action: str = "place") -> str:
    return f"/people/{person_id}/days/{day['day_id']}/{action}"


def act(boss, person_id, day, action, **form):
    form.setdefault("key", new_id())
    answer = boss.post(place_url(person_id, day, action), data=form, headers=HTMX)
    return answer, text(answer.get_data(as_text=True))


def places(stack, person_id: str, day: dict) -> dict:
    held = pd_queries.places_of(stack.engine, person_id, day["day_id"])
    return {session_id: (p.place, p.position) for session_id, p in held.items()}


def test_the_cpd_manager_books_moves_and_cancels_for_someone(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    first, second, club = day["sessions"]
    booked, said = act(boss, ids["dee"], day, "place", session_id=second, slot_id=day["slot_id"])
    assert booked.status_code == 200 and "Dee Dunn is booked on Session 2." in said
    html = booked.get_data(as_text=True)
    assert "Booked Session 2" in said and f'id="day-{day["day_id"]}"' in html  # the day alone
    assert '<div hx-swap-oob="innerHTML:#messages"><p class="visually-hidden">Dee Dunn' in html
    assert "hx-confirm=\"Cancel Dee Dunn's seat in Session 2? The first" in html  # asks once
    assert places(stack, ids["dee"], day) == {second: ("seat", 0)}

    _, said = act(boss, ids["dee"], day, "place", session_id=club)
    assert "Dee Dunn has moved to Science club." in said
    assert places(stack, ids["dee"], day) == {club: ("seat", 0)}

    act(boss, ids["amy"], day, "place", session_id=first)
    _, said = act(boss, ids["ben"], day, "place", session_id=first)
    assert "Session 1 is full: Ben Brook is on its waitlist." in said
    assert "Waitlist, number 1 Session 1" in said

    cancelled, said = act(boss, ids["dee"], day, "cancel", session_id=club)
    assert cancelled.status_code == 200 and "Dee Dunn's seat in Science club is cancelled." in said
    assert places(stack, ids["dee"], day) == {}
    _, said = act(boss, ids["amy"], day, "cancel", session_id=first)  # Ben gets her seat
    assert places(stack, ids["ben"], day) == {first: ("seat", 0)}


def test_without_javascript_cancelling_asks_once_then_goes_back_to_the_page(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    first = day["sessions"][0]
    act(boss, ids["amy"], day, "place", session_id=first)
    url = place_url(ids["amy"], day, "cancel")
    asked = boss.post(url, data={"session_id": first, "key": "k1"})
    assert asked.status_code == 200 and "Cancel Amy Adams's place?" in text(asked.get_data(True))
    assert places(stack, ids["amy"], day) == {first: ("seat", 0)}
    done = boss.post(url, data={"session_id": first, "key": "k1", "confirmed": "yes"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/people/{ids['amy']}#day-{day['day_id']}")
    assert places(stack, ids["amy"], day) == {}


def test_the_person_page_shows_places_leading_coming_marks_and_hours(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    first, _, club = day["sessions"]
    amy = stack.client(someone(person_id=ids["amy"], name="Amy Adams"))
    attending = {"attending": "yes", "dietary": "Vegetarian"}
    assert amy.post(f"/days/{day['day_id']}/attendance", data=attending).status_code == 303
    act(boss, ids["dee"], day, "place", session_id=first)
    act(boss, ids["amy"], day, "place", session_id=first)  # Session 1 is full: she waits
    act(boss, ids["amy"], day, "place", session_id=club)  # and takes a seat meanwhile
    path = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions/{club}/register/{ids['amy']}"
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        marked = client.put(path, json={"mark": "present", "walk_in": False}, headers=manager())
        assert marked.status_code == 200, marked.text
    assert wait_until(lambda: bool(pd_queries.marks_of(stack.engine, ids["amy"])))

    page = text(boss.get(f"/people/{ids['amy']}").get_data(as_text=True))
    assert "Teacher of English · Ash Grove Primary" in page
    assert "Booked Science club" in page and "Waitlist, number 1 Session 1" in page
    assert "Coming: yes · Dietary needs: Vegetarian" in page
    assert "Science club" in page and "Present 1.5" in page and "1.5 CPD hours in all." in page
    head = stack.client(
        someone(("headteacher", "school-a"), person_id=ids["hana"], school_id="school-a")
    )
    seen = text(head.get(f"/people/{ids['amy']}").get_data(as_text=True))
    assert "Coming: yes" in seen and "Vegetarian" not in seen  # least data: not their lunch

    cal = text(boss.get(f"/people/{ids['cal']}").get_data(as_text=True))
    assert "Leads Science club" in cal and "Sessions Cal Carter leads" in cal
    assert "Book them on" not in cal  # not in a slot they lead


def test_the_cpd_manager_marks_someone_exempt_from_a_day_and_back(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    reason = "Part-time: not in on this day"
    answer, said = act(boss, ids["ben"], day, "exemption", exempt="yes", reason=reason)
    assert answer.status_code == 200, said
    assert "Ben Brook is not expected to book this day." in said
    assert f"Not expected to book {reason}" in said
    assert pd_queries.exempt_people(stack.engine, day["day_id"]) == {ids["ben"]: reason}
    head = stack.client(
        someone(("headteacher", "school-a"), person_id=ids["hana"], school_id="school-a")
    )
    seen = text(head.get(f"/people/{ids['ben']}").get_data(as_text=True))
    assert "Not expected to book" in seen and reason not in seen

    _, said = act(boss, ids["ben"], day, "exemption", exempt="no")
    assert "Ben Brook is expected to book this day again." in said
    assert pd_queries.exempt_people(stack.engine, day["day_id"]) == {}


def events_on_the_slot(nats, store, day) -> int:
    subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    events, _ = nats.run(store.load(subject))
    return len(events)


@pytest.mark.parametrize(
    ("action", "form", "said"),
    [
        ("place", {}, "Choose one of the day's sessions."),
        ("place", {"session_id": "no-such-session"}, "Choose one of the day's sessions."),
        ("cancel", {"session_id": "no-such-session"}, "That is not one of the day's sessions."),
        ("exemption", {"exempt": "yes", "reason": ""}, "Say why they are not expected"),
        ("exemption", {"exempt": "yes", "reason": "x" * 201}, "Keep the reason to 200"),
        ("exemption", {"exempt": "perhaps", "reason": "x"}, "Say whether they are expected"),
    ],
)
def test_bad_input_is_a_422_at_the_field_and_changes_nothing(
    trust, nats, store, action, form, said
):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    before = events_on_the_slot(nats, store, day)
    answer, page = act(boss, ids["amy"], day, action, slot_id=day["slot_id"], **form)
    assert answer.status_code == 422 and said in page
    assert "Nothing was changed." in page
    assert events_on_the_slot(nats, store, day) == before
    assert pd_queries.exempt_people(stack.engine, day["day_id"]) == {}
    plain = boss.post(place_url(ids["amy"], day, action), data={"slot_id": "s", **form})
    assert plain.status_code == 422 and "<h1>Amy Adams</h1>" in plain.get_data(as_text=True)


def test_a_leavers_record_stays_without_buttons(trust):
    page = text(trust.boss.get(f"/people/{trust.ids['lee']}").get_data(as_text=True))
    assert "Lee Left has left the trust: their CPD record stays." in page
    assert "Book them on" not in page and "Mark exempt" not in page


def test_unknown_people_days_and_actions_are_404(trust):
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    assert boss.get("/people/no-such-person").status_code == 404
    assert boss.post(place_url("no-such-person", day), data={}).status_code == 404
    assert boss.post(f"/people/{ids['amy']}/days/no-such-day/place", data={}).status_code == 404
    assert boss.post(place_url(ids["amy"], day, "steal"), data={}).status_code == 404


def test_a_refusal_of_the_service_is_said_in_place(trust):
    stack = trust.stack
    day = trust.day
    ids = trust.ids
    boss = trust.boss
    club = day["sessions"][2]
    answer, _ = act(boss, ids["cal"], day, "place", session_id=club)  # he leads it
    assert answer.status_code == 409 and f'id="day-{day["day_id"]}"' in answer.get_data(True)
    assert places(stack, ids["cal"], day) == {}
