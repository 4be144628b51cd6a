"""The overview of a PD day on booking morning, on the real stack: headline figures by
school, sessions sorted by fill and by waiting, waitlists in order, who got a freed seat,
leaders and exempt people kept off the not-booked list, a school leader's view of their own
staff, the live poll, the exports read back, and the printable register."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook

from frontend.pages.overview import SAID_MAX
from frontend.query import QUERY_MAX
from readmodels.trustdays import queries as pd_queries
from tests.support.identity import someone
from tests.support.pages import HTMX, details_without_an_id, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack
from tests.support.trustdays import day_fields, manager, session_fields, staff
from tests.support.waiting import wait_until

LONDON = ZoneInfo("Europe/London")
ASH = ("amy", "ben", "cal", "dee", "lee", "pat", "=cmd")
"""Ash Grove's staff: Lee leads Session 1, Pat is part-time (exempt), '=Cmd' tests cells."""


def plan_today(client: httpx.Client, lee: str) -> dict:
    """A published day today, open until midnight: two breakout slots; Session 1 (one seat,
    led by Lee) and Session 2 (two seats) at 10:00, Session 3 (five seats) at 11:00."""
    now = datetime.now(LONDON)
    fields = day_fields(
        date=now.date().isoformat(),
        opens=(now - timedelta(hours=1)).isoformat(),
        closes=now.replace(hour=23, minute=59).isoformat(),
        slots=[
            {"kind": "keynote", "title": "Welcome", "starts": "09:00", "ends": "09:45"},
            {"kind": "breakout", "title": "Breakout 1", "starts": "10:00", "ends": "10:50"},
            {"kind": "breakout", "title": "Breakout 2", "starts": "11:00", "ends": "11:50"},
        ],
    )
    day_id = client.post("/days", json=fields, headers=manager()).json()["id"]
    slots = client.get(f"/days/{day_id}", headers=manager()).json()["slots"]
    first, second = (s["slot_id"] for s in slots if s["kind"] == "breakout")
    sessions = {}
    for title, slot_id, capacity, leader in (
        ("Session 1", first, 1, {"person_id": lee, "name": "Lee Ash"}),
        ("Session 2", first, 2, None),
        ("Session 3", second, 5, None),
    ):
        extra = {"leader": leader} if leader else {}
        path = f"/days/{day_id}/slots/{slot_id}/sessions"
        added = client.post(path, json=session_fields(title, capacity, **extra), headers=manager())
        assert added.status_code == 201, added.text
        sessions[title] = f"{path}/{added.json()['id']}"
    assert client.post(f"/days/{day_id}/publish", headers=manager()).status_code == 200
    return {"day_id": day_id, "paths": sessions}


def book(client: httpx.Client, path: str, person_id: str) -> str:
    booked = client.post(f"{path}/places", json={"person_id": person_id}, headers=manager())
    assert booked.status_code in (200, 201), booked.text
    return booked.json()["place"]


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        add_school(engine, "school-b", "Beech Hill Academy")
        ids = {
            name: enrol(
                engine,
                f"{name}@ash.sch.uk",
                name=f"{name.title()} Ash",
                school_id="school-a",
                log=(nats, store),
            )
            for name in ASH
        }
        ids["bea"] = enrol(
            engine, "bea@beech.sch.uk", name="Bea Beech", school_id="school-b", log=(nats, store)
        )
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day = plan_today(client, ids["lee"])
            settled(stack, lambda: published_with_sessions(stack, day, 3))
            yield stack, day, ids, client


def published_with_sessions(stack, day: dict, count: int) -> bool:
    found = pd_queries.find_day(stack.engine, day["day_id"])
    sessions = pd_queries.timetable(stack.engine, day["day_id"])
    return bool(
        found and found.status == "published" and sum(len(v.sessions) for v in sessions) == count
    )


def settled(stack, check) -> None:
    """Wait until the projector has caught up with what the test just did."""
    assert wait_until(check, timeout=10, every=0.05), "the read model did not catch up"


