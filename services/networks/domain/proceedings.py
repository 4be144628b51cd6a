"""What happens at a dated meeting: its agenda (set whole; a seeded one, from the network's
template and open actions of earlier meetings, never replaces one set by hand), its minutes,
its action points and their status, and its register."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from events import Event
from services.networks.domain.common import rejected, unique
from services.networks.domain.meeting_state import AgendaItem, Mark, Meeting


@dataclass(frozen=True)
class SetAgenda:
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class SeedAgenda:
    """The agenda a reaction proposes once the meeting is dated: kept only if none is set."""

    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class RecordMinutes:
    text: str
    now: datetime


@dataclass(frozen=True)
class RaiseAction:
    action_id: str
    text: str
    owner_id: str
    due: date
    school_ids: tuple[str, ...] = ()
    priority_id: str | None = None


@dataclass(frozen=True)
class UpdateAction:
    action_id: str
    status: str
    by_id: str
    note: str = ""
    organises: bool = False
    """Whether `by_id` organises the meeting's network (the API knows): an action's status is
    its owner's to change, and its organisers'."""


@dataclass(frozen=True)
class TakeRegister:
    marks: tuple[Mark, ...]
    members: frozenset[str]
    """The network's members now (the API knows them), who may be marked beside invitees."""
    now: datetime


def decide(command: object, state: Meeting) -> list[Event]:
    match command:
        case SetAgenda(items) | SeedAgenda(items):
            if isinstance(command, SeedAgenda) and state.agenda is not None:
                return []
            return _agenda(state, items)
        case RaiseAction():
            return _raise(command, state)
        case UpdateAction():
            return _update(command, state)
        case RecordMinutes(text, now):
            _held(state, now, "Minutes are kept from the meeting's day.")
            if text == state.minutes_text:
                return []
            return [Event("MinutesRecorded", {"meeting_id": state.meeting_id, "text": text})]
        case TakeRegister():
            return _register(command, state)
    raise TypeError(f"not a meeting command: {command!r}")


def _agenda(state: Meeting, items: tuple[AgendaItem, ...]) -> list[Event]:
    unique([i.item_id for i in items], "items_repeat", "Each agenda item once.")
    if state.agenda == items:
        return []
    data = {"meeting_id": state.meeting_id, "items": [asdict(i) for i in items]}
    return [Event("AgendaSet", data)]


def _dated(state: Meeting) -> None:
    if state.when is None:
        raise rejected("not_dated", "Confirm the meeting's date first.")


def _held(state: Meeting, now: datetime, message: str) -> None:
    _dated(state)
    assert state.when is not None
    if now.date() < state.when.date:
        raise rejected("not_yet_held", message)


def _raise(command: RaiseAction, state: Meeting) -> list[Event]:
    _dated(state)
    if command.action_id in state.actions:
        raise rejected("action_exists", "That action has already been raised.")
    unique(list(command.school_ids), "schools_repeat", "Name each school once.")
    data = {**asdict(command), "meeting_id": state.meeting_id}
    data["school_ids"] = list(command.school_ids)
    return [Event("ActionRaised", data)]


def _update(command: UpdateAction, state: Meeting) -> list[Event]:
    action = state.actions.get(command.action_id)
    if action is None:
        raise rejected("no_such_action", "There is no such action.", 404)
    if command.by_id != action.owner_id and not command.organises:
        message = "Only the action's owner and the network's organisers change it."
        raise rejected("not_your_action", message, 403)
    if (action.status, action.note) == (command.status, command.note):
        return []
    data = {
        "meeting_id": state.meeting_id,
        "action_id": action.action_id,
        "status": command.status,
        "note": command.note,
    }
    return [Event("ActionUpdated", data)]


def _register(command: TakeRegister, state: Meeting) -> list[Event]:
    _held(state, command.now, "The register is taken on the meeting's day or after.")
    people = [m.person_id for m in command.marks]
    unique(people, "marked_twice", "Mark each person once.")
    strangers = sorted(set(people) - set(state.invitees) - command.members)
    if strangers:
        message = f"Only invitees and members are marked: not {', '.join(strangers)}."
        raise rejected("not_a_member", message, 422)
    if state.register == command.marks:
        return []
    marks = [asdict(m) for m in command.marks]
    return [Event("RegisterTaken", {"meeting_id": state.meeting_id, "marks": marks})]
