"""The programme of a PD day: seats left, my choice, book, cancel, waitlists and moves in
place; read your writes; the live poll; a clear message for every refusal. On a phone:
search and "hide full sessions" (without JavaScript too), sessions for me first, a tap
answered with its card, a waitlist place that became a seat announced, no promise the rule
would not keep, leaders not offered Book, the keynote's speaker, join links for a seat."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import event, select

from events.db import create_db_engine, migrate
from events.projection import checkpoint, rebuild
from frontend.pages.programme_view import changed_by_a_tap
from readmodels import PACKAGE_DIR
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.projection import trustdays
from services.trustdays.events import slot_subject
from tests.support.identity import someone
from tests.support.pages import HTMX, act, details_without_an_id, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack, projected
from tests.support.trustdays import day_fields, manager, open_day, session_fields
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
    assert "<details" in booked.get_data(as_text=True)
    assert details_without_an_id(booked.get_data(as_text=True)) == []
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
    assert "<details" in html and details_without_an_id(html) == []
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


def test_a_tap_reads_the_persons_places_once_before_its_command_and_once_after(trust):
    stack, day, people = trust
    first, second = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    asked: list[str] = []

    def places_read(_connection, _cursor, statement: str, *_args) -> None:
        if "pd_places AS mine" in statement:  # pd_queries.places_of
            asked.append(statement)

    engine = stack.app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", places_read)
    try:
        taps = ((amy, first, "book"), (ben, first, "book"), (amy, second, "move"))
        for client, session_id, action in (*taps, (amy, second, "cancel")):
            asked.clear()
            assert act(client, day, session_id, action).status_code == 200, action
            assert len(asked) == 2, action
    finally:
        event.remove(engine, "before_cursor_execute", places_read)


def add_session(stack, day: dict, title: str, **changes) -> str:
    """Another session in the day's breakout, through the trust days service; its id once
    the page can show it."""
    path = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        added = client.post(path, json=session_fields(title, **changes), headers=manager())
    assert added.status_code == 201, added.text
    session_id = added.json()["id"]
    engine = stack.engine
    assert wait_until(
        lambda: pd_queries.find_session(engine, day["day_id"], session_id) is not None
    )
    return session_id


def a_day(stack, **changes) -> str:
    """A published day of `day_fields` with `changes`, a session in each breakout slot."""
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        planned = client.post("/days", json=day_fields(**changes), headers=manager())
        assert planned.status_code == 201, planned.text
        day_id = planned.json()["id"]
        for slot in client.get(f"/days/{day_id}", headers=manager()).json()["slots"]:
            if slot["kind"] == "breakout":
                path = f"/days/{day_id}/slots/{slot['slot_id']}/sessions"
                client.post(path, json=session_fields(), headers=manager()).raise_for_status()
        assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    engine = stack.engine

    def published() -> bool:
        return getattr(pd_queries.find_day(engine, day_id), "status", "") == "published"

    assert wait_until(published)
    return day_id


def card_of(html: str, session_id: str) -> str:
    start = html.index(f'id="session-{session_id}"')
    return html[start : html.index("</li>", start)]


def test_search_and_hide_full_narrow_the_page_without_javascript_too(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    add_session(stack, day, "Phonics for reluctant readers", description="Decoding and fluency.")
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    act(amy, day, first, "book")  # Session 1 is full now
    url = f"/days/{day['day_id']}"

    found = text(ben.get(url, query_string={"q": "FLUENCY decoding"}).get_data(as_text=True))
    assert "Phonics for reluctant readers" in found and "Session 1" not in found
    assert "Showing 1 of 3 sessions." in found
    open_only = text(ben.get(url, query_string={"hide_full": "1"}).get_data(as_text=True))
    assert "Session 2" in open_only and "Session 1" not in open_only
    kept = text(amy.get(url, query_string={"hide_full": "1"}).get_data(as_text=True))
    assert "Session 1" in kept  # full, but hers

    part = ben.get(url, query_string={"q": "phonics"}, headers={**HTMX, "HX-Target": "programme"})
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="programme">') and "<h1" not in html
    assert re.search(r'id="shown-count"[^>]*hx-swap-oob="innerHTML"', html)
    assert "q=phonics" in html  # the live poll keeps the search
    assert ben.get(url, query_string={"q": "x" * 101}).status_code == 422


def test_sessions_for_me_come_first_marked_for_you(trust):
    stack, day, people = trust
    maths = add_session(stack, day, "Zeta: maths mastery", community="primary_maths")
    amy = stack.client(people["amy"])  # teaches maths at a primary school (tests.support.people)
    html = amy.get(f"/days/{day['day_id']}").get_data(as_text=True)
    order = [html.index(f'id="session-{sid}"') for sid in (maths, *day["sessions"])]
    assert order == sorted(order)
    assert "For you" in text(card_of(html, maths))
    assert text(html).count("For you") == 1


def test_a_tap_answers_with_its_card_and_what_else_it_changed_out_of_band(trust):
    stack, day, people = trust
    first, second = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    booked = act(amy, day, first, "book").get_data(as_text=True)
    swapped = booked.split("</template>", 1)[1].lstrip()
    assert swapped.startswith(f'<li class="session is-mine" id="session-{first}">')
    assert re.search(rf'id="said-{first}">You are booked on Session 1\.<', swapped)
    assert f'id="session-{second}"' not in booked  # only its button changed: "Move here"
    assert re.search(rf'id="do-{second}" hx-swap-oob="true">.*>Move here</button>', booked, re.S)
    assert 'id="my-choices"' in booked and 'hx-swap-oob="innerHTML:#messages"' in booked
    assert '<section class="slot' not in booked and "<h1" not in booked

    waiting = act(ben, day, first, "book").get_data(as_text=True)
    assert f'id="session-{second}"' not in waiting  # a waitlist place changes no other card
    act(ben, day, second, "book")
    refused = act(ben, day, first, "move")
    assert refused.status_code == 409
    card = card_of(refused.get_data(as_text=True), first)
    assert 'class="said said-warning"' in card and "Session 1 is full" in text(card)


def test_a_taps_answer_reads_its_own_slot_yet_sums_up_every_slot(trust):
    """The answer reads the tapped slot whole and only the person's sessions in the others
    (pd_queries.timetable_around_a_card): their choices at the top still cover the day."""
    stack, _, people = trust
    amy = people["amy"]
    breakouts = [
        {"kind": "breakout", "title": f"Breakout {n}", "starts": f"1{n}:00", "ends": f"1{n}:45"}
        for n in (1, 2, 3)
    ]
    day_id = a_day(stack, slots=breakouts)
    slots = [s["slot_id"] for s in day_of(stack, day_id)["slots"]]
    kept = add_session(stack, {"day_id": day_id, "slot_id": slots[0]}, "Kept from before")
    leader = {"person_id": amy.person_id, "name": "Amy"}
    add_session(stack, {"day_id": day_id, "slot_id": slots[1]}, "Led by Amy", leader=leader)
    tapped = add_session(stack, {"day_id": day_id, "slot_id": slots[2]}, "Tapped now")
    day = {"day_id": day_id}
    client = stack.client(amy)
    assert act(client, day, kept, "book").status_code == 200

    answer = act(client, day, tapped, "book").get_data(as_text=True)
    summary = choices_in(answer)
    assert "Kept from before" in summary and "You lead Led by Amy" in summary
    assert "Tapped now" in summary
    assert f'id="session-{tapped}"' in answer and f'id="session-{kept}"' not in answer
    page = stack.client(amy).get(f"/days/{day_id}").get_data(as_text=True)
    assert choices_in(page) == summary


def choices_in(html: str) -> str:
    start = html.index('<h2 id="my-choices-title"')
    return text(html[start : html.index("</section>", start)])


def day_of(stack, day_id: str) -> dict:
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        return client.get(f"/days/{day_id}", headers=manager()).json()


def test_a_waitlist_place_that_became_a_seat_is_announced_on_the_open_page(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    act(amy, day, first, "book")
    act(ben, day, first, "book")
    shown = ben.get(f"/days/{day['day_id']}").get_data(as_text=True)
    assert f'name="waiting" value="{first}"' in shown  # sent back with each live poll
    version = getattr(pd_queries.find_day(stack.engine, day["day_id"]), "version", 0)

    act(amy, day, first, "cancel")
    live = f"/days/{day['day_id']}/live"
    asked = {"after": version, "waiting": first}
    html = ben.get(live, query_string=asked, headers=HTMX).get_data(as_text=True)
    said = "A seat came free in Session 1: it is yours. You are booked."
    assert 'hx-swap-oob="innerHTML:#messages"' in html and said in text(html)
    assert re.search(rf'id="said-{first}">A seat came free', html)  # at the card, not kept
    assert "on its waitlist" not in text(html) and "Your choice: you are booked." in text(html)
    unknown = ben.get(live, query_string={"after": version}, headers=HTMX)
    assert "A seat came free" not in unknown.get_data(as_text=True)


def test_a_freed_seat_is_promised_only_to_whom_the_rule_would_give_it(trust):
    stack, day, people = trust
    first, second = day["sessions"]
    amy, ben, cal = (stack.client(people[n]) for n in ("amy", "ben", "cal"))
    act(ben, day, first, "book")
    act(amy, day, second, "book")
    said = text(act(amy, day, first, "book").get_data(as_text=True))  # waits, holding a seat
    kept = "While you keep your seat in Session 2, a seat that comes free here goes to someone"
    assert kept in said and "it is yours" not in said
    page = programme(amy, day)
    assert kept in page and "it is yours" not in page
    second_in_line = text(act(cal, day, first, "book").get_data(as_text=True))
    assert "number 2. Seats that come free go to the people waiting, in turn." in second_in_line
    assert "it is yours" not in second_in_line


def test_cancelling_a_seat_asks_once(trust):
    stack, day, people = trust
    first, _ = day["sessions"]
    amy = stack.client(people["amy"])
    act(amy, day, first, "book")
    html = amy.get(f"/days/{day['day_id']}").get_data(as_text=True)
    card = card_of(html, first)
    assert '<summary class="button">Cancel my place</summary>' in card
    assert re.search(r"<button[^>]*>Yes, give up my seat</button>", card)
    assert not re.search(r"<button[^>]*>\s*Cancel my place", html)


def test_a_leader_is_not_offered_book_in_the_slot_they_lead(trust):
    stack, day, people = trust
    amy_id = people["amy"].person_id
    add_session(stack, day, "Led by Amy", leader={"person_id": amy_id, "name": "Amy"})
    html = stack.client(people["amy"]).get(f"/days/{day['day_id']}").get_data(as_text=True)
    assert "You lead Led by Amy at this time" in text(html)
    assert "You lead this session." in text(html)
    assert not re.search(r">(Book|Join the waitlist|Move here)</button>", html)
    assert ">Book</button>" in stack.client(people["ben"]).get(f"/days/{day['day_id']}").text


def test_a_join_link_only_for_a_seat_the_leader_and_the_cpd_manager(trust):
    stack, day, people = trust
    online = add_session(
        stack,
        day,
        "Feedback online",
        mode="online",
        room="Online",
        join_link="https://meet.example.org/feedback",
        leader={"person_id": people["cal"].person_id, "name": "Cal"},
    )
    link = 'href="https://meet.example.org/feedback"'
    amy, ben = stack.client(people["amy"]), stack.client(people["ben"])
    assert link not in ben.get(f"/days/{day['day_id']}").text
    act(amy, day, online, "book")
    assert link in amy.get(f"/days/{day['day_id']}").text
    assert link in stack.client(people["cal"]).get(f"/days/{day['day_id']}").text
    boss = stack.client(someone("cpd_manager", school_id=None, name="Priya Shah"))
    assert link in boss.get(f"/days/{day['day_id']}").text


def test_the_keynote_shows_its_title_and_speaker(trust):
    stack, _, people = trust
    keynote = {
        "kind": "keynote",
        "title": "Belonging in every classroom",
        "speaker": "Dr Ada Okonkwo",
        "starts": "09:00",
        "ends": "09:45",
    }
    breakout = {"kind": "breakout", "title": "Breakout", "starts": "10:00", "ends": "11:00"}
    day_id = a_day(stack, slots=[keynote, breakout])
    page = text(stack.client(people["amy"]).get(f"/days/{day_id}").get_data(as_text=True))
    assert "09:00\N{EN DASH}09:45 Keynote: Belonging in every classroom" in page
    assert "Dr Ada Okonkwo" in page


def test_times_to_the_minute_and_a_past_day_marked_as_past(trust):
    stack, day, people = trust
    amy = stack.client(people["amy"])
    page = programme(amy, day)
    assert not re.search(r"\d\d:\d\d:\d\d", page)
    assert re.search(r"Booking is open until \d\d:\d\d on \w+day \d+ \w+ \d{4}\.", page)

    before = datetime.now(UTC) - timedelta(days=10)
    past = a_day(
        stack,
        date=(before + timedelta(days=3)).date().isoformat(),
        opens=before.isoformat(),
        closes=(before + timedelta(days=2)).isoformat(),
    )
    over = text(amy.get(f"/days/{past}").get_data(as_text=True))
    assert "Past" in over and "This PD day is over" in over and "Booking closed" not in over


def test_which_other_cards_a_tap_changed():
    rows = [SimpleNamespace(session_id=name) for name in ("a", "b", "c", "d")]
    slot = pd_queries.SlotView(SimpleNamespace(slot_id="s"), rows)
    wait = {"d": pd_queries.Place("d", "s", "waitlist", 1)}

    def names(found: list) -> list[str]:
        return [row.session_id for row in found]

    booked = changed_by_a_tap(slot, "a", None, "a", wait)
    assert (names(booked.cards), names(booked.buttons)) == (["d"], ["b", "c"])
    moved = changed_by_a_tap(slot, "b", "a", "b", wait)
    assert (names(moved.cards), names(moved.buttons)) == (["a", "d"], [])
    waiting = changed_by_a_tap(slot, "d", "a", "a", wait)
    assert (waiting.cards, waiting.buttons) == ([], [])