def page_of(client, day: dict, query: str = "") -> str:
    answer = client.get(f"/days/{day['day_id']}/overview{query}")
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def boss(stack):
    return stack.client(someone("cpd_manager", school_id=None, name="Priya Shah"))


def booking_morning(stack, day, ids, client) -> None:
    """Amy holds Session 1's one seat, Ben and Cal wait for it; Amy and Dee are in Session
    3; Bea (Beech Hill) in Session 2; Amy and Bea come to lunch, Amy vegan."""
    paths = day["paths"]
    assert book(client, paths["Session 1"], ids["amy"]) == "seat"
    assert book(client, paths["Session 1"], ids["ben"]) == "waitlist"
    assert book(client, paths["Session 1"], ids["cal"]) == "waitlist"
    book(client, paths["Session 3"], ids["amy"])
    book(client, paths["Session 3"], ids["dee"])
    book(client, paths["Session 2"], ids["bea"])
    for who, dietary in (("amy", "Vegan"), ("bea", "")):
        said = client.put(
            f"/days/{day['day_id']}/attendance",
            json={"attending": True, "dietary": dietary},
            headers=staff(ids[who]),
        )
        assert said.status_code == 200, said.text
    settled(stack, lambda: figures_of(page_of(boss(stack), day))["Lunches"] == 2)


def figures_of(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html)}


