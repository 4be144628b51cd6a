"""The trust days' snapshot hooks: a slot restored from its snapshot is the slot folded
from its whole history, and the trust days' NATS user may keep its slots' snapshots."""

import json

from events import CommandLoop, Event, EventStore, StreamSettings
from events.connection import NatsThread
from events.embedded import EmbeddedNats
from events.nats_access import ADMIN, local_passwords, users
from services.trustdays.domain import SlotDecider
from services.trustdays.events import slot_subject


def slot_history() -> list[Event]:
    def place(event_type: str, person: str, session: str, **more) -> Event:
        return Event(event_type, {"person_id": person, "session_id": session, **more})

    sessions = [
        {
            "session_id": session_id, "title": f"Session {session_id}",
            "description": "What we will do.", "community": "send",
            "leader": {"person_id": "lee", "name": "Lee Leader"}, "room": "Room 1",
            "capacity": 2, "audience": "all", "phase": "all", "mode": "in_person",
        }
        for session_id in ("s1", "s2", "s3")
    ]  # fmt: skip
    return [
        *(Event("SessionAdded", session) for session in sessions),
        place("SessionBooked", "ann", "s1"),
        place("SessionBooked", "bob", "s1"),
        place("WaitlistJoined", "cat", "s1"),
        place("WaitlistJoined", "dan", "s1"),
        place("SessionBooked", "cat", "s2"),
        place("BookingCancelled", "ann", "s1", reason="cancelled"),
        place("PromotedFromWaitlist", "dan", "s1"),
        place("WaitlistLeft", "cat", "s1", reason="left"),
        Event("SessionCancelled", {"session_id": "s3", "reason": "Ill"}),
        place("AttendanceMarked", "bob", "s1", mark="present", cpd_minutes=50, walk_in=False),
        place("AttendanceMarked", "eve", "s2", mark="late", cpd_minutes=50, walk_in=True),
    ]


def test_a_slot_snapshot_round_trip_equals_the_full_fold(nats, store):
    decider = SlotDecider()
    folded = decider.fold(slot_history())
    assert decider.restore(json.loads(json.dumps(decider.snapshot(folded)))) == folded
    assert folded.holder and folded.waitlists and folded.marks and folded.cancelled

    subject = store.subject(*slot_subject("d1", "s"))
    seq = 0
    for event in slot_history():
        seq = nats.run(store.append(subject, [event], seq)).seq
    writer = CommandLoop(store, SlotDecider(), snapshot_every=1)
    nats.run(writer.load(subject))
    nats.run(writer.snapshots_written())
    assert nats.run(writer.snapshots.get(writer._snapshot_key(subject)))["seq"] == seq

    from_snapshot = nats.run(CommandLoop(store, SlotDecider()).load(subject))
    from_the_log = nats.run(CommandLoop(store, SlotDecider(), snapshot_every=0).load(subject))
    assert from_snapshot.state == from_the_log.state == folded


def test_a_service_user_keeps_the_snapshots_of_its_own_aggregates(tmp_path):
    """With NATS permissions as deployed: the trust days may create, write and read the
    snapshots of their slots."""
    passwords = local_passwords([ADMIN, "trustdays"], tmp_path / "passwords.json")
    stream = StreamSettings(name="SNAPSHOTS", subjects=("events.>",))
    accounts = users(passwords, stream.name, stream.prefix)
    with EmbeddedNats(tmp_path / "nats", users=accounts) as server:
        admin = NatsThread(server.url, name="admin")
        admin.run(EventStore(admin.nc, stream).ensure_stream())
        admin.close()
        service = NatsThread(server.url_for("trustdays"), name="trustdays")
        store = EventStore(service.nc, stream)
        subject = store.subject(*slot_subject("d1", "s"))
        seq = 0
        for event in slot_history():
            seq = service.run(store.append(subject, [event], seq)).seq
        writer = CommandLoop(store, SlotDecider(), snapshot_every=1)
        service.run(writer.load(subject))
        service.run(writer.snapshots_written())
        restarted = CommandLoop(store, SlotDecider())
        assert service.run(restarted.snapshots.get(writer._snapshot_key(subject)))["seq"] == seq
        assert service.run(restarted.load(subject)).state == SlotDecider().fold(slot_history())
        service.close()
