"""The command loop: load, decide, append with the expected sequence, retry on conflict."""

import threading

import pytest

from events import CommandLoop, CommandRejected, EventStore
from tests.support.counter import CounterDecider, Increment


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
