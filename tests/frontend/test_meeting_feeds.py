"""Network meetings in a person's calendar feed, by the rules of PD-day sessions: one UID a
meeting, SEQUENCE rising with every move, a cancellation unmistakable in Outlook, wall-clock
UK times in Europe/London; with `?holds=1`, open polls' options as tentative holds. And the
meetings a person attended, with their CPD hours, in My CPD."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
from sqlalchemy import select, update

from events import Event
from events.projection import checkpoints
from readmodels.networks import calendars as meeting_calendars
from readmodels.networks.tables import network_meetings
from tests.frontend.test_feeds import events_in, new_address
from tests.support.identity import someone
from tests.support.network_reads import form, network, on_meeting, poll, register, scheduled
from tests.support.pages import text
from tests.support.people import add_school, enrol
from tests.support.stack import pd_stack
from tests.support.waiting import wait_until


@pytest.fixture
def trust(nats, nats_server, store, database_url, engine):
    with pd_stack(nats, nats_server.url, store, database_url, engine) as stack:
        add_school(engine, "school-a", "Ash Grove Primary")
        amy_id = enrol(
            engine, "amy@ash.sch.uk", name="Amy Archer", school_id="school-a", log=(nats, store)
        )
        form(nats, store, network("maths", name="Maths leads"))
        yield stack, someone(person_id=amy_id, name="Amy Archer")


def when_projected(engine, meeting_id: str, **values) -> None:
    """Waits until the meeting's row holds `values`."""

    def there() -> bool:
        query = select(network_meetings).where(network_meetings.c.meeting_id == meeting_id)
        with engine.connect() as connection:
            row = connection.execute(query).first()
        return row is not None and all(getattr(row, k) == v for k, v in values.items())

    assert wait_until(there)


def utc(event: icalendar.Event, name: str = "DTSTART") -> datetime:
    return event[name].dt.astimezone(UTC)


def test_a_meeting_is_in_my_feed_and_moves_and_cancels_as_outlook_sees_it(nats, store, trust):
    stack, amy = trust
    summer = scheduled("m1", "maths", date(2027, 3, 30), (amy.person_id,), title="Maths leads")
    on_meeting(nats, store, "m1", summer)
    when_projected(stack.engine, "m1", status="confirmed")
    client = stack.client(amy)
    address = new_address(client)

    (meeting,) = [e for s, e in events_in(client.get(address).data).items() if "Maths" in s]
    assert str(meeting["UID"]) == "meeting.m1@staffroom"
    assert (meeting["SEQUENCE"], str(meeting["STATUS"])) == (0, "CONFIRMED")
    assert meeting["DTSTART"].params["TZID"] == "Europe/London"
    # 16:00 in London on 30 March 2027 is British Summer Time: 15:00 UTC
    assert utc(meeting) == datetime(2027, 3, 30, 15, 0, tzinfo=UTC)
    assert str(meeting["URL"]).endswith("/meetings/m1")

    moved = {
        "meeting_id": "m1",
        "date": date(2027, 3, 23),
        "starts": "16:00",
        "ends": "17:00",
        "venue": "Oak Primary",
        "join_link": "",
        "reason": "Clashes with parents' evening",
        "warnings": [],
    }
    on_meeting(nats, store, "m1", Event("MeetingMoved", moved))
    when_projected(stack.engine, "m1", sequence=1)
    (meeting,) = events_in(client.get(address).data).values()
    assert (str(meeting["UID"]), meeting["SEQUENCE"]) == ("meeting.m1@staffroom", 1)
    assert utc(meeting) == datetime(2027, 3, 23, 16, 0, tzinfo=UTC)  # still GMT that week
    assert str(meeting["LOCATION"]) == "Oak Primary"
    assert "Clashes with parents' evening" in str(meeting["DESCRIPTION"])

    cancelled = {"meeting_id": "m1", "reason": "Snow closes the schools"}
    on_meeting(nats, store, "m1", Event("MeetingCancelled", cancelled))
    when_projected(stack.engine, "m1", status="cancelled")
    (summary, meeting), *_ = events_in(client.get(address).data).items()
    assert summary == "Cancelled: Maths leads"
    assert (str(meeting["STATUS"]), meeting["SEQUENCE"]) == ("CANCELLED", 2)
    assert str(meeting["DESCRIPTION"]).startswith(
        "This meeting was cancelled: Snow closes the schools"
    )


def test_someone_not_invited_does_not_see_it(nats, store, trust):
    stack, amy = trust
    on_meeting(nats, store, "m1", scheduled("m1", "maths", date(2027, 3, 30), ("bob",)))
    when_projected(stack.engine, "m1", status="confirmed")
    client = stack.client(amy)
    assert "meeting.m1@staffroom" not in client.get(new_address(client)).get_data(as_text=True)


