"""Planning a PD day from the pages alone, as the CPD manager: a day with its first
timetable, sessions led by someone of the trust (found in the directory) or an external
facilitator, online with a join link; changing the details, retiming and removing a slot,
cancelling a session and the day, copying a session and a whole day, publishing with a
check list; field errors that change nothing; and nobody else may."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Row, func, select

from frontend.pages.service_rules import MISSING
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.tables import pd_days, pd_sessions
from tests.support.identity import someone
from tests.support.pages import HTMX, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack
from tests.support.trustdays import MANAGER_ID

THE_DAY = date.today() + timedelta(days=21)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        log = (nats, store)
        ids = {
            "amy": enrol(engine, "amy.adams@ash.sch.uk", name="Amy Adams", log=log),
            "ben": enrol(engine, "ben.brown@ash.sch.uk", name="Ben Brown", log=log),
            "bea": enrol(engine, "bea.brook@ash.sch.uk", name="Bea Brook", log=log),
        }
        boss = someone("cpd_manager", person_id=MANAGER_ID, school_id=None, name="Priya Shah")
        teacher = someone(person_id=ids["amy"], name="Amy Adams")
        yield stack, stack.client(boss), stack.client(teacher), ids


def new_day(**changes: str) -> dict[str, str]:
    """The new-day form as the manager fills it in: the timetable rows left as they come
    (a keynote and two breakouts), the booking window left to its defaults."""
    return {
        "key": "",
        "date": THE_DAY.isoformat(),
        "title": "Spring PD day",
        "theme": "Reading",
        "venue": "Calder Valley Academy",
        "keynote_speaker": "Dr Jo Reed",
        "keynote_starts": "09:00",
        "keynote_ends": "09:45",
        "breakout1_starts": "10:00",
        "breakout1_ends": "11:00",
        "breakout2_starts": "11:15",
        "breakout2_ends": "12:15",
        **changes,
    }


def session_form(title: str, **changes: str) -> dict[str, str]:
    return {
        "key": "",
        "title": title,
        "description": "Practical strategies.",
        "community": "primary_english",
        "audience": "teaching",
        "phase": "primary",
        "leader_kind": "external",
        "leader_name": "Sam Story",
        "leader_bio": "Sam taught reading for twenty years.",
        "room": "Library",
        "capacity": "20",
        "mode": "in_person",
        **changes,
    }


def plan(boss, **changes: str) -> str:
    planned = boss.post("/plan", data=new_day(**changes))
    said = re.findall(r'class="field-error"[^>]*>([^<]*)', planned.get_data(as_text=True))
    assert planned.status_code == 303, said
    found = re.fullmatch(r".*/plan/([^/#?]+)", planned.headers["Location"])
    assert found
    return found[1]


def slots_of(stack, day_id: str) -> dict[str, pd_queries.SlotView]:
    return {view.slot.title: view for view in pd_queries.timetable(stack.engine, day_id)}


def add_session(boss, day_id: str, slot_id: str, form: dict[str, str]):
    return boss.post(f"/plan/{day_id}/slots/{slot_id}/sessions", data=form)


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return text(answer.get_data(as_text=True))


def a_day_with_four_sessions(stack, boss, ids) -> tuple[str, dict[str, pd_queries.SlotView]]:
    day_id = plan(boss)
    slots = slots_of(stack, day_id)
    first, second = slots["Breakout 1"].slot.slot_id, slots["Breakout 2"].slot.slot_id
    led = session_form("Phonics first", leader_kind="staff", leader_q="amy adams")
    assert add_session(boss, day_id, first, led).status_code == 303
    assert add_session(boss, day_id, first, session_form("Story time")).status_code == 303
    online = session_form(
        "Reading online", mode="online", join_link="https://meet.example.org/reading"
    )
    assert add_session(boss, day_id, second, online).status_code == 303
    chosen = session_form("Fluency", leader_kind="staff", leader_id=ids["ben"])
    assert add_session(boss, day_id, second, chosen).status_code == 303
    return day_id, slots_of(stack, day_id)


def test_a_day_with_two_slots_and_four_sessions_planned_and_published_from_the_forms(trust):
    stack, boss, _, ids = trust
    day_id, slots = a_day_with_four_sessions(stack, boss, ids)

    day = day_row(stack, day_id)
    evening_before = datetime.combine(THE_DAY - timedelta(days=1), time(17), LONDON)
    assert day.closes == evening_before  # the window's default
    assert day.opens <= datetime.now(UTC)
    start = THE_DAY.year if THE_DAY.month >= 9 else THE_DAY.year - 1
    assert (day.status, day.academic_year) == ("draft", f"{start}-{(start + 1) % 100:02d}")
    assert [v.slot.kind for v in slots.values()] == ["keynote", "breakout", "breakout"]
    assert slots["Keynote"].slot.speaker == "Dr Jo Reed"
    sessions = {s.title: s for v in slots.values() for s in v.sessions}
    assert set(sessions) == {"Phonics first", "Story time", "Reading online", "Fluency"}
    assert sessions["Phonics first"].leader_id == ids["amy"]
    assert sessions["Fluency"].leader_name == "Ben Brown"
    assert (sessions["Story time"].leader_id, sessions["Story time"].leader_name) == (
        None,
        "Sam Story",
    )

    shown = page(boss, f"/plan/{day_id}")
    assert "Ready to publish?" in shown and "Draft: only you see this day" in shown
    assert "Phonics first" in shown and "Amy Adams" in shown and "0 of 20 seats taken" in shown
    assert "Spring PD day" in page(boss, "/plan")

    published = boss.post(f"/plan/{day_id}/publish", data={"key": "p"}, headers=HTMX)
    assert published.status_code == 200
    said = text(published.get_data(as_text=True))
    assert "Published: staff see the day" in said
    assert 'id="day-heading" hx-swap-oob="true"' in published.get_data(as_text=True)
    assert "Draft: only you see this day" not in said
    assert day_row(stack, day_id).status == "published"


def test_publishing_waits_for_the_check_list(trust):
    stack, boss, _, _ = trust
    day_id = plan(boss)
    refused = boss.post(f"/plan/{day_id}/publish", data={"key": "p"}, headers=HTMX)
    assert refused.status_code == 422
    said = text(refused.get_data(as_text=True))
    assert "Not yet" in said and "Without sessions: Breakout 1, Breakout 2." in said
    assert day_row(stack, day_id).status == "draft"


def test_the_details_change_in_place_and_a_slot_is_retimed(trust):
    stack, boss, _, _ = trust
    day_id = plan(boss)
    details = {**new_day(title="Spring PD day (revised)"), "opens": "", "closes": ""}
    changed = boss.post(f"/plan/{day_id}", data=details, headers=HTMX)
    assert changed.status_code == 200
    fragment = changed.get_data(as_text=True)
    assert 'id="day-details"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "The details of the day are saved." in text(fragment)
    assert day_row(stack, day_id).title == "Spring PD day (revised)"
    summer = {**details, "date": "2027-07-01", "opens": "2027-06-01T09:00"}
    summer |= {"closes": "2027-06-30T17:00", "academic_year": "", "term": ""}
    assert boss.post(f"/plan/{day_id}", data=summer).status_code == 303
    moved = day_row(stack, day_id)
    assert moved.opens == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)  # BST
    assert (moved.academic_year, moved.term) == ("2026-27", 6)

    slot = slots_of(stack, day_id)["Breakout 2"].slot
    retimed = {
        "key": "",
        "kind": "breakout",
        "title": "Breakout 2",
        "starts": "13:00",
        "ends": "14:00",
    }
    answer = boss.post(f"/plan/{day_id}/slots/{slot.slot_id}", data=retimed, headers=HTMX)
    assert answer.status_code == 200, text(answer.get_data(as_text=True))[:500]
    assert "Breakout 2 now runs from 13:00 to 14:00." in text(answer.get_data(as_text=True))
    now = slots_of(stack, day_id)["Breakout 2"].slot
    assert (now.starts, now.ends) == ("13:00", "14:00")
    overlapping = {**retimed, "starts": "10:30"}
    refused = boss.post(f"/plan/{day_id}/slots/{slot.slot_id}", data=overlapping, headers=HTMX)
    assert refused.status_code == 422
    assert f'id="slot-{slot.slot_id}-starts-error"' in refused.get_data(as_text=True)
    assert slots_of(stack, day_id)["Breakout 2"].slot.starts == "13:00"

    added = {
        "key": "",
        "kind": "breakout",
        "title": "Breakout 3",
        "starts": "14:15",
        "ends": "15:00",
    }
    assert boss.post(f"/plan/{day_id}/slots", data=added).status_code == 303
    assert "Breakout 3" in slots_of(stack, day_id)


def test_removing_a_slot_asks_first_and_says_what_becomes_of_the_bookings(trust):
    stack, boss, teacher, ids = trust
    day_id, slots = a_day_with_four_sessions(stack, boss, ids)
    assert boss.post(f"/plan/{day_id}/publish", data={"key": "p"}).status_code == 303
    slot = slots["Breakout 2"]
    fluency = next(s for s in slot.sessions if s.title == "Fluency")
    booked = teacher.post(f"/days/{day_id}/sessions/{fluency.session_id}/book", data={"key": "b"})
    assert booked.status_code == 303

    url = f"/plan/{day_id}/slots/{slot.slot.slot_id}/remove"
    asked = page(boss, url)
    assert "Remove Breakout 2?" in asked and "1 person loses their seat" in asked
    assert "Fluency: 1 booked" in asked

    unsaid = boss.post(url, data={"key": "", "reason": " "})
    assert unsaid.status_code == 422 and "Say why" in text(unsaid.get_data(as_text=True))
    assert "Breakout 2" in slots_of(stack, day_id)

    removed = boss.post(url, data={"key": "", "reason": "Room needed for exams"})
    assert removed.status_code == 303, text(removed.get_data(as_text=True))[:500]
    assert "Breakout 2" not in slots_of(stack, day_id)
    assert "Breakout 2" not in page(boss, f"/plan/{day_id}")


def test_someone_with_a_place_in_the_slot_cannot_be_made_its_leader(trust):
    stack, boss, teacher, ids = trust
    day_id, slots = a_day_with_four_sessions(stack, boss, ids)
    assert boss.post(f"/plan/{day_id}/publish", data={"key": "p"}).status_code == 303
    fluency, online = sorted(slots["Breakout 2"].sessions, key=lambda s: s.title)
    booked = teacher.post(f"/days/{day_id}/sessions/{fluency.session_id}/book", data={"key": "b"})
    assert booked.status_code == 303

    url = f"/plan/{day_id}/sessions/{online.session_id}"
    form = session_form(
        "Reading online",
        mode="online",
        join_link="https://meet.example.org/reading",
        leader_kind="staff",
        leader_id=ids["amy"],
    )
    refused = boss.post(url, data=form)
    assert refused.status_code == 409
    assert 'id="session-leader_q-error"' in refused.get_data(as_text=True)
    assert session_row(stack, day_id, online.session_id).leader_id is None


def test_a_session_is_changed_and_cancelled_with_a_reason(trust):
    stack, boss, _, ids = trust
    day_id, slots = a_day_with_four_sessions(stack, boss, ids)
    story = next(s for s in slots["Breakout 1"].sessions if s.title == "Story time")
    url = f"/plan/{day_id}/sessions/{story.session_id}"
    form = page(boss, url)
    assert "Change Story time" in form and "Sam taught reading" in form

    changed = boss.post(url, data=session_form("Story time", capacity="25", room="Hall"))
    assert changed.status_code == 303
    now = session_row(stack, day_id, story.session_id)
    assert (now.capacity, now.room) == (25, "Hall")

    cancel = f"{url}/cancel"
    unsaid = boss.post(cancel, data={"key": "", "reason": ""}, headers=HTMX)
    assert unsaid.status_code == 422 and "Say why" in text(unsaid.get_data(as_text=True))
    cancelled = boss.post(cancel, data={"key": "", "reason": "Leader unwell"}, headers=HTMX)
    assert cancelled.status_code == 200
    assert "Story time is cancelled" in text(cancelled.get_data(as_text=True))
    assert session_row(stack, day_id, story.session_id).status == "cancelled"


def test_copying_a_session_fills_in_its_form_and_copying_a_day_makes_a_draft(trust):
    stack, boss, _, ids = trust
    source_id, slots = a_day_with_four_sessions(stack, boss, ids)
    target_id = plan(boss, title="Summer PD day")
    target = slots_of(stack, target_id)["Breakout 1"].slot.slot_id
    online = next(s for s in slots["Breakout 2"].sessions if s.title == "Reading online")

    picker = page(boss, f"/plan/{target_id}/slots/{target}/copy?from_day={source_id}")
    assert "Reading online" in picker and "Phonics first" in picker
    narrowed = boss.get(
        f"/plan/{target_id}/slots/{target}/copy",
        query_string={"from_day": source_id, "q": "ONLINE"},
        headers={**HTMX, "HX-Target": "copy-sessions"},
    )
    shown = text(narrowed.get_data(as_text=True))
    assert "Reading online" in shown and "Phonics first" not in shown and "<h1" not in shown
    prefilled = boss.get(
        f"/plan/{target_id}/slots/{target}/sessions/new",
        query_string={"from": online.session_id, "day": source_id},
    ).get_data(as_text=True)
    assert 'value="Reading online"' in prefilled
    assert 'value="https://meet.example.org/reading"' in prefilled

    copy_form = page(boss, f"/plan/{source_id}/copy")
    assert "Copy Spring PD day" in copy_form
    next_year = (THE_DAY + timedelta(days=364)).isoformat()
    copied = boss.post(f"/plan/{source_id}/copies", data={"key": "c", "date": next_year})
    assert copied.status_code == 303, text(copied.get_data(as_text=True))[:500]
    copy_id = copied.headers["Location"].rsplit("/", 1)[1]
    assert copy_id != source_id
    day = day_row(stack, copy_id)
    assert (day.status, day.date.isoformat(), day.theme) == ("draft", next_year, "Reading")
    titles = {s.title for v in slots_of(stack, copy_id).values() for s in v.sessions}
    assert titles == {"Phonics first", "Story time", "Reading online", "Fluency"}


def test_bad_input_is_shown_at_its_field_and_changes_nothing(trust):
    stack, boss, _, ids = trust
    days_before = count(stack, pd_days)
    no_date = boss.post("/plan", data=new_day(date="someday"))
    assert no_date.status_code == 422
    assert 'id="new-day-date-error"' in no_date.get_data(as_text=True)

    late = boss.post("/plan", data=new_day(opens="2026-01-10T09:00", closes="2026-01-09T09:00"))
    assert late.status_code == 422
    assert 'id="new-day-closes-error"' in late.get_data(as_text=True)
    assert "Booking must close after it opens." in text(late.get_data(as_text=True))

    overlap = boss.post("/plan", data=new_day(breakout1_starts="09:30", title=""))
    html = overlap.get_data(as_text=True)
    assert overlap.status_code == 422
    assert 'id="new-day-title-error"' in html or 'id="new-day-keynote_starts-error"' in html
    assert 'value="Calder Valley Academy"' in html  # the form as it was sent
    assert count(stack, pd_days) == days_before

    day_id = plan(boss)
    slot_id = slots_of(stack, day_id)["Breakout 1"].slot.slot_id
    sessions_before = count(stack, pd_sessions)
    wrong = add_session(
        boss, day_id, slot_id, session_form("", capacity="lots", leader_kind="staff", leader_q="zz")
    )
    said = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    for name in ("capacity", "leader_q"):
        assert f'id="session-{name}-error"' in said, name
    several = add_session(
        boss, day_id, slot_id, session_form("Phonics", leader_kind="staff", leader_q="b")
    )
    assert several.status_code == 422
    assert "Several people match" in text(several.get_data(as_text=True))
    assert ids["ben"] in several.get_data(as_text=True) and ids["bea"] in several.get_data(
        as_text=True
    )
    unlinked = add_session(boss, day_id, slot_id, session_form("Online", mode="online"))
    assert unlinked.status_code == 422
    assert 'id="session-join_link-error"' in unlinked.get_data(as_text=True)
    untitled = add_session(boss, day_id, slot_id, session_form(""))
    assert untitled.status_code == 422
    assert 'id="session-title-error"' in untitled.get_data(as_text=True)
    assert count(stack, pd_sessions) == sessions_before


def test_a_form_with_mistakes_also_says_what_the_service_would_refuse(trust):
    """A venue's length and a title's are the service's rules, not the page's. What the
    page could not make (a day's booking window without its date, a leader nobody matches)
    is not the person's to hear of as missing."""
    stack, boss, _, _ = trust
    days_before = count(stack, pd_days)
    undated = boss.post("/plan", data=new_day(date="someday", venue="V" * 300))
    said = shown_errors(undated)
    assert said["new-day-date"] == "Give the day&#39;s date."
    assert said["new-day-venue"] == "Write between 1 and 200 characters."
    assert count(stack, pd_days) == days_before

    day_id = plan(boss)
    slot_id = slots_of(stack, day_id)["Breakout 1"].slot.slot_id
    sessions_before = count(stack, pd_sessions)
    form = session_form("T" * 300, leader_kind="staff", leader_q="nobody at all")
    said = shown_errors(add_session(boss, day_id, slot_id, form))
    assert said["session-leader_q"].startswith("Nobody in the trust matches")
    assert said["session-title"] == "Write between 1 and 200 characters."
    assert count(stack, pd_sessions) == sessions_before


def shown_errors(answer) -> dict[str, str]:
    """A 422's field errors by field id, none of them a field the form left out."""
    assert answer.status_code == 422
    said = dict(re.findall(r'id="([^"]+)-error">([^<]*)', answer.get_data(as_text=True)))
    assert MISSING not in said.values(), said
    return said


def test_the_directory_is_searched_as_you_type(trust):
    _, boss, _, _ = trust
    found = boss.get("/plan/leaders", query_string={"leader_q": "brown"}, headers=HTMX)
    assert found.status_code == 200
    shown = text(found.get_data(as_text=True))
    assert "Ben Brown" in shown and "Amy Adams" not in shown
    nobody = boss.get("/plan/leaders", query_string={"leader_q": "zzz"}, headers=HTMX)
    assert "Nobody in the trust matches" in text(nobody.get_data(as_text=True))


def test_the_day_is_cancelled_with_a_reason(trust):
    stack, boss, _, _ = trust
    day_id = plan(boss)
    unsaid = boss.post(f"/plan/{day_id}/cancel", data={"key": "", "reason": ""}, headers=HTMX)
    assert unsaid.status_code == 422
    assert day_row(stack, day_id).status == "draft"
    cancelled = boss.post(f"/plan/{day_id}/cancel", data={"key": "", "reason": "Snow"})
    assert cancelled.status_code == 303
    assert day_row(stack, day_id).status == "cancelled"
    assert "This PD day has been cancelled." in page(boss, f"/plan/{day_id}")


def test_only_the_cpd_manager_plans(trust):
    stack, boss, teacher, _ = trust
    day_id = plan(boss)
    assert teacher.get("/plan").status_code == 403
    assert teacher.post("/plan", data=new_day()).status_code == 403
    assert teacher.get(f"/plan/{day_id}").status_code == 403
    assert teacher.post(f"/plan/{day_id}/publish", data={"key": "p"}).status_code == 403
    assert stack.app.test_client().get("/plan").status_code == 401
    assert day_row(stack, day_id).status == "draft"


def day_row(stack, day_id: str) -> Row:
    found = pd_queries.find_day(stack.engine, day_id)
    assert found is not None
    return found


def session_row(stack, day_id: str, session_id: str) -> Row:
    found = pd_queries.find_session(stack.engine, day_id, session_id)
    assert found is not None
    return found


def count(stack, table) -> int:
    with stack.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0
