"""The programme of a PD day: seats left, my choice, book, cancel, waitlists and moves in
place; read your writes; the live poll; a clear message for every refusal."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from events.db import create_db_engine, migrate
from events.projection import checkpoint, rebuild
from readmodels import PACKAGE_DIR
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.projection import trustdays
from services.trustdays.events import slot_subject
from tests.support.identity import someone
from tests.support.pages import HTMX, act, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack, projected
from tests.support.trustdays import open_day
from tests.support.waiting import wait_until


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        ids = {
            name: enrol(
                engine,
                f"{name}@ash.sch.uk",
                name=name.title(),
                school_id="school-a",
                log=(nats, store),
            )
            for name in ("amy", "ben", "cal")
        }
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day = open_day(client, sessions=2, capacity=1)
        assert wait_until(lambda: projected(engine, day))
        people = {name: someone(person_id=pid, name=name.title()) for name, pid in ids.items()}
        yield stack, day, people


def programme(client, day: dict) -> str:
    answer = client.get(f"/days/{day['day_id']}")
    assert answer.status_code == 200
    return text(answer.get_data(as_text=True))


def test_booking_shows_at_once_and_the_full_session_offers_its_waitlist(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    assert "1 of 1 seats left" in programme(amy, day) and "Book" in programme(amy, day)

    booked = act(amy, day, first, "book")
    fragment = text(booked.get_data(as_text=True))
    assert booked.status_code == 200
    assert "You are booked on Session 1." in fragment and "Your choice: you are booked." in fragment
    assert "Move here" in fragment  # the other session of the slot, as Amy now has a seat

    page = programme(ben, day)  # read your writes: no waiting for the projector here
    assert "Full" in page and "Join the waitlist" in page
    waiting = text(act(ben, day, first, "book").get_data(as_text=True))
    assert "Session 1 is full: you are on its waitlist, first in line." in waiting
    assert "On the waitlist: you are number 1." in waiting


def test_a_seat_given_up_goes_to_the_first_person_waiting(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy, ben, cal = (stack.client(people[n]) for n in ("amy", "ben", "cal"))
    act(amy, day, first, "book")
    act(ben, day, first, "book")
    act(cal, day, first, "book")
    assert "you are number 2" in programme(cal, day)

    given_up = text(act(amy, day, first, "cancel").get_data(as_text=True))
    assert "You have given up your place in Session 1." in given_up
    assert "Your choice: you are booked." in programme(ben, day)
    assert "you are number 1" in programme(cal, day)
    left = text(act(cal, day, first, "cancel").get_data(as_text=True))
    assert "You have left the waitlist for Session 1." in left


def test_moving_within_a_slot_and_a_refusal_that_says_why(trust):
    stack, day, people = trust
    first, second = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    act(amy, day, first, "book")
    moved = text(act(amy, day, second, "move").get_data(as_text=True))
    assert "You have moved to Session 2." in moved

    act(ben, day, first, "book")
    refused = act(ben, day, second, "move")  # Session 2 is full now: Amy holds its seat
    assert refused.status_code == 409
    assert "Session 2 is full: join its waitlist instead." in text(refused.get_data(as_text=True))


def test_the_live_poll_answers_204_until_someone_else_books(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    version = pd_queries.find_day(stack.engine, day["day_id"]).version
    live = f"/days/{day['day_id']}/live?after={version}"
    assert amy.get(live, headers=HTMX).status_code == 204

    act(ben, day, first, "book")
    changed = amy.get(live, headers=HTMX)
    html = changed.get_data(as_text=True)
    assert changed.status_code == 200
    assert 'hx-swap-oob="true"' in html and "Full" in text(html)
    newer = re.search(r"after=(\d+)", html)
    assert newer and int(newer[1]) > version
    assert amy.get(f"/days/{day['day_id']}/live?after={newer[1]}").status_code == 204


def test_plain_forms_work_without_javascript(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy = stack.client(people["amy"])
    answer = act(amy, day, first, "book", headers={})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/days/{day['day_id']}#session-{first}")
    assert "Your choice: you are booked." in programme(amy, day)


def test_filters_narrow_the_sessions_and_unknown_things_are_404(trust):
    stack, day, people = trust
    amy = stack.client(people["amy"])
    assert "Session 1" in programme(amy, day)
    narrowed = amy.get(f"/days/{day['day_id']}", query_string={"community": "eyfs"})
    assert "No sessions match the filters" in text(narrowed.get_data(as_text=True))
    assert amy.get("/days/no-such-day").status_code == 404
    assert act(amy, day, "no-such-session", "book").status_code == 404
    assert act(amy, day, day["sessions"][0], "explode").status_code == 404


def test_the_cpd_manager_books_and_moves_someone_by_email(trust):
    stack, day, people = trust
    first, second = day["sessions"]
    boss = stack.client(someone("cpd_manager", school_id=None, name="Priya Shah"))
    url = f"/days/{day['day_id']}/sessions/{{}}/place-someone"

    def place(client, session_id, email):
        return client.post(url.format(session_id), data={"email": email}, headers=HTMX)

    booked = place(boss, first, "AMY@ash.sch.uk")
    assert booked.status_code == 200 and "Amy is booked on Session 1." in text(
        booked.get_data(as_text=True)
    )
    moved = place(boss, second, "amy@ash.sch.uk")
    assert "Amy has moved to Session 2." in text(moved.get_data(as_text=True))
    assert "Your choice: you are booked." in programme(stack.client(people["amy"]), day)
    waiting = place(boss, second, "ben@ash.sch.uk")
    assert "Session 2 is full: Ben is on its waitlist." in text(waiting.get_data(as_text=True))

    unknown = place(boss, first, "nobody@ash.sch.uk")
    assert unknown.status_code == 422 and "Nobody in the trust has that work email." in text(
        unknown.get_data(as_text=True)
    )
    assert place(stack.client(people["cal"]), first, "amy@ash.sch.uk").status_code == 403


def rows(connection, query) -> list[tuple]:
    """Rows as plain values; times in naive UTC (SQLite keeps no zone, PostgreSQL does)."""

    def plain(value):
        if isinstance(value, datetime) and value.tzinfo:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    return [tuple(plain(v) for v in row) for row in connection.execute(query)]


def test_the_read_model_equals_a_rebuild_from_the_log(trust, nats, store, tmp_path):
    stack, day, people = trust
    first, second = day["sessions"]
    amy, ben, cal = (stack.client(people[n]) for n in ("amy", "ben", "cal"))
    act(amy, day, first, "book")
    act(ben, day, first, "book")  # waits
    act(cal, day, second, "book")
    act(amy, day, first, "cancel")  # Ben gets the seat
    act(cal, day, first, "book")  # waits, holding a seat in Session 2
    act(amy, day, second, "book")  # waits

    rebuilt = create_db_engine(f"sqlite:///{tmp_path / 'rebuilt.db'}")
    migrate(rebuilt, [PACKAGE_DIR])
    nats.run(rebuild(store, rebuilt, trustdays))
    assert checkpoint(rebuilt, "trustdays") == checkpoint(stack.engine, "trustdays")
    for table in trustdays.tables:
        query = select(table).order_by(*table.primary_key.columns)
        with stack.engine.connect() as live, rebuilt.connect() as again:
            assert rows(live, query) == rows(again, query), table.name
    rebuilt.dispose()


def test_a_double_tap_books_once(trust, nats, store):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy = stack.client(people["amy"])
    url = f"/days/{day['day_id']}/sessions/{first}/book"
    answers = [amy.post(url, data={"key": "the-same-form"}, headers=HTMX) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert "Your choice: you are booked." in text(answers[1].get_data(as_text=True))
    subject = store.subject(*slot_subject(day["day_id"], day["slot_id"]))
    events, _ = nats.run(store.load(subject))
    booked = [
        e
        for e in events
        if e.type == "SessionBooked" and e.data["person_id"] == people["amy"].person_id
    ]
    assert len(booked) == 1