def test_open_polls_are_tentative_holds_only_when_asked(nats, store, trust):
    stack, amy = trust
    open_till = datetime(2030, 1, 15, 17, 0)  # UK wall clock
    asked = poll("p", "maths", {amy.person_id: True}, title="Spring maths", deadline=open_till)
    on_meeting(nats, store, "p", asked)
    when_projected(stack.engine, "p", status="polling")
    client = stack.client(amy)
    address = new_address(client)
    plain = events_in(client.get(address).data)
    assert not any(s.startswith("Hold:") for s in plain)

    holds = icalendar.Calendar.from_ical(client.get(address + "?holds=1").data)
    found = {str(e["UID"]): e for e in holds.walk("VEVENT")}
    assert sorted(found) == ["hold.p.o1@staffroom", "hold.p.o2@staffroom"]
    first = found["hold.p.o1@staffroom"]
    summary = "Hold: Spring maths"  # the organiser's title; the network is in the description
    assert (str(first["STATUS"]), str(first["SUMMARY"])) == ("TENTATIVE", summary)
    assert str(first["X-MICROSOFT-CDO-BUSYSTATUS"]) == "TENTATIVE"
    assert utc(first) == datetime(2026, 10, 6, 15, 0, tzinfo=UTC)  # 16:00 BST
    assert "Tue 15 January, 17:00" in str(first["DESCRIPTION"])

    vote = {"meeting_id": "p", "person_id": amy.person_id, "answers": {"o2": "no"}}
    on_meeting(nats, store, "p", Event("VoteCast", {**vote, "recorded_by": amy.person_id}))
    assert wait_until(lambda: b"hold.p.o2" not in client.get(address + "?holds=1").data)
    assert b"hold.p.o1" in client.get(address + "?holds=1").data

    timed = {"meeting_id": "p", "date": date(2026, 10, 6), "starts": "16:00", "ends": "17:30"}
    on_meeting(
        nats,
        store,
        "p",
        Event("PollClosed", {"meeting_id": "p", "reason": "organiser"}),
        Event("MeetingConfirmed", {**timed, "option_id": "o1", "venue": "Hub", "join_link": ""}),
    )
    when_projected(stack.engine, "p", status="confirmed")
    after = icalendar.Calendar.from_ical(client.get(address + "?holds=1").data)
    uids = [str(e["UID"]) for e in after.walk("VEVENT")]
    assert uids == ["meeting.p@staffroom"]


def test_a_poll_past_its_deadline_holds_nothing_though_the_log_has_not_closed_it(
    nats, store, trust
):
    stack, amy = trust
    on_meeting(nats, store, "p", poll("p", "maths", {amy.person_id: True}))  # till 30 Sept 2026
    when_projected(stack.engine, "p", status="polling")
    client = stack.client(amy)
    feed = client.get(new_address(client) + "?holds=1")
    assert b"hold.p." not in feed.data
    # the holds leaving at the deadline is a change to the feed (its Last-Modified)
    now = datetime(2026, 10, 1, 9, 0)
    passed = meeting_calendars.deadline_passed(stack.engine, amy.person_id, now)
    assert passed == datetime(2026, 9, 30, 17, 0)
    assert meeting_calendars.deadline_passed(stack.engine, amy.person_id, passed) == passed
    earlier = datetime(2026, 9, 30, 16, 59)
    assert meeting_calendars.deadline_passed(stack.engine, amy.person_id, earlier) is None


def test_my_cpd_offers_the_holds_address_and_counts_meetings_attended(nats, store, trust):
    stack, amy = trust
    on_meeting(nats, store, "m1", scheduled("m1", "maths", date(2026, 10, 6), (amy.person_id,)))
    on_meeting(nats, store, "m1", register("m1", **{amy.person_id: ("school-a", "present")}))
    on_meeting(nats, store, "m2", scheduled("m2", "maths", date(2026, 11, 3), (amy.person_id,)))
    on_meeting(nats, store, "m2", register("m2", **{amy.person_id: ("school-a", "apologies")}))
    when_projected(stack.engine, "m2", status="confirmed")
    client = stack.client(amy)
    address = new_address(client)
    page = client.get("/my-cpd").get_data(as_text=True)
    assert f'value="http://localhost{address}?holds=1"' in page
    assert wait_until(
        lambda: "Meeting m1 (Maths leads)" in client.get("/my-cpd").get_data(as_text=True)
    )
    shown = text(client.get("/my-cpd").get_data(as_text=True))
    assert "1.5 CPD hours in all." in shown
    assert "Meeting m2" not in shown  # apologies earn nothing


def test_the_feed_answers_503_while_the_networks_are_rebuilt(nats, store, trust):
    stack, amy = trust
    on_meeting(nats, store, "m1", scheduled("m1", "maths", date(2027, 3, 30), (amy.person_id,)))
    when_projected(stack.engine, "m1", status="confirmed")
    client = stack.client(amy)
    address = new_address(client)
    served = client.get(address)
    assert b"meeting.m1@staffroom" in served.data
    named = checkpoints.c.name == "networks"
    with stack.engine.begin() as connection:
        seq = connection.scalar(select(checkpoints.c.last_seq).where(named))
        connection.execute(update(checkpoints).where(named).values(last_seq=1))
    rebuilding = client.get(address)
    assert rebuilding.status_code == 503 and rebuilding.headers["Retry-After"] == "60"
    with stack.engine.begin() as connection:
        connection.execute(update(checkpoints).where(named).values(last_seq=seq))
    assert client.get(address).headers["ETag"] == served.headers["ETag"]
