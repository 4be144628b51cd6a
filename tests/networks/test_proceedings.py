"""What happens at a meeting, given/when/then: agenda, minutes, actions and register."""

from __future__ import annotations

from datetime import date, datetime

from events import Event
from services.networks.domain import (
    AgendaItem,
    Mark,
    RaiseAction,
    RecordMinutes,
    SeedAgenda,
    SetAgenda,
    TakeRegister,
    UpdateAction,
)
from tests.support.networks_domain import (
    CANCELLED,
    NOW,
    dated,
    polling,
)

ON_THE_DAY = datetime(2026, 10, 13, 17, 30)
ITEMS = (AgendaItem("i1", "Welcome", 5), AgendaItem("i2", "Review actions", 20, "sil", "act-0"))
RAISE = RaiseAction("act-1", "Share the SEND audit", "amy", date(2026, 11, 1), ("oak",), "p1")
RAISED = Event(
    "ActionRaised",
    {
        "meeting_id": "m1",
        "action_id": "act-1",
        "text": "Share the SEND audit",
        "owner_id": "amy",
        "due": date(2026, 11, 1),
        "school_ids": ["oak"],
        "priority_id": "p1",
    },
)


def test_the_agenda_is_set_whole_and_a_seeded_one_never_replaces_it():
    (event,) = polling.when(SetAgenda(ITEMS)).then("AgendaSet")
    assert event.data["items"][1] == {
        "item_id": "i2",
        "title": "Review actions",
        "minutes": 20,
        "owner_id": "sil",
        "action_id": "act-0",
    }
    dated.when(SeedAgenda(ITEMS)).then("AgendaSet")
    dated.given(event).when(SeedAgenda(ITEMS[:1])).then()
    dated.given(event).when(SetAgenda(ITEMS)).then()
    dated.given(event).when(SetAgenda(ITEMS[:1])).then("AgendaSet")
    twice = (ITEMS[0], ITEMS[0])
    dated.when(SetAgenda(twice)).then_rejected("items_repeat", 422)
    dated.given(CANCELLED).when(SetAgenda(ITEMS)).then_rejected("meeting_cancelled")


def test_minutes_are_kept_whole_from_the_meeting_s_day():
    minutes = Event("MinutesRecorded", {"meeting_id": "m1", "text": "We met."})
    dated.when(RecordMinutes("We met.", ON_THE_DAY)).then(minutes)
    dated.given(minutes).when(RecordMinutes("We met.", ON_THE_DAY)).then()
    dated.when(RecordMinutes("Early", NOW)).then_rejected("not_yet_held")
    polling.when(RecordMinutes("No date", ON_THE_DAY)).then_rejected("not_dated")


def test_an_action_is_raised_once_on_a_dated_meeting():
    dated.when(RAISE).then(RAISED)
    dated.given(RAISED).when(RAISE).then_rejected("action_exists")
    polling.when(RAISE).then_rejected("not_dated")


def test_an_action_s_status_is_changed_by_its_owner_or_an_organiser():
    raised = dated.given(RAISED)
    done = Event(
        "ActionUpdated",
        {"meeting_id": "m1", "action_id": "act-1", "status": "done", "note": "Shared"},
    )
    raised.when(UpdateAction("act-1", "done", "amy", "Shared")).then(done)
    raised.when(UpdateAction("act-1", "done", "sil", "Shared", organises=True)).then(done)
    stranger = UpdateAction("act-1", "done", "ben", "Shared")
    raised.when(stranger).then_rejected("not_your_action", 403)
    raised.when(UpdateAction("act-9", "done", "amy")).then_rejected("no_such_action", 404)
    raised.given(done).when(UpdateAction("act-1", "done", "amy", "Shared")).then()
    assert raised.given(done).state().actions["act-1"].status == "done"


def test_the_register_marks_only_invitees_and_members_on_the_day():
    marks = (Mark("amy", "present", "oak"), Mark("dan", "apologies", "ash"))
    taken = Event(
        "RegisterTaken",
        {
            "meeting_id": "m1",
            "marks": [
                {"person_id": "amy", "mark": "present", "school_id": "oak"},
                {"person_id": "dan", "mark": "apologies", "school_id": "ash"},
            ],
        },
    )
    dated.when(TakeRegister(marks, frozenset({"dan"}), ON_THE_DAY)).then(taken)
    stranger = TakeRegister(marks, frozenset(), ON_THE_DAY)
    refusal = dated.when(stranger).then_rejected("not_a_member", 422)
    assert "dan" in refusal.message
    dated.when(TakeRegister(marks, frozenset({"dan"}), NOW)).then_rejected("not_yet_held")
    twice = (marks[0], marks[0])
    dated.when(TakeRegister(twice, frozenset(), ON_THE_DAY)).then_rejected("marked_twice", 422)
    again = TakeRegister(marks, frozenset({"dan"}), ON_THE_DAY)
    dated.given(taken).when(again).then()
    assert dated.given(taken).state().register == marks
