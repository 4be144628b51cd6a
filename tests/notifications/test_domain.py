"""The outbox decider, given/when/then: queued once, claimed once, never sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.envelope import Event
from events.testing import scenario
from services.notifications.domain import (
    Bounce,
    Claim,
    Fail,
    MarkSent,
    OutboxDecider,
    Queue,
    Release,
    Reschedule,
    SetPreferences,
    Several,
    Skip,
    backoff,
)
from services.notifications.events import message_id

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MID = message_id("event-1", "amy", "booking_confirmed")
ABOUT = {"service": "trustdays", "day_id": "d", "slot_id": "s", "session_id": "x", "reason": ""}


def queue(mid: str = MID, kind: str = "booking_confirmed", again: bool = False) -> Queue:
    return Queue(mid, "amy", kind, ABOUT, "event-1", NOW, again=again)


def queued(mid: str = MID, kind: str = "booking_confirmed", due: datetime = NOW) -> Event:
    data = {"message_id": mid, "person_id": "amy", "kind": kind, "about": ABOUT}
    return Event("MessageQueued", {**data, "cause_id": "event-1", "due": due, "digest": False})


def sending(attempt: int = 1, at: datetime = NOW) -> Event:
    return Event("MessageSending", {"message_id": MID, "attempt": attempt, "claimed_at": at})


outbox = scenario(OutboxDecider())


def test_a_message_is_queued_once_however_often_its_cause_comes() -> None:
    outbox.when(queue()).then(queued())
    outbox.given(queued()).when(queue()).then()


def test_the_id_is_the_same_for_the_same_cause_person_and_kind_only() -> None:
    assert message_id("e", "amy", "booking_confirmed") == message_id(
        "e", "amy", "booking_confirmed"
    )
    assert message_id("e", "amy", "booking_confirmed") != message_id(
        "e", "bob", "booking_confirmed"
    )
    assert message_id("e", "amy", "booking_confirmed") != message_id("e", "amy", "day_reminder")


def test_a_skipped_reminder_is_queued_again_for_a_new_booking_but_a_sent_one_never() -> None:
    skipped = Event("MessageSkipped", {"message_id": MID, "reason": "no_longer_booked"})
    outbox.given(queued(), skipped).when(queue(again=True)).then("MessageQueued")
    outbox.given(queued(), skipped).when(queue()).then()
    sent = Event(
        "MessageSent",
        {"message_id": MID, "to": "a@x", "subject": "s", "smtp_id": "<1>", "sent_at": NOW},
    )
    outbox.given(queued(), sending(), sent).when(queue(again=True)).then()


def test_a_claim_is_given_once() -> None:
    outbox.given(queued()).when(Claim(MID, NOW)).then(sending())
    outbox.given(queued(), sending()).when(Claim(MID, NOW)).then_rejected("not_sendable", 409)
    outbox.when(Claim(MID, NOW)).then_rejected("no_such_message", 404)


def test_sent_only_after_a_claim() -> None:
    sent = MarkSent(MID, "amy@school.test", "Booked", "<1@staffroom>", NOW)
    outbox.given(queued(), sending()).when(sent).then("MessageSent")
    outbox.given(queued()).when(sent).then_rejected("not_claimed")


def test_a_failure_is_retried_with_backoff_and_claimed_again_as_the_next_attempt() -> None:
    failed = outbox.given(queued(), sending()).when(Fail(MID, "refused", NOW)).then("SendFailed")
    assert failed[0].data["retry_at"] == NOW + timedelta(minutes=1)
    retry = Event("SendFailed", {**failed[0].data})
    outbox.given(queued(), sending(), retry).when(Claim(MID, NOW)).then(sending(2))


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 7, 8, 30)] == [1, 2, 4, 60, 60, 60]


def test_a_stale_message_is_skipped_once_and_a_sent_one_not_at_all() -> None:
    outbox.given(queued()).when(Skip(MID, "cancelled")).then(
        Event("MessageSkipped", {"message_id": MID, "reason": "cancelled"})
    )
    skipped = Event("MessageSkipped", {"message_id": MID, "reason": "cancelled"})
    outbox.given(queued(), skipped).when(Skip(MID, "cancelled")).then()


def test_a_bounce_records_the_address() -> None:
    bounce = Bounce(MID, "amy", "amy@gone.test", "550 no such user")
    events = outbox.given(queued(), sending()).when(bounce).then("AddressBounced")
    state = outbox.given(queued(), sending(), *events).state()
    assert state.bounced == {"amy@gone.test"} and state.messages[MID].status == "bounced"


def test_an_unknown_claim_is_released_only_after_a_while() -> None:
    outbox.given(queued(), sending()).when(Release(MID, "op", NOW)).then_rejected("still_sending")
    later = NOW + timedelta(minutes=6)
    outbox.given(queued(), sending()).when(Release(MID, "op", later)).then(
        Event("ClaimReleased", {"message_id": MID, "by": "op"})
    )
    outbox.given(queued()).when(Release(MID, "op", later)).then_rejected("not_claimed")


def test_a_moved_reminder_is_rescheduled_until_it_is_sent() -> None:
    later = NOW + timedelta(days=1)
    outbox.given(queued(kind="day_reminder")).when(Reschedule(MID, later)).then(
        Event("MessageRescheduled", {"message_id": MID, "due": later})
    )
    outbox.given(queued(kind="day_reminder")).when(Reschedule(MID, NOW)).then()
    outbox.given(queued(), sending()).when(Reschedule(MID, later)).then()


def test_confirmations_cannot_be_turned_off_reminders_can() -> None:
    outbox.when(SetPreferences("amy", {"booking_confirmed": "off"})).then_rejected(
        "always_sent", 422
    )
    chosen = Event("PreferencesSet", {"person_id": "amy", "kinds": {"day_reminder": "off"}})
    outbox.when(SetPreferences("amy", {"day_reminder": "off"})).then(chosen)
    outbox.given(chosen).when(SetPreferences("amy", {"day_reminder": "off"})).then()


def test_a_confirmation_and_a_reminder_are_decided_together() -> None:
    reminder = Queue(
        message_id("day:d", "amy", "day_reminder"),
        "amy",
        "day_reminder",
        ABOUT,
        "day:d",
        NOW + timedelta(days=3),
        again=True,
    )
    decided = outbox.when(Several((queue(), reminder))).then("MessageQueued", "MessageQueued")
    outbox.given(*decided).when(Several((queue(), reminder))).then()