def test_the_figures_count_booked_waiting_not_booked_and_lunches_by_school(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    html = page_of(boss(stack), day)
    # Expected: Ash's 7 and Bea. Booked every slot: Amy; Lee leads slot 1 only.
    figures = figures_of(html)
    assert figures == {"Booked": 1, "Not yet booked": 7, "Waiting": 2, "Lunches": 2, "Exempt": 0}
    page = text(html)
    assert "Ash Grove Primary 7 1 2 4 2 0 1 vegan (1)" in page
    assert "Beech Hill Academy 1 0 1 0 0 0 1" in page


def test_sessions_sort_by_fill_and_by_waiting_without_javascript(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    manager_client = boss(stack)

    def order(query: str) -> list[str]:
        html = page_of(manager_client, day, query)
        table = html[
            html.index('<table class="overview-sessions"') : html.index(
                "</table>", html.index('<table class="overview-sessions"')
            )
        ]
        return re.findall(r'<th scope="row">(Session \d)', table)

    assert order("") == ["Session 1", "Session 2", "Session 3"]  # by time, then title
    assert order("?sort=fill") == ["Session 1", "Session 2", "Session 3"]  # 100%, 50%, 40%
    assert order("?sort=waiting") == ["Session 1", "Session 2", "Session 3"]
    book(client, day["paths"]["Session 3"], ids["ben"])
    book(client, day["paths"]["Session 3"], ids["cal"])
    book(client, day["paths"]["Session 3"], ids["lee"])  # 5 of 5 now
    book(client, day["paths"]["Session 3"], ids["pat"])  # waiting
    book(client, day["paths"]["Session 3"], ids["=cmd"])  # waiting
    book(client, day["paths"]["Session 3"], ids["bea"])  # waiting: 3, to Session 1's 2
    settled(stack, lambda: order("?sort=waiting")[0] == "Session 3")
    assert order("?sort=fill")[:2] in (["Session 1", "Session 3"], ["Session 3", "Session 1"])
    assert order("?sort=fill")[2] == "Session 2"
    html = page_of(manager_client, day, "?sort=waiting")
    assert 'aria-sort="descending"' in html and "Most waiting first" in html
    assert page_of(manager_client, day, "?sort=nonsense").count('aria-sort="ascending"') == 1


def test_each_waitlist_in_order_and_who_got_a_freed_seat(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    page = text(page_of(boss(stack), day))
    assert "Session 1 (10:00–10:50, 2 waiting) Ben Ash (Ash Grove Primary) Cal Ash" in page  # noqa: RUF001
    assert "Nobody yet." in page

    given_up = client.delete(f"{day['paths']['Session 1']}/places/{ids['amy']}", headers=manager())
    assert given_up.status_code == 200, given_up.text
    settled(
        stack,
        lambda: (
            "Ben Ash (Ash Grove Primary) got a seat in Session 1 at"
            in text(page_of(boss(stack), day))
        ),
    )
    page = text(page_of(boss(stack), day))
    assert "Session 1 (10:00–10:50, 1 waiting) Cal Ash" in page  # noqa: RUF001


def test_a_leader_is_taken_in_their_slot_and_exempt_people_are_counted_apart(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    exempted = client.put(
        f"/days/{day['day_id']}/exemptions/{ids['pat']}",
        json={"exempt": True, "reason": "Part-time: not in on this day"},
        headers=manager(),
    )
    assert exempted.status_code == 200, exempted.text
    book(client, day["paths"]["Session 3"], ids["lee"])
    settled(stack, lambda: figures_of(page_of(boss(stack), day))["Exempt"] == 1)
    html = page_of(boss(stack), day)
    assert figures_of(html)["Booked"] == 2  # Amy, and Lee: leads slot 1, a seat in slot 2
    not_booked = text(html[html.index('id="not-booked"') :])
    assert "Lee Ash" not in not_booked.split("Exempt this day")[0]
    assert "Pat Ash" not in not_booked.split("Exempt this day")[0]
    assert (
        "Exempt this day: 1 Pat Ash (Ash Grove Primary: Part-time: not in on this day)"
        in not_booked
    )
    rows = read_csv(boss(stack).get(f"/days/{day['day_id']}/not-booked.csv"))
    assert {r[1] for r in rows[1:]} == {"Ben Ash", "Cal Ash", "Dee Ash", "'=Cmd Ash", "Bea Beech"}


def test_a_headteacher_sees_their_own_school_and_no_forbidden_link(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    head = stack.client(someone(("headteacher", "school-a"), person_id=ids["dee"]))
    html = page_of(head, day)
    page = text(html)
    assert (
        "Ash Grove Primary" in page and "Beech Hill Academy" not in page and "Bea Beech" not in page
    )
    # Each of their staff's choice per slot, and lunch.
    assert "Amy Ash Teacher of maths Session 1 Session 3 Yes: Vegan" in page
    assert "Ben Ash Teacher of maths Waiting for Session 1 Not booked Not answered" in page
    assert "Lee Ash Teacher of maths Leads Session 1 Not booked" in page
    assert "2 waiting, 2 from your school) Ben Ash (Ash Grove Primary) Cal Ash" in page
    beech = stack.client(someone(("school_cpd_lead", "school-b"), school_id="school-b"))
    assert "Nobody from your school is waiting for a seat." in text(page_of(beech, day))
    assert not re.search(r"/register\b|printable-register", html)  # not theirs to open
    for link in set(re.findall(r'href="(/[^"#]*)', html)):
        assert head.get(link.replace("&amp;", "&")).status_code != 403, link
    assert head.get(f"/days/{day['day_id']}/overview?school=school-b").status_code == 403
    manager_client = boss(stack)
    assert manager_client.get(f"/days/{day['day_id']}/overview?school=nowhere").status_code == 404
    beech_view = text(page_of(manager_client, day, "?school=school-b"))
    assert "Beech Hill Academy: each person's choices" in beech_view and "Bea Beech" in beech_view
    bookings = read_csv(head.get(f"/days/{day['day_id']}/exports/bookings.csv"))
    assert {r[1] for r in bookings[1:]} == {"Amy Ash", "Ben Ash", "Cal Ash", "Dee Ash"}
    assert (
        stack.client(someone(person_id=ids["amy"]))
        .get(f"/days/{day['day_id']}/overview")
        .status_code
        == 403
    )


def test_the_live_poll_answers_204_until_something_changes_and_then_announces_politely(trust):
    stack, day, ids, client = trust
    manager_client = boss(stack)
    html = page_of(manager_client, day)
    poll = re.search(r'id="overview-live" hx-get="([^"]+)"', html)
    assert poll and 'hx-trigger="every 5s"' in html and 'aria-live="polite"' in html
    live = poll[1].replace("&amp;", "&")
    assert manager_client.get(live, headers=HTMX).status_code == 204

    book(client, day["paths"]["Session 2"], ids["amy"])  # part booked: no figure moves
    settled(stack, lambda: manager_client.get(live, headers=HTMX).status_code == 200)
    changed = manager_client.get(live, headers=HTMX).get_data(as_text=True)
    assert (
        'id="figures"' in changed and 'id="sessions"' in changed and "overview-said" not in changed
    )
    assert 'hx-swap-oob="true"' in changed and "Session 2" in changed
    assert details_without_an_id(changed) == []

    newer = re.search(r'id="overview-live" hx-get="([^"]+)"', changed)
    assert newer
    live = newer[1].replace("&amp;", "&")
    assert manager_client.get(live, headers=HTMX).status_code == 204
    book(client, day["paths"]["Session 3"], ids["amy"])  # booked every slot now
    settled(stack, lambda: manager_client.get(live, headers=HTMX).status_code == 200)
    quiet = manager_client.get(live, headers=HTMX).get_data(as_text=True)
    assert "Booked 1 of 8" in text(quiet) and "overview-said" not in quiet  # just said
    assert "said=0+booked" in quiet  # so it is said once the quiet time is over
    later = re.sub(r"told=\d+", "told=0", live)
    said = 'id="overview-said" hx-swap-oob="innerHTML">Updated: 1 booked, 0 waiting, 7 not yet'
    assert said in manager_client.get(later, headers=HTMX).get_data(as_text=True)
    assert manager_client.get(live).status_code == 200  # without htmx: the whole page


def read_csv(answer) -> list[list[str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))


def read_xlsx(answer) -> list[list]:
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.get_data())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_every_export_reads_back_as_csv_and_as_xlsx(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    lee = staff(ids["lee"])
    session_1 = day["paths"]["Session 1"]
    marked = client.put(f"{session_1}/register/{ids['amy']}", json={"mark": "present"}, headers=lee)
    assert marked.status_code == 200, marked.text
    settled(
        stack,
        lambda: (
            "Present"
            in str(read_xlsx(boss(stack).get(f"/days/{day['day_id']}/exports/registers.xlsx")))
        ),
    )
    manager_client = boss(stack)
    base = f"/days/{day['day_id']}/exports"
    for name in ("programme", "bookings", "registers", "not-booked"):
        as_csv = read_csv(manager_client.get(f"{base}/{name}.csv"))
        as_xlsx = read_xlsx(manager_client.get(f"{base}/{name}.xlsx"))
        assert [str(c) if c is not None else "" for c in as_xlsx[0]] == as_csv[0], name
        assert len(as_xlsx) == len(as_csv), name
    programme = read_csv(manager_client.get(f"{base}/programme.csv"))
    assert programme[0][:4] == ["Starts", "Ends", "Slot", "Session"]
    assert programme[1][:4] == ["09:00", "09:45", "Keynote", "Welcome"]
    assert programme[2][:4] == ["10:00", "10:50", "Breakout 1", "Session 1"]
    assert programme[2][8:11] == ["1", "1", "2"]  # seats, booked, waiting
    bookings = read_xlsx(manager_client.get(f"{base}/bookings.xlsx"))
    assert bookings[3][:2] == ["Ash Grove Primary", "Ben Ash"] and bookings[3][-1] == "Waitlist"
    registers = read_csv(manager_client.get(f"{base}/registers.csv"))
    assert registers[1][:6] == ["10:00", "10:50", "Session 1", "Room 1", "Lee Ash", "Amy Ash"]
    assert registers[1][8] == "Present"
    disposition = manager_client.get(f"{base}/bookings.xlsx").headers["Content-Disposition"]
    assert disposition == f'attachment; filename="bookings-{datetime.now(LONDON).date()}.xlsx"'
    assert manager_client.get(f"{base}/secrets.csv").status_code == 404
    assert manager_client.get(f"{base}/bookings.pdf").status_code == 404


def test_a_cell_that_starts_like_a_formula_is_never_run(trust):
    stack, day, ids, client = trust
    book(client, day["paths"]["Session 2"], ids["=cmd"])
    manager_client = boss(stack)
    base = f"/days/{day['day_id']}/exports/bookings"
    settled(stack, lambda: len(read_csv(manager_client.get(f"{base}.csv"))) == 2)
    assert read_csv(manager_client.get(f"{base}.csv"))[1][1] == "'=Cmd Ash"
    sheet = load_workbook(io.BytesIO(manager_client.get(f"{base}.xlsx").get_data())).active
    name = sheet.cell(row=2, column=2)
    assert name.value == "=Cmd Ash" and name.data_type == "s" and name.quotePrefix


def test_a_printable_register_lists_names_with_a_column_to_sign(trust):
    stack, day, ids, client = trust
    booking_morning(stack, day, ids, client)
    session_id = day["paths"]["Session 3"].rsplit("/", 1)[1]
    printable = f"/days/{day['day_id']}/sessions/{session_id}/printable-register"
    answer = boss(stack).get(printable)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'class="printable-register"' in html and "Signature" in html
    assert "1 Amy Ash Ash Grove Primary" in text(html) and "2 Dee Ash Ash Grove Primary" in text(
        html
    )
    assert html.count('class="blank"') == 6
    css = stack.app.test_client().get("/static/app.css").get_data(as_text=True)
    assert "body:has(.printable-register) .site-header" in css.split("@media print")[-1]
    head = stack.client(someone(("headteacher", "school-a")))
    assert head.get(printable).status_code == 403
    led = printable.replace(session_id, day["paths"]["Session 1"].rsplit("/", 1)[1])
    assert stack.client(someone("session_leader", person_id=ids["lee"])).get(led).status_code == 200
    assert boss(stack).get(printable.replace(session_id, "no-such")).status_code == 404


def test_an_overlong_said_or_any_overlong_query_value_is_a_422_that_changes_nothing(trust):
    """The live part compares `said` with what it would announce and writes it back into its
    next poll: longer than any sentence it writes is a 422 naming it, never taken back. Any
    query value longer than any this site writes is refused the same way, on every page."""
    stack, day, _, _ = trust
    manager_client = boss(stack)
    html = page_of(manager_client, day)
    live = re.search(r'id="overview-live" hx-get="([^"]+)"', html)[1].replace("&amp;", "&")
    said = re.search(r"said=([^&]*)", live)[1]
    longest = re.sub(r"said=[^&]*", "said=" + "9" * SAID_MAX, live)
    assert manager_client.get(longest, headers=HTMX).status_code in (200, 204)

    overlong = re.sub(r"said=[^&]*", "said=" + "9" * (SAID_MAX + 1), live)
    refused = manager_client.get(overlong, headers=HTMX)
    assert refused.status_code == 422
    assert f"said: keep it to {SAID_MAX} characters" in refused.get_data(as_text=True).lower()
    assert "9" * (SAID_MAX + 1) not in refused.get_data(as_text=True)
    assert f"said={said}" in page_of(manager_client, day)  # as it was

    for path in (f"/days/{day['day_id']}/overview", "/networks", "/my-cpd"):
        answer = manager_client.get(path, query_string={"sort": "x" * 10_000, "kind": "y"})
        assert answer.status_code == 422, path
        page = answer.get_data(as_text=True)
        assert f"sort: keep it to {QUERY_MAX} characters" in page.lower()
        assert "x" * (QUERY_MAX + 1) not in page
