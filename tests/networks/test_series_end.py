"""Ending a series cancels its meetings still to come (services/networks/series_end.py), with
a running reactor on a real log; one already past stays as it was."""

from __future__ import annotations

from datetime import date, timedelta

from events import Event
from services.networks.events import meeting_subject, series_subject
from services.networks.series_end import END_SERIES
from tests.support.networks_service import weekday_ahead
from tests.support.reactor import running_reactor
from tests.support.trustdays import append
from tests.support.waiting import wait_until


def scheduled(meeting_id: str, day: date) -> Event:
    data = {
        "meeting_id": meeting_id,
        "network_id": "elg",
        "title": "ELG",
        "organiser_id": "ceo",
        "date": day,
        "starts": "09:00",
        "ends": "11:00",
        "invitees": [{"person_id": "head", "required": True}],
        "series_id": "s1",
    }
    return Event("MeetingScheduled", data)


def types_of(nats, store, meeting_id: str) -> list[str]:
    events, _ = nats.run(store.load(store.subject(*meeting_subject(meeting_id))))
    return [e.type for e in events]


def test_ending_a_series_cancels_its_meetings_still_to_come_once(nats, store):
    past, soon, later = date(2026, 1, 6), weekday_ahead(14), weekday_ahead(28)
    days = {"past": past, "soon": soon, "later": later}
    plan = {
        "series_id": "s1",
        "network_id": "elg",
        "title": "ELG",
        "organiser_id": "ceo",
        "every_weeks": 2,
        "weekday": soon.weekday(),
        "starts": "09:00",
        "ends": "11:00",
        "first": past,
        "last": later + timedelta(days=1),
        "venue": "Trust office",
        "join_link": "",
        "occurrences": [{"meeting_id": m, "date": d} for m, d in days.items()],
        "skipped": [],
    }
    append(store, nats, series_subject("s1"), Event("SeriesPlanned", plan))
    for meeting_id, day in days.items():
        append(store, nats, meeting_subject(meeting_id), scheduled(meeting_id, day))
    ended = Event("SeriesEnded", {"series_id": "s1", "reason": "New structure"})
    with running_reactor(nats, store, [END_SERIES]) as reactor:
        append(store, nats, series_subject("s1"), ended)
        assert wait_until(lambda: "MeetingCancelled" in types_of(nats, store, "later"), 20)
        assert wait_until(lambda: "MeetingCancelled" in types_of(nats, store, "soon"), 20)
        (_, event), _ = nats.run(store.load(store.subject(*series_subject("s1"))))
        nats.run(reactor.act(END_SERIES, event))  # delivered again: nothing new
    assert types_of(nats, store, "past") == ["MeetingScheduled"]
    assert types_of(nats, store, "soon") == ["MeetingScheduled", "MeetingCancelled"]
    events, _ = nats.run(store.load(store.subject(*meeting_subject("later"))))
    assert events[-1].data["reason"] == "The series has ended: New structure"
