"""The event store against a real nats-server."""

import json
import threading
from dataclasses import replace

import pytest

import events.store
from events import ConcurrencyConflict, Event, EventStore, InvalidEvent, Metadata
from events.store import EXPECTED_LAST_SUBJECT_SEQ, LOAD_BATCH, MSG_ID
from tests.support.log_fill import DirectGets, publish_many


def incremented(by: int = 1) -> Event:
    return Event("TestCounterIncremented", {"by": by, "reason": "test"})


def test_append_then_load_round_trip(nats, store):
    subject = store.subject("counter", "a")
    first = nats.run(store.append(subject, [incremented(1), incremented(2)], expected_seq=0))
    second = nats.run(
        store.append(subject, [incremented(3)], first.seq, meta=Metadata(actor="x@y.org"))
    )
    events, last = nats.run(store.load(subject))
    assert [e.data["by"] for e in events] == [1, 2, 3]
    assert [(e.seq, e.index) for e in events] == [(first.seq, 0), (first.seq, 1), (second.seq, 0)]
    assert last == second.seq
    assert events[2].actor == "x@y.org"
    assert events[0].id < events[1].id < events[2].id  # sortable ids
    assert nats.run(store.load(subject, after=first.seq))[0] == events[2:]


def test_subjects_are_separate_aggregates(nats, store):
    a, b = store.subject("counter", "a"), store.subject("counter", "b")
    nats.run(store.append(a, [incremented()], 0))
    nats.run(store.append(b, [incremented()], 0))  # b is still empty: 0 is right
    assert len(nats.run(store.load(a))[0]) == 1


def test_stale_expected_sequence_is_refused(nats, store):
    subject = store.subject("counter", "a")
    seq = nats.run(store.append(subject, [incremented()], 0)).seq
    with pytest.raises(ConcurrencyConflict):
        nats.run(store.append(subject, [incremented()], 0))
    with pytest.raises(ConcurrencyConflict):
        nats.run(store.append(subject, [incremented()], seq - 1 if seq > 1 else seq + 5))
    assert len(nats.run(store.load(subject))[0]) == 1


def test_headers_reach_the_server_unchanged(nats, store):
    subject = store.subject("counter", "a")
    nats.run(store.append(subject, [incremented()], 0, idempotency_key="cmd-1"))
    last = nats.run(store.js.get_last_msg(store.stream, subject))
    assert last.headers[MSG_ID] == "cmd-1"
    assert last.headers[EXPECTED_LAST_SUBJECT_SEQ] == "0"


def test_same_idempotency_key_twice_appends_once(nats, store):
    subject = store.subject("counter", "a")
    first = nats.run(store.append(subject, [incremented()], 0, idempotency_key="cmd-1"))
    again = nats.run(store.append(subject, [incremented()], first.seq, idempotency_key="cmd-1"))
    assert again.duplicate and again.seq == first.seq
    assert nats.run(store.last_seq()) == first.seq
    assert len(nats.run(store.load(subject))[0]) == 1


def test_event_failing_its_schema_is_refused_and_nothing_appended(nats, store):
    subject = store.subject("counter", "a")
    bad = Event("TestCounterIncremented", {"by": "many", "reason": "test"})
    with pytest.raises(InvalidEvent, match="TestCounterIncremented"):
        nats.run(store.append(subject, [incremented(), bad], 0))
    assert nats.run(store.last_seq()) == 0


def test_old_event_version_is_upcast_on_load(nats, store):
    subject = store.subject("counter", "old")
    old = {
        "id": "018f0000-0000-7000-8000-000000000000",
        "type": "TestCounterIncremented",
        "version": 1,
        "subject": subject,
        "occurred_at": "2025-09-01T08:00:00+00:00",
        "actor": "system",
        "data": {"by": 5},
    }
    nats.run(store.js.publish(subject, json.dumps([old]).encode()))
    (event,), _ = nats.run(store.load(subject))
    assert (event.version, event.data) == (2, {"by": 5, "reason": "(not recorded)"})


def test_read_the_whole_log_from_a_sequence(nats, store):
    for n in range(1, 8):
        nats.run(store.append(store.subject("counter", str(n)), [incremented(n)], 0))

    async def read_from(seq):
        return [e.data["by"] async for batch in store.read(seq, batch=3) for e in batch.events]

    assert nats.run(read_from(1)) == [1, 2, 3, 4, 5, 6, 7]
    assert nats.run(read_from(5)) == [5, 6, 7]
    assert nats.run(read_from(8)) == []


def test_stream_refuses_deletes(nats, store):
    nats.run(store.append(store.subject("counter", "a"), [incremented()], 0))
    with pytest.raises(Exception, match=r"(?i)delete"):
        nats.run(store.js.delete_msg(store.stream, 1))


