"""The daily digest in the outbox decider, given/when/then, and its 07:00 UK time in winter
and summer: a kind chosen for the digest is queued for the next 07:00; what cannot wait
never is; its claims are all or none; its one-click unsubscribe turns off what it held."""

from __future__ import annotations

from datetime import UTC, datetime

from events.envelope import Event
from events.testing import scenario
from services.notifications.domain import (
    Claim,
    MarkSent,
    OutboxDecider,
    Queue,
    Reschedule,
    SetPreferences,
    Several,
)
from services.notifications.events import message_id, next_digest

outbox = scenario(OutboxDecider())
ABOUT = {"service": "networks", "meeting_id": "m", "reason": ""}
WINTER = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
POLL = message_id("e1", "amy", "poll_reminder")
ACTION = message_id("e2", "amy", "action_due")


def chose(**kinds: str) -> Event:
    return Event("PreferencesSet", {"person_id": "amy", "kinds": kinds})


def queue(mid: str = POLL, kind: str = "poll_reminder", due: datetime = WINTER) -> Queue:
    return Queue(mid, "amy", kind, ABOUT, "e1", due)


def queued(mid: str, kind: str, due: datetime, digest: bool) -> Event:
    data = {"message_id": mid, "person_id": "amy", "kind": kind, "about": ABOUT}
    return Event("MessageQueued", {**data, "cause_id": "e1", "due": due, "digest": digest})


def test_07_00_uk_time_is_07_00_utc_in_winter_and_06_00_utc_in_summer() -> None:
    assert next_digest(WINTER) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert next_digest(summer) == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    early_summer = datetime(2026, 7, 1, 5, 59, tzinfo=UTC)  # 06:59 BST: this morning's
    assert next_digest(early_summer) == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    exactly = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert next_digest(exactly) == exactly


def test_the_digest_follows_the_clocks_changing() -> None:
    # The clocks go forward on Sunday 29 March 2026 at 01:00 UTC, back on 25 October.
    assert next_digest(datetime(2026, 3, 28, 20, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    assert next_digest(datetime(2026, 10, 24, 20, 0, tzinfo=UTC)) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )


def test_a_kind_chosen_for_the_digest_waits_for_the_next_07_00() -> None:
    at_seven = next_digest(WINTER)
    outbox.given(chose(poll_reminder="digest")).when(queue()).then(
        queued(POLL, "poll_reminder", at_seven, True)
    )
    outbox.when(queue()).then(queued(POLL, "poll_reminder", WINTER, False))


def test_a_digest_message_rescheduled_still_goes_in_a_digest() -> None:
    held = queued(POLL, "poll_reminder", next_digest(WINTER), True)
    later = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    outbox.given(held).when(Reschedule(POLL, later)).then(
        Event("MessageRescheduled", {"message_id": POLL, "due": next_digest(later)})
    )


def test_only_what_may_wait_may_be_digested_and_the_digest_is_no_kind_of_its_own() -> None:
    outbox.when(SetPreferences("amy", {"poll_reminder": "digest"})).then("PreferencesSet")
    outbox.when(SetPreferences("amy", {"booking_nudge": "digest"})).then_rejected(
        "not_digestible", 422
    )
    outbox.when(SetPreferences("amy", {"meeting_invitation": "digest"})).then_rejected(
        "not_digestible", 422
    )
    outbox.when(SetPreferences("amy", {"digest": "now"})).then_rejected("not_a_kind", 422)


def test_unsubscribing_from_the_digest_turns_off_what_it_held() -> None:
    given = outbox.given(chose(poll_reminder="digest", action_due="digest", day_reminder="off"))
    given.when(SetPreferences("amy", {"digest": "off"})).then(
        chose(poll_reminder="off", action_due="off")
    )
    outbox.given(chose(poll_reminder="now")).when(SetPreferences("amy", {"digest": "off"})).then()


def test_a_digest_is_claimed_whole_or_not_at_all_and_sent_as_one() -> None:
    at = next_digest(WINTER)
    both = (queued(POLL, "poll_reminder", at, True), queued(ACTION, "action_due", at, True))
    claims = Several((Claim(POLL, at), Claim(ACTION, at)))
    outbox.given(*both).when(claims).then("MessageSending", "MessageSending")
    one_claimed = Event("MessageSending", {"message_id": ACTION, "attempt": 1, "claimed_at": at})
    outbox.given(*both, one_claimed).when(claims).then_rejected("not_sendable", 409)
    sent = Several(
        tuple(MarkSent(m, "amy@x", "Your Staffroom digest", "<d@x>", at) for m in (POLL, ACTION))
    )
    claimed = outbox.given(*both, *outbox.given(*both).when(claims).decided())
    claimed.when(sent).then("MessageSent", "MessageSent")
