"""Foreign facts: another service's subject folded into a view, on a real stream."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from events.envelope import Event, RecordedEvent
from events.foreign import FoldedSubject
from services.directory.events import TRUST_SUBJECT
from tests.support.people import joined, leave, record_facts


def names(view: tuple[str, ...], events: Sequence[RecordedEvent]) -> tuple[str, ...]:
    return (*view, *(f"{e.type}:{e.data['person_id']}" for e in events))


def people(store) -> FoldedSubject[tuple[str, ...]]:
    subject = store.subject(*TRUST_SUBJECT)
    return FoldedSubject(store, subject, {"PersonJoined", "PersonLeft"}, (), names)


def test_a_view_folds_the_wanted_facts_and_reads_only_what_is_newer(nats, store):
    nats.run(record_facts(store, [joined("amy"), Event("RoleGranted", _role("amy"))]))
    view = people(store)
    assert view.recent(max_age=60) is None  # never read yet
    assert nats.run(view.catch_up()) == ("PersonJoined:amy",)
    first = view.seq
    leave(nats, store, "amy")
    assert view.recent(max_age=60) == ("PersonJoined:amy",)  # trusted while recent
    assert nats.run(view.catch_up()) == ("PersonJoined:amy", "PersonLeft:amy")
    assert view.seq > first


def test_a_message_it_cannot_read_is_skipped_not_fatal(nats, store):
    subject = store.subject(*TRUST_SUBJECT)
    nats.run(store.js.publish(subject, b"not json at all"))
    nats.run(store.js.publish(subject, b'[{"type": "PersonJoined", "data": {}}]'))
    nats.run(record_facts(store, [joined("bob")]))
    view = people(store)
    assert nats.run(view.catch_up()) == ("PersonJoined:bob",)
    assert view.seq == nats.run(store.last_seq())


def test_callers_at_the_same_time_share_a_read(nats, store):
    nats.run(record_facts(store, [joined("cat")]))
    view = people(store)
    reads = 0
    newer = view._newer

    async def counted(after: int) -> tuple[list[RecordedEvent], int]:
        nonlocal reads
        reads += 1
        return await newer(after)

    view._newer = counted  # type: ignore[method-assign]

    async def many() -> list[tuple[str, ...]]:
        return await asyncio.gather(*(view.catch_up() for _ in range(20)))

    assert nats.run(many()) == [("PersonJoined:cat",)] * 20
    # the first read began before the others asked: one more read serves them all
    assert reads <= 2


def _role(person_id: str) -> dict:
    return {"person_id": person_id, "role": "session_leader", "school_id": None}