def test_loading_an_aggregate_creates_no_consumer(nats, store):
    subject = store.subject("counter", "a")
    nats.run(store.append(subject, [incremented()], 0))
    nats.run(store.load(subject))
    info = nats.run(store.js.stream_info(store.stream))
    assert info.state.consumer_count == 0


def test_ensure_stream_updates_an_existing_stream(nats, store, stream_settings):
    wider = EventStore(store.nc, replace(stream_settings, duplicate_window=600))
    nats.run(wider.ensure_stream())
    config = nats.run(store.js.stream_info(store.stream)).config
    assert config.duplicate_window == 600
    assert config.deny_delete and config.deny_purge and not config.allow_rollup_hdrs
    assert config.max_msgs in (None, -1) and config.max_age in (None, 0)


def a_valid_envelope_with(**changes) -> bytes:
    envelope = {
        "id": "018f0000-0000-7000-8000-00000000beef",
        "type": "TestCounterIncremented",
        "version": 2,
        "subject": "x",
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "system",
        "data": {"by": 100, "reason": "forged"},
    }
    return json.dumps([{**envelope, **changes}]).encode()


NOT_ENVELOPES = [
    b"\xff\xfe not even UTF-8",
    b"{not json",
    b'{"type": "TestCounterIncremented"}',
    b"[1, 2, 3]",
    b"null",
    b"[" * 5000 + b"]" * 5000,
    a_valid_envelope_with(version=99),
    a_valid_envelope_with(version="2"),
    a_valid_envelope_with(data={"by": "lots"}),
    a_valid_envelope_with(occurred_at="yesterday"),
    a_valid_envelope_with(type=["not", "a", "name"]),
]


def test_a_message_that_is_not_valid_events_never_stops_a_reader(nats, store):
    """Raw bytes published on an aggregate's subject: its load and a read of the whole log
    skip them (counted) and go on with the valid events."""
    subject = store.subject("counter", "a")
    first = nats.run(store.append(subject, [incremented(1)], 0))
    for garbage in NOT_ENVELOPES:
        nats.run(store.js.publish(subject, garbage))
    garbage_end = nats.run(store.last_seq())
    last = nats.run(store.append(subject, [incremented(2)], garbage_end))

    events, seq = nats.run(store.load(subject))
    assert [e.data["by"] for e in events] == [1, 2] and seq == last.seq
    assert store.skipped == len(NOT_ENVELOPES)

    async def read_all():
        return [e.seq async for batch in store.read(1, batch=4) for e in batch.events]

    assert nats.run(read_all()) == [first.seq, last.seq]
    assert store.skipped == 2 * len(NOT_ENVELOPES)


def test_a_long_history_loads_in_a_few_requests(nats, store):
    """Batched direct gets: 20,000 events in 5,000 messages are not 5,000 round trips."""
    subject, other = store.subject("counter", "long"), store.subject("counter", "other")
    nats.run(publish_many(store, subject, 5_000, per_message=4))
    nats.run(publish_many(store, other, 10))
    requests = DirectGets(nats, store)
    events, last = nats.run(store.load(subject))
    assert len(events) == 20_000 and last == 5_000
    assert [e.seq for e in events[::4]] == list(range(1, 5_001))
    assert requests.count() <= 5_000 // LOAD_BATCH + 1


def test_loading_across_batches_keeps_to_the_subject(nats, store, monkeypatch):
    monkeypatch.setattr(events.store, "LOAD_BATCH", 7)
    a, b = store.subject("counter", "a"), store.subject("counter", "b")
    for _ in range(10):
        nats.run(publish_many(store, a, 3, by=1))
        nats.run(publish_many(store, b, 2, by=2))
    everything, last = nats.run(store.load(a))
    assert [e.data["by"] for e in everything] == [1] * 30
    assert last == max(e.seq for e in everything) == 48
    after, _ = nats.run(store.load(a, after=everything[12].seq))
    assert after == everything[13:]
    assert nats.run(store.load(a, after=last)) == ([], last)


def test_a_stream_whose_store_cannot_be_made_for_a_moment_is_made_again(
    nats, nats_server, stream_settings
):
    # nats-server answers "error creating store for stream" while the stream's folder
    # cannot be made (as when its account's folder is gone for a moment): tried again.
    blocking = nats_server.data_dir / "jetstream" / "$G" / "streams" / stream_settings.name
    blocking.parent.mkdir(parents=True, exist_ok=True)
    blocking.write_text("not a folder")
    threading.Timer(0.1, lambda: blocking.unlink(missing_ok=True)).start()
    store = EventStore(nats.nc, stream_settings)
    try:
        assert nats.run(store.ensure_stream()).config.name == stream_settings.name
    finally:
        nats.run(store.js.delete_stream(stream_settings.name))
