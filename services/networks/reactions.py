"""What the networks do when something happens, run by their reactor process
(`staffroom reactor services.networks.reactions:REACTIONS`).

- A planned series schedules each of its occurrences as a meeting of its own (so one can
  be moved or cancelled alone), inviting the network's members as they are then.
- A dated meeting gets its first agenda: the network's template, then the open actions of
  its earlier meetings (kept only when nobody has set an agenda yet).
- Clash alerts: a school's new closure (an INSET day) or changed terms, a PD day planned
  or moved, another meeting dated for a required member: each confirmed meeting it falls
  on gets ClashFound, the organiser's alert. Which meetings are hit is not in the event's
  own aggregate: these reactions read the service's foreign facts (facts.py,
  `Reaction.facts`) as of the event, and decide from them; the meeting's decider
  keeps one alert per reason.

Each command is keyed by the reaction and the event (events/reactor.py), so a redelivered
event never schedules an occurrence, or raises an alert, twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from events.decider import Decider
from events.envelope import RecordedEvent
from events.reactor import FollowUp, Reaction
from services.networks.domain import (
    AgendaItem,
    FlagClash,
    Invitee,
    MeetingDecider,
    Schedule,
    SeedAgenda,
    day_named,
    wall_clock_at,
)
from services.networks.events import meeting_subject, series_subject
from services.networks.facts import Facts, FactsReader, MeetingFact
from services.networks.finder import clash_reason, closure_reasons
from services.networks.series_end import END_SERIES


def uk_now(event: RecordedEvent) -> datetime:
    """When the event happened on the UK wall clock (the deciders' `now`)."""
    return wall_clock_at(event.occurred_at)


def schedule_occurrences(planned: RecordedEvent, facts: Facts) -> Iterator[FollowUp]:
    """Each occurrence of a planned series as a meeting, with the members invited now and
    what the finder's re-check finds against its date."""
    data = planned.data
    members = facts.members_of(data["network_id"])
    invitees = tuple(Invitee(m.person_id, True) for m in members)
    for occurrence in data["occurrences"]:
        day, meeting_id = occurrence["date"], occurrence["meeting_id"]
        warnings = facts.recheck(day, data["starts"], data["ends"], members, meeting_id)
        yield (
            meeting_subject(meeting_id),
            Schedule(
                meeting_id=meeting_id,
                network_id=data["network_id"],
                title=data["title"],
                organiser_id=data["organiser_id"],
                date=day,
                starts=data["starts"],
                ends=data["ends"],
                invitees=invitees,
                now=uk_now(planned),
                venue=data["venue"],
                join_link=data["join_link"],
                series_id=data["series_id"],
                warnings=tuple(warnings),
            ),
        )


def seed_agenda(dated: RecordedEvent, facts: Facts) -> Iterator[FollowUp]:
    """The network's template, then the open actions of its earlier meetings."""
    meeting = facts.meetings.get(dated.data["meeting_id"])
    if meeting is None or meeting.date is None:
        return
    network = facts.networks.get(meeting.network_id)
    items = [
        AgendaItem(f"item-{n}", title, minutes)
        for n, (title, minutes) in enumerate(network.agenda_template if network else (), 1)
    ]
    for earlier in earlier_meetings(facts, meeting):
        for action_id, text, owner_id in earlier.open_actions():
            title = f"Action: {text}"[:200]
            # the action's own id: a prefix would pass the 36 characters an id may have
            items.append(AgendaItem(action_id, title, 5, owner_id, action_id))
    if items:
        yield meeting_subject(meeting.meeting_id), SeedAgenda(tuple(items))


def earlier_meetings(facts: Facts, meeting: MeetingFact) -> list[MeetingFact]:
    assert meeting.date is not None
    return sorted(
        (
            m
            for m in facts.meetings.values()
            if m.network_id == meeting.network_id
            and m.meeting_id != meeting.meeting_id
            and m.date is not None
            and m.date < meeting.date
            and m.status == "confirmed"
        ),
        key=lambda m: (m.date, m.starts),
    )


def dated_from(facts: Facts, today: date) -> Iterator[MeetingFact]:
    """Confirmed meetings from `today` on."""
    for meeting in facts.meetings.values():
        if meeting.status == "confirmed" and meeting.date is not None and meeting.date >= today:
            yield meeting


def alert_trust_year(changed: RecordedEvent, facts: Facts) -> Iterator[FollowUp]:
    """A school's closure added or its terms changed (or the trust's terms): each meeting
    from today on whose date now shuts the school of someone it invites. A school's event
    re-checks that school only: "INSET day at Oak Primary on Tue 9 March"."""
    school_id = changed.data.get("school_id")
    for meeting in dated_from(facts, uk_now(changed).date()):
        assert meeting.date is not None
        invitees = facts.invitees_of(meeting.meeting_id)
        if school_id is not None:
            invitees = [i for i in invitees if i.school_id == school_id]
        if not invitees:
            continue
        calendar = facts.calendar(meeting.date, meeting.date)
        for reason in closure_reasons(meeting.date, invitees, calendar):
            yield (
                meeting_subject(meeting.meeting_id),
                FlagClash(f"{reason} on {day_named(meeting.date)}"),
            )


def alert_pd_day(planned: RecordedEvent, facts: Facts) -> Iterator[FollowUp]:
    """A PD day planned or moved: every meeting from today on that falls on it."""
    day = planned.data["date"]
    for meeting in dated_from(facts, uk_now(planned).date()):
        if meeting.date == day:
            reason = f"PD day on {day_named(day)}: {planned.data['title']}"
            yield meeting_subject(meeting.meeting_id), FlagClash(reason)


def alert_meetings(dated: RecordedEvent, facts: Facts) -> Iterator[FollowUp]:
    """A meeting dated (confirmed, scheduled or moved): each other meeting at the same time
    that one of its own required invitees is invited to now."""
    new = facts.meetings.get(dated.data["meeting_id"])  # as of this event: dated by it
    if new is None or new.date is None:
        return
    label = facts.label_of(new)
    invited = {p for p, _ in new.invitees}
    for other in dated_from(facts, uk_now(dated).date()):
        if other.meeting_id == new.meeting_id or other.date != new.date:
            continue
        if not (other.starts < new.ends and new.starts < other.ends):
            continue
        shared = [i for i in facts.invitees_of(other.meeting_id) if i.person_id in invited]
        if any(i.required for i in shared):
            when = f"{day_named(new.date)}, {new.starts} to {new.ends}"
            reason = f"{clash_reason(label, shared)} ({when})"
            yield meeting_subject(other.meeting_id), FlagClash(reason)


BY_FACTS: Decider[Any, Any] = MeetingDecider()
"""The `source` of a reaction on facts: its aggregate is not read (Reaction.facts is)."""


def on_facts(
    name: str,
    subject: tuple[str, ...],
    types: set[str],
    react: Callable[[RecordedEvent, Facts], Iterator[FollowUp]],
) -> Reaction[Facts, object]:
    """A reaction deciding on the service's facts, its commands to meetings."""
    return Reaction(
        f"networks_{name}",
        subject,
        frozenset(types),
        BY_FACTS,
        MEETINGS,
        react,
        facts=FactsReader(),  # its own: the facts as of each event it meets, in its order
    )


MEETINGS = MeetingDecider()
DATED = {"MeetingConfirmed", "MeetingScheduled", "MeetingMoved"}
SCHEDULE_SERIES = on_facts(
    "schedule_series", series_subject("*"), {"SeriesPlanned"}, schedule_occurrences
)
SEED_AGENDA = on_facts(
    "seed_agenda", meeting_subject("*"), {"MeetingConfirmed", "MeetingScheduled"}, seed_agenda
)
CLASH_ON_TRUST_YEAR = on_facts(
    "clash_on_trust_year",
    ("trustyear", ">"),
    {"ClosureAdded", "SchoolTermsSet", "YearSet"},
    alert_trust_year,
)
CLASH_ON_PD_DAY = on_facts(
    "clash_on_pd_day", ("trustdays", "day", "*"), {"DayPlanned", "DayUpdated"}, alert_pd_day
)
CLASH_ON_MEETING = on_facts("clash_on_meeting", meeting_subject("*"), DATED, alert_meetings)
REACTIONS: list[Reaction[Any, object]] = [
    SCHEDULE_SERIES,
    SEED_AGENDA,
    CLASH_ON_TRUST_YEAR,
    CLASH_ON_PD_DAY,
    CLASH_ON_MEETING,
    END_SERIES,  # services/networks/series_end.py: an ended series cancels what is to come
]
