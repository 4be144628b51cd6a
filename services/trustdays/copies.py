"""A whole PD day copied (last year's, say): a new draft day with the source's theme,
venue and timetable, and every session not cancelled, with new ids and no places.

With an Idempotency-Key the new ids are derived from the command's id (the person, the
source day's subject and the key: events.decider.command_id), so a retried copy names the
same day, slots and sessions, and each of its commands is recognised and done once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from events.decider import command_id
from events.envelope import new_id
from services.trustdays.domain import AddSessions, Day, PlanDay, SlotState

COPIES = uuid.UUID("5b0e3c4e-6f1d-4d43-9d55-2f7a1c1e0c0d")
"""The namespace of ids derived for copies."""


def id_maker(subject: str, actor: str, key: str | None) -> Callable[[str], str]:
    """Ids for the parts of one copy: derived from the command's id, or new without a key."""
    if key is None:
        return lambda part: new_id()
    copy = command_id(subject, actor, key)
    return lambda part: str(uuid.uuid5(COPIES, f"{copy}:{part}"))


@dataclass(frozen=True)
class Copy:
    plan: PlanDay
    sessions: list[tuple[str, AddSessions]]
    """Each new slot's id, and its sessions: one command a slot, so that the request's
    Idempotency-Key names each of them once (its id is the key's, on the slot's subject)."""

    @property
    def day_id(self) -> str:
        return self.plan.record.day_id


def copy_of(
    source: Day,
    slot_states: Iterable[tuple[str, SlotState]],
    fields: dict[str, Any],
    make_id: Callable[[str], str],
) -> Copy:
    """The commands that make the copy of `source` (its slots' states by slot id), with the
    date, year, term, booking window and (optionally) title in `fields`."""
    assert source.record is not None
    given = {name: value for name, value in fields.items() if value is not None}
    record = replace(source.record, **given, day_id=make_id("day"))
    new_slot = {slot_id: make_id(f"slot:{slot_id}") for slot_id in source.slots}
    timetable = [
        replace(slot, slot_id=new_slot[slot.slot_id])
        for slot in sorted(source.slots.values(), key=lambda s: s.starts)
    ]
    sessions = []
    for slot_id, state in slot_states:
        copied = tuple(
            replace(session, session_id=make_id(f"session:{sid}"))
            for sid, session in state.sessions.items()
            if sid not in state.cancelled
        )
        if copied:
            sessions.append((new_slot[slot_id], AddSessions(copied)))
    return Copy(PlanDay(record, timetable), sessions)
