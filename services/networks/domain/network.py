"""A network: its record (kind, members by post and by name, facilitator, agenda lead,
cadence, privacy, agenda template, usual length and venue), and whether it is closed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from events import Decider, Event
from events.decider import Fact
from services.networks.domain.common import rejected


@dataclass(frozen=True)
class Cadence:
    rule: str
    count: int = 1


@dataclass(frozen=True)
class TemplateItem:
    title: str
    minutes: int


@dataclass(frozen=True)
class NetworkRecord:
    network_id: str
    name: str
    kind: str
    facilitator_id: str
    cadence: Cadence
    minutes: int
    description: str = ""
    member_posts: tuple[str, ...] = ()
    member_ids: tuple[str, ...] = ()
    agenda_lead_id: str | None = None
    private: bool = False
    agenda_template: tuple[TemplateItem, ...] = ()
    venue: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> NetworkRecord:
        return cls(
            **{
                **data,
                "cadence": Cadence(**data["cadence"]),
                "member_posts": tuple(data.get("member_posts", ())),
                "member_ids": tuple(data.get("member_ids", ())),
                "agenda_template": tuple(
                    TemplateItem(**t) for t in data.get("agenda_template", ())
                ),
            }
        )

    def data(self) -> dict[str, Any]:
        record = asdict(self)
        record["member_posts"] = list(self.member_posts)
        record["member_ids"] = list(self.member_ids)
        record["agenda_template"] = [asdict(t) for t in self.agenda_template]
        return record

    def named(self) -> frozenset[str]:
        """The people it names: members by name, its facilitator and agenda lead."""
        lead = (self.agenda_lead_id,) if self.agenda_lead_id else ()
        return frozenset((*self.member_ids, self.facilitator_id, *lead))


@dataclass(frozen=True)
class Network:
    record: NetworkRecord | None = None
    closed: bool = False


@dataclass(frozen=True)
class FormNetwork:
    record: NetworkRecord


@dataclass(frozen=True)
class UpdateNetwork:
    record: NetworkRecord


@dataclass(frozen=True)
class CloseNetwork:
    reason: str


class NetworkDecider(Decider[Network, object]):
    def initial_state(self) -> Network:
        return Network()

    def decide(self, command: object, state: Network) -> Sequence[Event]:
        if isinstance(command, FormNetwork):
            if state.record is not None:
                raise rejected("network_exists", "That network has already been formed.")
            _check(command.record)
            return [Event("NetworkFormed", command.record.data())]
        if state.record is None:
            raise rejected("no_such_network", "There is no such network.", 404)
        if state.closed:
            raise rejected("network_closed", "That network has been closed.")
        match command:
            case UpdateNetwork(record):
                if record.network_id != state.record.network_id:
                    raise rejected("wrong_network", "That is another network's record.", 422)
                _check(record)
                return [] if record == state.record else [Event("NetworkUpdated", record.data())]
            case CloseNetwork(reason):
                return [
                    Event(
                        "NetworkClosed", {"network_id": state.record.network_id, "reason": reason}
                    )
                ]
        raise TypeError(f"not a network command: {command!r}")

    def evolve(self, state: Network, event: Fact) -> Network:
        match event.type:
            case "NetworkFormed" | "NetworkUpdated":
                return replace(state, record=NetworkRecord.from_data(event.data))
            case "NetworkClosed":
                return replace(state, closed=True)
        return state


def _check(record: NetworkRecord) -> None:
    if record.cadence.rule == "fortnightly" and record.cadence.count != 1:
        raise rejected("fortnightly_once", "A fortnightly network meets once a fortnight.", 422)
    if record.kind == "one_to_one":
        if not record.private:
            raise rejected("one_to_one_private", "A one-to-one's notes are private.", 422)
        if record.member_posts or len(set(record.member_ids) - {record.facilitator_id}) != 1:
            message = "A one-to-one is its facilitator and one other person."
            raise rejected("one_to_one_pair", message, 422)
    if not record.member_posts and not set(record.member_ids) - {record.facilitator_id}:
        raise rejected("no_members", "A network has members: by post, by name, or both.", 422)
    template = sum(item.minutes for item in record.agenda_template)
    if template > record.minutes:
        message = f"The agenda template takes {template} minutes, longer than the meeting."
        raise rejected("template_too_long", message, 422)
