"""The command loop: load, decide, append with the expected sequence, retry on conflict."""

import asyncio
import json
import threading
import zlib

import pytest

from events import CommandLoop, CommandRejected, EventStore
from events.decider import command_id
from events.registry import InvalidEvent
from tests.support.counter import CounterDecider, Increment
from tests.support.log_fill import DirectGets, publish_many


def test_no_lost_update_under_contention(nats, store):
    """20 threads append 50 events each to one subject; two loops (two caches, as two
    gunicorn workers would have) race for the same aggregate."""
    loops = [CommandLoop(store, CounterDecider(), max_attempts=200) for _ in range(2)]
    subject = store.subject("counter", "contended")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        loop = loops[n % 2]
        try:
            for _ in range(50):
                nats.run(loop.execute(subject, Increment(by=1)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    events, _ = nats.run(store.load(subject))
    assert len(events) == 1000
    assert CounterDecider().fold(events) == 1000
    fresh = CommandLoop(store, CounterDecider())
    assert nats.run(fresh.load(subject)).state == 1000


def test_same_idempotency_key_twice_appends_once(nats, store):
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "a")
    first = nats.run(loop.execute(subject, Increment(), idempotency_key="k-1"))
    nats.run(loop.execute(subject, Increment(), idempotency_key="k-2"))
    again = nats.run(loop.execute(subject, Increment(), idempotency_key="k-1"))
    assert again.seq == first.seq and again.events == []
    other_worker = CommandLoop(store, CounterDecider())  # knows nothing in memory
    assert nats.run(other_worker.execute(subject, Increment(), idempotency_key="k-1")).events == []
    assert len(nats.run(store.load(subject))[0]) == 2


def test_refusal_is_checked_against_the_log_not_a_stale_cache(nats, store):
    """A worker whose cached state says "at the limit" must not refuse when another
    worker has since brought the counter down."""
    subject = store.subject("counter", "limit")
    slow, quick = CommandLoop(store, CounterDecider()), CommandLoop(store, CounterDecider())
    nats.run(slow.execute(subject, Increment(by=5)))
    nats.run(quick.execute(subject, Increment(by=-3)))  # slow's cache still says 5
    outcome = nats.run(slow.execute(subject, Increment(by=1, limit=5)))
    assert outcome.events
    assert nats.run(CommandLoop(store, CounterDecider()).load(subject)).state == 3


def test_rejected_command_appends_nothing(nats, store: EventStore):
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "a")
    with pytest.raises(CommandRejected) as refused:
        nats.run(loop.execute(subject, Increment(by=3, limit=2)))
    assert refused.value.rule == "counter_limit"
    assert nats.run(store.last_seq()) == 0


async def together(loop: CommandLoop, subject: str, *sent: tuple[Increment, str | None]) -> list:
    """The commands sent at once, as concurrent requests would: their outcomes or errors."""
    running = (loop.execute(subject, command, key) for command, key in sent)
    return await asyncio.gather(*running, return_exceptions=True)


def test_commands_waiting_for_one_subject_are_appended_as_one_message(nats, store):
    """A group commit: thirty commands sent at once cost one append, each told its own
    events, each event recording its own command."""
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "group")
    sent = [(Increment(reason=f"r{n}"), f"k-{n}") for n in range(30)]
    outcomes = nats.run(together(loop, subject, *sent))
    assert [[e.data["reason"] for e in o.events] for o in outcomes] == [
        [f"r{n}"] for n in range(30)
    ]
    assert len({o.seq for o in outcomes}) == 1
    events, _ = nats.run(store.load(subject))
    assert [e.seq for e in events] == [o.seq for o in outcomes]
    assert [e.causation_id for e in events] == [command_id(subject, "system", k) for _, k in sent]
    again = nats.run(CommandLoop(store, CounterDecider()).execute(subject, Increment(), "k-7"))
    assert again.events == [] and again.seq == outcomes[7].seq


def test_a_refusal_is_decided_on_the_log_not_on_the_group_before_it(nats, store):
    """The second would pass the limit after the first, but the third brings the counter
    down again: it is decided again once the group has landed, and then done. A command
    refused on the log's state is refused."""
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "refused")
    sent = [(Increment(by=2, limit=2), None), (Increment(by=1, limit=2), None)]
    first, second, third = nats.run(together(loop, subject, *sent, (Increment(by=-2), None)))
    assert first.seq == third.seq < second.seq and second.events
    refused = nats.run(together(loop, subject, *[(Increment(by=1, limit=2), None)] * 2))
    assert refused[0].events and isinstance(refused[1], CommandRejected)
    assert nats.run(CommandLoop(store, CounterDecider()).load(subject)).state == 2


