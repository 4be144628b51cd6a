"""My CPD and the calendar feeds: a secret address that a new one replaces at once; RFC 5545
that icalendar and an independent parser (vobject) both read; 304 when nothing changed."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import icalendar
import pytest
import vobject
from sqlalchemy import select, update

from events.projection import checkpoints
from frontend.pages.feeds import announced, attachment, file_name, personal_feed
from readmodels.directory.tables import feed_tokens, people
from readmodels.trustdays import queries as pd_queries
from readmodels.trustdays.tables import pd_places
from tests.support.identity import someone
from tests.support.pages import act, text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack, projected
from tests.support.trustdays import manager, open_day, session_fields
from tests.support.waiting import wait_until


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        amy_id = enrol(
            engine, "amy@ash.sch.uk", name="Amy Archer", school_id="school-a", log=(nats, store)
        )
        with httpx.Client(base_url=stack.services["trustdays"]) as client:
            day = open_day(client, sessions=2, capacity=5)
        assert wait_until(lambda: projected(engine, day))
        yield stack, day, someone(person_id=amy_id, name="Amy Archer")


def feed_address(client) -> str:
    page = client.get("/my-cpd").get_data(as_text=True)
    found = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page)
    assert found, "My CPD shows the feed's address"
    return found[1].removeprefix("http://localhost")


def new_address(client) -> str:
    assert client.post("/my-cpd/feed-token", data={"key": uuid.uuid4().hex}).status_code == 303
    return feed_address(client)


def events_in(body: bytes) -> dict[str, icalendar.Event]:
    """The events of a feed by summary, read by icalendar; vobject, a second independent
    parser, must read the same events."""
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    second = vobject.readOne(body.decode())
    assert sorted(e.summary.value for e in second.contents.get("vevent", [])) == sorted(events)
    return events


def test_a_booking_is_in_my_cpd_and_in_my_feed_until_cancelled(trust):
    stack, day, amy = trust
    first, _ = day["sessions"]
    client = stack.client(amy)
    assert "You have no bookings yet." in text(client.get("/my-cpd").get_data(as_text=True))
    act(client, day, first, "book")
    assert "Session 1 Booked" in text(client.get("/my-cpd").get_data(as_text=True))

    address = new_address(client)
    feed = client.get(address)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = events_in(feed.data)
    assert set(events) == {"Session 1", "Autumn PD day: Keynote"}
    booking = events["Session 1"]
    assert booking["STATUS"] == "CONFIRMED" and booking["DTSTART"].params["TZID"] == "Europe/London"

    act(client, day, first, "cancel")
    events = events_in(client.get(address).data)
    cancelled = events["Cancelled: Session 1"]  # Outlook ignores STATUS: the title says it
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["DESCRIPTION"]).startswith("Your place in this session was cancelled.")
    assert cancelled["SEQUENCE"] > booking["SEQUENCE"]
    assert cancelled["UID"] == booking["UID"]


def test_the_feed_is_well_formed_rfc_5545(trust):
    stack, day, amy = trust
    client = stack.client(amy)
    act(client, day, day["sessions"][0], "book")
    body = client.get(new_address(client)).data
    lines = body.split(b"\r\n")
    assert body.endswith(b"\r\n") and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), "folded at 75 octets"
    head = lines[: lines.index(b"BEGIN:VTIMEZONE")]
    assert b"X-WR-CALNAME:My PD sessions (Amy Archer)" in head
    assert b"NAME:My PD sessions (Amy Archer)" in head
    assert any(line.startswith(b"REFRESH-INTERVAL;VALUE=DURATION:PT1H") for line in head)
    assert b"X-PUBLISHED-TTL:PT1H" in head
    assert lines.index(b"BEGIN:VTIMEZONE") < lines.index(b"BEGIN:VEVENT")
    assert b"TZID:Europe/London" in lines
    assert b"ORGANIZER" not in body


def test_conditional_requests_get_304(trust):
    stack, day, amy = trust
    client = stack.client(amy)
    booked = act(client, day, day["sessions"][0], "book")
    assert booked.status_code == 200, text(booked.get_data(as_text=True))
    address = new_address(client)
    time.sleep(1.1)  # Last-Modified is announced once its second is over
    first = client.get(address)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(address, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(address, headers={"If-Modified-Since": modified}).status_code == 304
    changed = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get(address, headers=changed).status_code == 200  # the ETag wins

    moved = act(client, day, day["sessions"][1], "move")
    assert moved.status_code == 200, text(moved.get_data(as_text=True))
    assert client.get(address, headers={"If-None-Match": etag}).status_code == 200


def test_a_new_address_stops_the_old_one_at_once(trust):
    stack, _, amy = trust
    client = stack.client(amy)
    old = new_address(client)
    token = old.split("/")[2]
    assert len(token) >= 22  # 192 random bits, URL-safe base64
    assert client.get(old).status_code == 200
    new = new_address(client)
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    with stack.engine.connect() as connection:
        assert connection.execute(feed_tokens.select()).all()[0].token == new.split("/")[2]


def test_a_leavers_feeds_stop(trust):
    stack, _, amy = trust
    client = stack.client(amy)
    mine = new_address(client)
    trust_feed = mine.replace("mine.ics", "pd-days.ics")
    assert client.get(mine).status_code == 200 and client.get(trust_feed).status_code == 200
    with stack.engine.begin() as connection:  # as the directory's projection of PersonLeft
        connection.execute(update(people).values(status="left"))
    assert client.get(mine).status_code == 404 and client.get(trust_feed).status_code == 404


def test_the_trust_feed_and_one_session_file(trust):
    stack, day, amy = trust
    client = stack.client(amy)
    address = new_address(client)
    trust_feed = client.get(address.replace("mine.ics", "pd-days.ics"))
    assert set(events_in(trust_feed.data)) == {"Autumn PD day (PD day)"}

    first = day["sessions"][0]
    one = f"/days/{day['day_id']}/sessions/{first}.ics"
    assert client.get(one).status_code == 404  # not booked
    act(client, day, first, "book")
    single = client.get(one)
    assert single.status_code == 200 and b"X-WR-CALNAME" not in single.data
    assert "attachment" in single.headers["Content-Disposition"]
    assert 'filename="Session-1.ics"' in single.headers["Content-Disposition"]
    assert "filename*=UTF-8''Session%201.ics" in single.headers["Content-Disposition"]
    assert list(events_in(single.data)) == ["Session 1"]


def test_a_session_file_is_named_after_the_session_safely():
    assert file_name("Adaptive teaching: what works") == "Adaptive-teaching-what-works.ics"
    assert file_name("Écoute active, «ça marche» 🎧") == "Ecoute-active-ca-marche.ics"
    assert file_name('../../etc/passwd"; x=y') == "etc-passwd-x-y.ics"
    assert file_name("🎧 ✨") == "pd-session.ics"
    assert len(file_name("word " * 40)) <= 64
    said = attachment('Maths "mastery" / KS2\r\nSet-Cookie: x')
    assert "\r" not in said and "\n" not in said and said.count('"') == 2
    assert said.endswith("filename*=UTF-8''Maths%20mastery%20KS2%20Set-Cookie%20x.ics")


def test_my_cpd_offers_each_address_to_copy_as_https_and_as_webcal(trust):
    stack, _, amy = trust
    client = stack.client(amy)
    new_address(client)
    page = client.get("/my-cpd").get_data(as_text=True)
    for field in ("feed-url", "trust-feed-url"):
        address = re.search(rf'id="{field}"[^>]*value="(https?://[^"]+)"', page)
        assert address, f"{field} holds an http(s) address to paste"
        assert f'data-copy="{field}"' in page  # the copy button (app.js shows it)
        assert f'href="{address[1]}"' in page
        assert 'href="webcal://' + address[1].split("://", 1)[1] + '"' in page


def test_saying_i_attend_with_dietary_needs_and_a_form_with_errors(trust):
    stack, day, amy = trust
    client = stack.client(amy)
    url = f"/days/{day['day_id']}/attendance"
    saved = client.post(
        url, data={"attending": "yes", "dietary": "Vegetarian"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and "Saved: thank you." in text(saved.get_data(as_text=True))
    assert 'value="Vegetarian"' in client.get("/my-cpd").get_data(as_text=True)
    missing = client.post(url, data={"dietary": "x"}, headers={"HX-Request": "true"})
    assert missing.status_code == 422
    assert "Say whether you are coming." in text(missing.get_data(as_text=True))
    too_long = client.post(url, data={"attending": "no", "dietary": "x" * 501})
    assert too_long.status_code == 422


def test_long_titles_with_commas_accents_and_emoji_fold_cleanly(trust):
    stack, day, amy = trust
    title = "Café, crème; brûlée: naïve “quotes”, emoji 🎓📚 and a very long title " * 2
    title = title.strip()[:200]
    with httpx.Client(base_url=stack.services["trustdays"]) as client:
        path = f"/days/{day['day_id']}/slots/{day['slot_id']}/sessions"
        added = client.post(path, json=session_fields(title, 5), headers=manager())
    session_id = added.json()["id"]
    assert wait_until(lambda: pd_queries.find_session(stack.engine, day["day_id"], session_id))
    client = stack.client(amy)
    act(client, day, session_id, "book")
    body = client.get(new_address(client)).data
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no UTF-8 character split by folding
    assert title in events_in(body)


def test_last_modified_moves_on_when_a_cancelled_place_becomes_a_waitlist_place(trust):
    stack, day, amy = trust
    first = day["sessions"][0]
    client = stack.client(amy)
    act(client, day, first, "book")
    act(client, day, first, "cancel")
    address = new_address(client)
    time.sleep(1.1)  # Last-Modified is announced once its second is over
    before = client.get(address)
    modified = before.headers["Last-Modified"]
    later = datetime.now(UTC)
    with stack.engine.begin() as connection:  # as the projection of joining the waitlist
        connection.execute(update(pd_places).values(place="waitlist", changed_at=later))
    personal_feed.cache_clear()  # the checkpoint did not move in this shortcut
    time.sleep(1.1)
    after = client.get(address, headers={"If-Modified-Since": modified})
    assert after.status_code == 200 and "Session 1" not in after.get_data(as_text=True)
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(modified)


def test_last_modified_is_announced_only_once_its_second_is_over():
    change = datetime(2026, 12, 1, 10, 0, 0, 200_000, tzinfo=UTC)
    assert announced(change, change + timedelta(milliseconds=300)) is None
    assert announced(change, datetime(2026, 12, 1, 10, 0, 1, tzinfo=UTC)) == change
    assert announced(None, change) is None


def test_a_client_with_only_if_modified_since_sees_two_changes_within_a_second(trust):
    stack, day, amy = trust
    first, second = day["sessions"]
    client = stack.client(amy)
    address = new_address(client)
    act(client, day, first, "book")
    right_after = client.get(address)  # most often within the booking's second
    moved = act(client, day, second, "move")
    assert moved.status_code == 200, text(moved.get_data(as_text=True))
    said = right_after.headers.get("Last-Modified")
    asked = client.get(address, headers={"If-Modified-Since": said} if said else {})
    assert asked.status_code == 200 and "Session 2" in asked.get_data(as_text=True)
    time.sleep(1.1)
    both = client.get(address)
    again = client.get(address, headers={"If-Modified-Since": both.headers["Last-Modified"]})
    assert again.status_code == 304


def test_feeds_answer_503_while_the_trust_days_are_rebuilt(trust):
    stack, day, amy = trust
    client = stack.client(amy)
    act(client, day, day["sessions"][0], "book")
    address = new_address(client)
    served = client.get(address)
    assert served.status_code == 200
    with stack.engine.begin() as connection:
        seq = connection.scalar(
            select(checkpoints.c.last_seq).where(checkpoints.c.name == "trustdays")
        )
        connection.execute(  # as `staffroom projections rebuild` half way through
            update(checkpoints).where(checkpoints.c.name == "trustdays").values(last_seq=1)
        )
    rebuilding = client.get(address)
    assert rebuilding.status_code == 503 and rebuilding.headers["Retry-After"] == "60"
    assert client.get(address.replace("mine.ics", "pd-days.ics")).status_code == 503
    with stack.engine.begin() as connection:
        connection.execute(
            update(checkpoints).where(checkpoints.c.name == "trustdays").values(last_seq=seq)
        )
    rebuilt = client.get(address)
    assert rebuilt.status_code == 200 and rebuilt.headers["ETag"] == served.headers["ETag"]
