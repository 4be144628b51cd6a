"""The home page, for people: what is open to book now (and how many of my sessions are still
to book), what I have booked day by day and slot by slot, what is coming next, and what
needs me (an unanswered "are you coming", a waitlist place, a session I lead soon); past
days marked as past; a menu whose every link opens; role names in plain English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from events.identity import ROLES
from readmodels.trustdays import queries as pd_queries
from tests.support.identity import signed, someone
from tests.support.pages import text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack
from tests.support.trustdays import day_fields, manager, session_fields
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
TO = "\N{EN DASH}"
SLOTS = [
    {"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "10:00"},
    {"kind": "breakout", "title": "Breakout 1", "starts": "10:15", "ends": "11:30"},
    {"kind": "breakout", "title": "Breakout 2", "starts": "11:45", "ends": "12:45"},
]


def plan(client: httpx.Client, title: str, in_days: int, opens: int, closes: int) -> dict:
    """A published day `in_days` from today, booking open from `opens` days to `closes`
    days from now (0: an hour ago), with three sessions; their ids by title."""
    now = datetime.now(LONDON)
    fields = day_fields(
        title=title,
        date=(now + timedelta(days=in_days)).date().isoformat(),
        opens=(now + timedelta(days=opens, hours=-1)).isoformat(),
        closes=(now + timedelta(days=closes)).isoformat(),
        slots=SLOTS,
    )
    planned = client.post("/days", json=fields, headers=manager())
    assert planned.status_code == 201, planned.text
    day_id = planned.json()["id"]
    slots = {
        s["title"]: s["slot_id"]
        for s in client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
    }
    return {"day_id": day_id, "slots": slots, "sessions": {}}


def add(client: httpx.Client, day: dict, slot: str, title: str, capacity: int, leader=None) -> None:
    led = {"leader": {"person_id": leader, "name": "Lee Ash"}} if leader else {}
    path = f"/days/{day['day_id']}/slots/{day['slots'][slot]}/sessions"
    added = client.post(path, json=session_fields(title, capacity, **led), headers=manager())
    assert added.status_code == 201, added.text
    day["sessions"][title] = added.json()["id"]


def publish(client: httpx.Client, day: dict) -> None:
    assert client.post(f"/days/{day['day_id']}/publish", headers=manager()).status_code == 200


def projected(engine, day: dict) -> bool:
    found = pd_queries.find_day(engine, day["day_id"])
    sessions = [s for view in pd_queries.timetable(engine, day["day_id"]) for s in view.sessions]
    return bool(found and found.status == "published" and len(sessions) == len(day["sessions"]))


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        ids = {
            name: enrol(engine, f"{name}@ash.sch.uk", name=f"{name.title()} Ash", log=(nats, store))
            for name in ("amy", "ben", "cal", "lee")
        }
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            days = {
                "open": plan(client, "Spring PD day", in_days=10, opens=0, closes=5),
                "coming": plan(client, "Summer PD day", in_days=60, opens=20, closes=50),
                "past": plan(client, "Autumn PD day", in_days=-20, opens=-40, closes=-21),
            }
            for day in days.values():
                add(client, day, "Breakout 1", "Restorative practice", 1)
                add(client, day, "Breakout 1", "Reading for all", 10, leader=ids["lee"])
                add(client, day, "Breakout 2", "Coaching conversations", 10)
                publish(client, day)
        assert wait_until(lambda: all(projected(engine, d) for d in days.values()))
        people = {
            name: someone(person_id=pid, name=f"{name.title()} Ash") for name, pid in ids.items()
        }
        yield stack, days, people


def home(client) -> str:
    answer = client.get("/")
    assert answer.status_code == 200
    return text(answer.get_data(as_text=True))


def section(client, section_id: str) -> str:
    """One panel of the home page, as a person reads it ('' if it is not there)."""
    html = client.get("/").get_data(as_text=True)
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    return text(found[0]) if found else ""


def book(stack, person, days: dict, name: str, session: str) -> None:
    """Book as the person does, through the trust days service; back once it shows."""
    day = days[name]
    session_id = day["sessions"][session]
    slot = "Breakout 1" if session != "Coaching conversations" else "Breakout 2"
    path = f"/days/{day['day_id']}/slots/{day['slots'][slot]}/sessions/{session_id}/places"
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        booked = client.post(path, json={}, headers=signed(person))
    assert booked.status_code == 201, booked.text
    mine = lambda: session_id in pd_queries.places_of(stack.engine, person.person_id)  # noqa: E731
    assert wait_until(mine)


def test_a_newcomer_sees_at_once_what_is_open_to_book(trust):
    stack, days, people = trust
    cal = stack.client(people["cal"])
    open_now = section(cal, "open-to-book")
    assert "Spring PD day" in open_now and "You have 2 of 2 sessions still to book." in open_now
    assert "Summer PD day" not in open_now and "Autumn PD day" not in open_now
    html = cal.get("/").get_data(as_text=True)
    assert f'href="/days/{days["open"]["day_id"]}">Book<' in html
    assert "You have nothing booked yet. Book on Spring PD day" in section(cal, "my-bookings")
    assert section(cal, "needs") == ""  # nothing asks anything of a newcomer
    coming = section(cal, "coming")
    assert "Spring PD day Booking open" in coming and "(in 10 days)" in coming
    assert "Summer PD day Booking opens" in coming
    assert "Autumn PD day Past" in section(cal, "past") and "Autumn PD day" not in coming
    programme = cal.get(f"/days/{days['open']['day_id']}").get_data(as_text=True)
    assert '<a href="/" aria-current="page">PD days</a>' in programme  # a day is in PD days
    page = home(cal)
    assert "Event log" not in page  # the log's health is the operator's page now
    assert not re.search(r"\d\d:\d\d:\d\d", page)  # times to the minute


def test_my_bookings_day_by_day_and_slot_by_slot_and_what_is_left_to_book(trust):
    stack, days, people = trust
    amy = stack.client(people["amy"])
    book(stack, people["amy"], days, "open", "Restorative practice")
    assert "You have 1 of 2 sessions still to book." in section(amy, "open-to-book")
    mine = section(amy, "my-bookings")
    assert "Spring PD day" in mine
    assert f"10:15{TO}11:30 Breakout 1: Restorative practice , Room 1 Booked" in mine
    assert f"11:45{TO}12:45 Breakout 2: not booked yet" in mine
    book(stack, people["amy"], days, "open", "Coaching conversations")
    open_now = section(amy, "open-to-book")
    assert "You have booked every session you need." in open_now and "Change my choices" in open_now


def test_an_unanswered_are_you_coming_needs_me_until_i_answer(trust):
    stack, days, people = trust
    amy = stack.client(people["amy"])
    book(stack, people["amy"], days, "open", "Restorative practice")
    needs = section(amy, "needs")
    assert "Are you coming to Spring PD day?" in needs
    day_id = days["open"]["day_id"]
    assert f'href="/my-cpd#day-{day_id}"' in amy.get("/").get_data(as_text=True)
    amy.post(f"/days/{day_id}/attendance", data={"attending": "yes", "dietary": ""})
    assert "Are you coming" not in section(amy, "needs")


def test_a_waitlist_place_needs_me_with_my_number_in_the_queue(trust):
    stack, days, people = trust
    book(stack, people["amy"], days, "open", "Restorative practice")
    book(stack, people["ben"], days, "open", "Restorative practice")  # full: its waitlist
    ben = stack.client(people["ben"])
    assert "On the waitlist for Restorative practice: you are number 1." in section(ben, "needs")
    mine = section(ben, "my-bookings")
    assert "Breakout 1: not booked yet; Restorative practice Waitlist, number 1" in mine
    assert "You have 2 of 2 sessions still to book." in section(ben, "open-to-book")


def test_a_session_i_lead_soon_needs_me_with_its_register_and_is_not_mine_to_book(trust):
    stack, days, people = trust
    lee = stack.client(people["lee"])
    needs = section(lee, "needs")
    assert "You lead Reading for all in 10 days" in needs and "Register" in needs
    day, session = days["open"]["day_id"], days["open"]["sessions"]["Reading for all"]
    register = f"/days/{day}/sessions/{session}/register"
    assert f'href="{register}"' in lee.get("/").get_data(as_text=True)
    assert lee.get(register).status_code == 200
    assert "Summer PD day" not in needs  # in 60 days: not soon
    assert "Are you coming to Spring PD day?" in needs  # leaders eat lunch too
    assert "You have 1 of 2 sessions still to book." in section(lee, "open-to-book")
    assert "Breakout 1: Reading for all , Room 1 You lead it" in section(lee, "my-bookings")


def status_of(engine, day_id: str, session_id: str) -> str | None:
    found = pd_queries.find_session(engine, day_id, session_id)
    return found.status if found else None


def test_an_exempt_person_is_not_asked_to_book_and_a_cancelled_slot_is_not_counted(trust):
    stack, days, people = trust
    day = days["open"]
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        excused = client.put(
            f"/days/{day['day_id']}/exemptions/{people['cal'].person_id}",
            json={"exempt": True, "reason": "Part-time: not working that day"},
            headers=manager(),
        )
        assert excused.status_code == 200, excused.text
        slot = day["slots"]["Breakout 2"]
        session = day["sessions"]["Coaching conversations"]
        cancelled = client.post(
            f"/days/{day['day_id']}/slots/{slot}/sessions/{session}/cancel",
            json={"reason": "The trainer is ill"},
            headers=manager(),
        )
        assert cancelled.status_code == 200, cancelled.text
    assert wait_until(lambda: status_of(stack.engine, day["day_id"], session) == "cancelled")
    assert wait_until(
        lambda: people["cal"].person_id in pd_queries.exempt_people(stack.engine, day["day_id"])
    )
    cal = section(stack.client(people["cal"]), "open-to-book")
    assert "You are not expected on this day: Part-time: not working that day." in cal
    assert "still to book" not in cal and "See the programme" in cal
    ben = section(stack.client(people["ben"]), "open-to-book")
    assert "You have 1 of 1 session still to book." in ben  # Breakout 2 has nothing open


def test_the_cpd_manager_plans_each_day_from_home_and_sees_drafts(trust):
    stack, days, _ = trust
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        draft = plan(client, "Draft PD day", in_days=90, opens=30, closes=80)
    wait_until(lambda: pd_queries.find_day(stack.engine, draft["day_id"]) is not None)
    boss = stack.client(someone("cpd_manager", school_id=None))
    coming = section(boss, "coming")
    assert "Draft PD day Draft" in coming
    html = boss.get("/").get_data(as_text=True)
    for day in (*days.values(), draft):
        if day is not days["past"]:
            assert f'href="/plan/{day["day_id"]}"' in html
    assert boss.get(f"/plan/{draft['day_id']}").status_code == 200
    teacher = stack.client(someone())
    assert "Draft PD day" not in home(teacher) and 'href="/plan/' not in teacher.get("/").get_data(
        as_text=True
    )


RAW_ROLE = re.compile(r"\b(?:ceo|" + "|".join(name for name in ROLES if "_" in name) + r")\b")
"""A role's stored name where its label belongs (a lowercase "headteacher" is plain English)."""
ROLE_HOLDERS: dict[str, tuple[tuple, str | None]] = {
    "teacher": ((), "school-a"),
    "head": ((("headteacher", "school-a"),), "school-a"),
    "cpd lead": ((("school_cpd_lead", "school-a"),), "school-a"),
    "network lead": (("network_lead",), "school-a"),
    "cpd manager": (("cpd_manager",), None),
    "ceo": (("ceo",), None),
    "trust admin": (("trust_admin",), None),
}


@pytest.mark.parametrize("who", list(ROLE_HOLDERS))
def test_every_menu_link_opens_for_who_sees_it_and_roles_read_in_plain_english(trust, who):
    stack, _, _ = trust
    roles, school_id = ROLE_HOLDERS[who]
    client = stack.client(someone(*roles, school_id=school_id))
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav[1])
    assert links[:2] == [("/", "PD days"), ("/my-cpd", "My CPD")]
    for href, label in links:  # no link leads to "Forbidden", nor shows a raw role name
        opened = client.get(href)
        assert opened.status_code == 200, f"{who}: {label} ({href})"
        raw = RAW_ROLE.search(text(opened.get_data(as_text=True)))
        assert not raw, f"{who}: {label} ({href}) shows {raw[0]}"
    labels = {label for _, label in links}
    assert "Plan" not in labels or who == "cpd manager"
    assert ("Operator" in labels) == (who == "trust admin")
    page = text(html)
    held = {role if isinstance(role, str) else role[0] for role in roles}
    for name, label in ROLES.items():
        assert label in page or name not in held, f"{who}: {label} not shown"