def test_one_command_twice_in_a_group_is_done_once(nats, store):
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "twice")
    sent = [(Increment(), "k-1"), (Increment(), "k-1"), (Increment(), "k-2")]
    outcomes = nats.run(together(loop, subject, *sent))
    assert [len(o.events) for o in outcomes] == [1, 0, 1]
    assert outcomes[0].seq == outcomes[1].seq
    assert nats.run(CommandLoop(store, CounterDecider()).load(subject)).state == 2


def test_a_command_whose_event_its_schema_refuses_leaves_the_rest_of_its_group(nats, store):
    loop = CommandLoop(store, CounterDecider())
    subject = store.subject("counter", "invalid")
    sent = [(Increment(by=1), None), (Increment(by=0), None), (Increment(by=2), None)]
    one, zero, two = nats.run(together(loop, subject, *sent))
    assert isinstance(zero, InvalidEvent)
    assert one.seq == two.seq
    assert nats.run(CommandLoop(store, CounterDecider()).load(subject)).state == 3


class SnapshottingCounter(CounterDecider):
    snapshot_version = 1

    def snapshot(self, state: int) -> dict:
        return {"total": state}

    def restore(self, data: dict) -> int:
        return data["total"] + 0  # a total that is not a number fails here


def test_concurrent_cold_loads_share_one_load(nats, store):
    subject = store.subject("counter", "cold")
    nats.run(publish_many(store, subject, 3_000))
    requests = DirectGets(nats, store)
    nats.run(CommandLoop(store, CounterDecider()).load(subject))
    one_load = requests.count()

    async def eight_at_once(loop: CommandLoop) -> list:
        return await asyncio.gather(*(loop.load(subject) for _ in range(8)))

    loaded = nats.run(eight_at_once(CommandLoop(store, CounterDecider())))
    assert requests.count() == one_load
    assert [aggregate.state for aggregate in loaded] == [3_000] * 8


def test_a_cold_load_reads_the_snapshot_and_only_the_events_after_it(nats, store):
    """20,000 events: the first load writes a snapshot; a restarted process reads it, one
    request of the log, and still knows a command it has seen."""
    subject = store.subject("counter", "long")
    nats.run(publish_many(store, subject, 5_000, per_message=4))
    first = CommandLoop(store, SnapshottingCounter(), snapshot_every=2)
    assert nats.run(first.load(subject)).state == 20_000
    nats.run(first.execute(subject, Increment(), idempotency_key="k-1"))
    nats.run(first.execute(subject, Increment(), idempotency_key="k-2"))  # a second snapshot
    nats.run(first.snapshots_written())

    requests = DirectGets(nats, store)
    restarted = CommandLoop(store, SnapshottingCounter())
    assert nats.run(restarted.load(subject)).state == 20_002
    assert requests.count() == 1
    again = nats.run(restarted.execute(subject, Increment(), idempotency_key="k-1"))
    assert again.events == []
    assert nats.run(CommandLoop(store, CounterDecider()).load(subject)).state == 20_002


def snapshot_bytes(snapshot: dict) -> bytes:
    return zlib.compress(json.dumps(snapshot).encode())


@pytest.mark.parametrize(
    "written",
    [
        lambda seq, elsewhere: b"not a snapshot",
        lambda seq, elsewhere: snapshot_bytes({"version": 1, "seq": seq, "state": {}}),
        lambda seq, elsewhere: snapshot_bytes(
            {"version": 1, "seq": seq, "state": {"total": "999"}, "commands": {}}
        ),
        lambda seq, elsewhere: snapshot_bytes(
            {"version": 2, "seq": seq, "state": {"total": 999}, "commands": {}}
        ),
        lambda seq, elsewhere: snapshot_bytes(  # a sequence of another subject's message
            {"version": 1, "seq": elsewhere, "state": {"total": 999}, "commands": {}}
        ),
    ],
    ids=["not-zlib", "no-commands", "bad-state", "old-version", "wrong-seq"],
)
def test_a_snapshot_that_cannot_be_trusted_is_ignored(nats, store, written):
    subject, other = store.subject("counter", "a"), store.subject("counter", "b")
    seq = nats.run(publish_many(store, subject, 10))
    elsewhere = nats.run(publish_many(store, other, 1))
    loop = CommandLoop(store, SnapshottingCounter(), snapshot_every=1)
    nats.run(loop.load(subject))
    nats.run(loop.snapshots_written())
    kv = nats.run(store.js.key_value(loop.snapshots.bucket))
    nats.run(kv.put(loop._snapshot_key(subject), written(seq, elsewhere)))

    assert nats.run(CommandLoop(store, SnapshottingCounter()).load(subject)).state == 10
