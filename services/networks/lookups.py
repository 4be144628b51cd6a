"""What the networks' routes ask first: the aggregates they act on (a network, a meeting, a
series, a school's plan), who the network's members are now and whose school a person is
(the foreign facts, services/networks/facts.py), what the finder's re-check warns of, and
the UK wall clock now. A network or meeting the person may not see is 404, an act they may
not do 403."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from werkzeug.exceptions import NotFound

from events.service import Commands, identity, require
from services.networks import events as networks
from services.networks.access import organises, reads_content, runs_meeting
from services.networks.domain import (
    Invitee,
    Meeting,
    MeetingDecider,
    Network,
    NetworkDecider,
    NetworkRecord,
    PlanDecider,
    SeriesDecider,
    rejected,
    wall_clock_at,
)
from services.networks.facts import facts_now
from services.networks.finding import warnings_in
from services.networks.series_dates import SeriesDates, series_dates

network_commands = Commands(NetworkDecider())
meeting_commands = Commands(MeetingDecider())
series_commands = Commands(SeriesDecider())
plan_commands = Commands(PlanDecider())


def wall_clock() -> datetime:
    """Now on the UK wall clock, naive: what meeting times and deadlines are written in."""
    return wall_clock_at(datetime.now(UTC))


def network_subject(network_id: str) -> str:
    return network_commands.subject(*networks.network_subject(network_id))


def meeting_subject(meeting_id: str) -> str:
    return meeting_commands.subject(*networks.meeting_subject(meeting_id))


def series_subject(series_id: str) -> str:
    return series_commands.subject(*networks.series_subject(series_id))


def plan_subject(school_id: str) -> str:
    return plan_commands.subject(*networks.plan_subject(school_id))


def members_of(record: NetworkRecord) -> list[str]:
    """The network's members now: holders of its posts (at any school), those it names and
    its facilitator, in a stable order (the record is the network's own, the posts the
    directory's facts)."""
    holders = facts_now().directory.holders_of(record.member_posts)
    return list(dict.fromkeys((*holders, *record.member_ids, record.facilitator_id)))


def school_of(person_id: str) -> str | None:
    person = facts_now().directory.people.get(person_id)
    return person.school_id if person else None


def not_in_the_trust(person_ids: Iterable[str]) -> list[str]:
    """Those of `person_ids` who are not (or no longer) in the trust."""
    people = facts_now(0).directory.people
    return [p for p in person_ids if p not in people]


def _visible(network_id: str) -> Network:
    """The network's state: a private one is its members' alone, and to anyone else it does
    not exist (404, as its page answers)."""
    network: Network = network_commands.state(network_subject(network_id))
    record = network.record
    if record is None or not reads_content(identity(), record.private, members(record)):
        raise NotFound("There is no such network.")
    return network


def the_network(network_id: str) -> NetworkRecord:
    """The network's record, for every route about it (404 if I may not see it)."""
    record = _visible(network_id).record
    assert record is not None
    return record


def open_network(network_id: str) -> NetworkRecord:
    """The network's record, if it is not closed (409 otherwise, as its decider says)."""
    network = _visible(network_id)
    if network.closed:
        raise rejected("network_closed", "That network has been closed.")
    assert network.record is not None
    return network.record


def members(record: NetworkRecord) -> frozenset[str]:
    return frozenset((*members_of(record), *record.named()))


def may_organise(record: NetworkRecord) -> None:
    """Refused (403) unless I organise this network's meetings (access.organises)."""
    allowed = organises(
        identity(), record.facilitator_id, record.agenda_lead_id, record.private, members(record)
    )
    require(allowed, "Only the network's facilitator, agenda lead and network leaders do this.")


def the_meeting(meeting_id: str) -> tuple[Meeting, NetworkRecord]:
    """The meeting and its network (a private network's meetings are its members' alone)."""
    meeting: Meeting = meeting_commands.state(meeting_subject(meeting_id))
    if meeting.status == "new":
        raise NotFound("There is no such meeting.")
    return meeting, the_network(meeting.network_id)


def runs(meeting: Meeting, record: NetworkRecord) -> bool:
    return runs_meeting(
        identity(),
        meeting.organiser_id,
        record.facilitator_id,
        record.agenda_lead_id,
        record.private,
        members(record),
    )


def meeting_i_run(meeting_id: str) -> tuple[Meeting, NetworkRecord]:
    """The meeting and its network, refused (403) unless I run it (access.runs_meeting)."""
    meeting, record = the_meeting(meeting_id)
    require(runs(meeting, record), "Only the meeting's organiser and the network's do this.")
    return meeting, record


def priorities_of(school_ids: Iterable[str]) -> set[str]:
    """The ids of every priority, of any year, of these schools' improvement plans."""
    found: set[str] = set()
    for school_id in school_ids:
        plan = plan_commands.state(plan_subject(school_id))
        found |= {p.priority_id for year in plan.years.values() for p in year}
    return found


def invitees_or_members(given: list[dict] | None, record: NetworkRecord) -> tuple[Invitee, ...]:
    """The invitees given, or the network's members, all required."""
    if given is None:
        return tuple(Invitee(person_id, True) for person_id in members_of(record))
    return tuple(Invitee(i["person_id"], i["required"]) for i in given)


def warnings(
    when: tuple[date, str, str],
    invitees: Iterable[Invitee],
    network_id: str,
    meeting_id: str | None = None,
) -> tuple[str, ...]:
    """What the finder's re-check finds against a date and times (a closure, a PD day, a
    meeting that shares members): the confirmation stands, and carries them."""
    day, starts, ends = when
    people = [{"person_id": i.person_id, "required": i.required} for i in invitees]
    facts = facts_now(max_age=0.0)  # the head of the log
    return tuple(warnings_in(facts, day, starts, ends, people, meeting_id, network_id))


def series_plan(fields: dict, network_id: str) -> SeriesDates:
    """A series' dates in term time, and those it skips (a closure of a member's school, a
    bank holiday, a PD day) with why, from the facts at the head of the log."""
    facts = facts_now(0)
    first, last = fields["first"], fields["last"]
    network = network_commands.state(network_subject(network_id)).record
    people = [(p, True) for p in members_of(network)] if network else []
    invitees = facts.invitees(people, network_id)
    calendar = facts.calendar(first, last)
    return series_dates(first, last, fields["every_weeks"], fields["weekday"], invitees, calendar)
