"""Answers to a meeting's invitation in the read model: the latest answer each invitee gave,
cleared when the meeting moves (everyone is asked again)."""

from __future__ import annotations

from datetime import date

from events import Event
from events.db import migrate
from events.projection import rebuild
from readmodels import PACKAGE_DIR
from readmodels.networks.invitations import answer_of, invitation_answers
from readmodels.networks.projection import network_projection
from tests.support.network_reads import form, network, on_meeting, person, scheduled


def answered(person_id: str, answer: str) -> Event:
    data = {"meeting_id": "m1", "person_id": person_id, "answer": answer}
    return Event("InvitationAnswered", data)


def test_the_latest_answer_of_each_invitee_and_a_move_asks_again(nats, store, engine):
    migrate(engine, [PACKAGE_DIR])
    person(engine, "amy", "Amy Adams", None)
    person(engine, "ben", "Ben Brown", None)
    form(nats, store, network("n1"))
    on_meeting(nats, store, "m1", scheduled("m1", "n1", date(2027, 3, 2), ("amy", "ben")))
    on_meeting(nats, store, "m1", answered("amy", "declined"), answered("ben", "declined"))
    on_meeting(nats, store, "m1", answered("amy", "accepted"))
    nats.run(rebuild(store, engine, network_projection))
    shown = [(r.name, r.answer) for r in invitation_answers(engine, "m1")]
    assert shown == [("Amy Adams", "accepted"), ("Ben Brown", "declined")]
    assert answer_of(engine, "m1", "amy") == "accepted"

    moved = {"meeting_id": "m1", "date": date(2027, 3, 9), "starts": "16:00", "ends": "17:00"}
    on_meeting(nats, store, "m1", Event("MeetingMoved", {**moved, "reason": "Clash"}))
    nats.run(rebuild(store, engine, network_projection))
    assert invitation_answers(engine, "m1") == []
    assert answer_of(engine, "m1", "amy") is None
