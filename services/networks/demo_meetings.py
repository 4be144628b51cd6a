"""The demo networks' meetings (services/networks/demo.py): meetings held a few weeks ago
with their agenda, register, minutes and actions (one overdue), and the English network's
poll open now with some votes, its dates from the slot finder."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.decider import CommandLoop, CommandRejected, Decider
from events.envelope import Metadata
from events.store import EventStore
from services.networks.domain import (
    AgendaItem,
    CastVote,
    Invitee,
    Mark,
    MeetingDecider,
    NetworkRecord,
    OpenPoll,
    Option,
    RaiseAction,
    RecordMinutes,
    Schedule,
    SetAgenda,
    TakeRegister,
    UpdateAction,
)
from services.networks.domain.common import minutes_of
from services.networks.events import meeting_subject
from services.networks.facts import Facts
from services.networks.finder import Invitee as FinderInvitee
from services.networks.finder import (
    Window,
    day_reasons,
    find_dates,
    hhmm,
    spacing_for,
    suggest_window,
)

DEMO_NAMESPACE = uuid.UUID("0b7d7c1e-6a55-4a8e-9f0e-5f0c2d1e0a15")
AS_DEMO = Metadata(actor="demo")
LONDON = ZoneInfo("Europe/London")
MEETINGS = MeetingDecider()
MINUTES_TEXT = (
    "Each school shared where it is with this year's focus. We agreed what good looks like "
    "by the next meeting and who will bring examples. Actions below."
)


def demo_id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, "/".join(parts)))


class Runner:
    """Runs the demo's commands through the deciders, each keyed once; a refusal (already
    done) is counted and passed over."""

    def __init__(self, store: EventStore):
        self.store = store
        self.loops: dict[str, CommandLoop[Any, Any]] = {}
        self.refused = 0

    async def run(
        self, decider: Decider[Any, Any], tokens: tuple[str, ...], command: object, key: str
    ) -> bool:
        loop = self.loops.setdefault(type(decider).__name__, CommandLoop(self.store, decider))
        try:
            await loop.execute(self.store.subject(*tokens), command, f"demo-{key}", AS_DEMO)
        except CommandRejected:
            self.refused += 1
            return False
        return True


def uk_today() -> date:
    return datetime.now(LONDON).date()


def later(starts: str, minutes: int) -> str:
    return hhmm(min(minutes_of(starts) + minutes, 23 * 60 + 59))


def at(day: date, hhmm_: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm_))


def open_day_before(facts: Facts, record: NetworkRecord, day: date) -> date:
    """`day`, or the nearest school day before it that suits every member's school."""
    members = facts.members_of(record.network_id)
    calendar = facts.calendar(day - timedelta(days=60), day)
    for back in range(60):
        candidate = day - timedelta(days=back)
        if not day_reasons(candidate, members, calendar):
            return candidate
    return day - timedelta(days=(day.weekday() - 4) if day.weekday() > 4 else 0)


async def hold(
    runner: Runner,
    facts: Facts,
    record: NetworkRecord,
    today: date,
    days_ago: Sequence[int],
    starts: str,
) -> int:
    """A meeting of the network on a school day `days_ago` each: booked, held, its agenda,
    register (most present, some apologies), minutes and actions."""
    held = 0
    members = facts.members_of(record.network_id)
    for ago in days_ago:
        day = open_day_before(facts, record, today - timedelta(days=ago))
        meeting_id = demo_id(record.network_id, f"held-{ago}")
        subject = meeting_subject(meeting_id)
        invitees = tuple(Invitee(m.person_id, True) for m in members)
        booked = Schedule(
            meeting_id=meeting_id,
            network_id=record.network_id,
            title=record.name,
            organiser_id=record.facilitator_id,
            date=day,
            starts=starts,
            ends=later(starts, record.minutes),
            invitees=invitees,
            now=at(day - timedelta(days=30), "08:00"),
            venue=record.venue,
        )
        if not await runner.run(MEETINGS, subject, booked, f"{meeting_id}-book"):
            continue
        evening = at(day, "19:00")
        items = tuple(
            AgendaItem(f"item-{n}", t.title, t.minutes)
            for n, t in enumerate(record.agenda_template, 1)
        )
        await runner.run(MEETINGS, subject, SetAgenda(items), f"{meeting_id}-agenda")
        marks = tuple(
            Mark(
                m.person_id,
                ("apologies", "absent")[n % 2] if n % 4 == 3 else "present",
                m.school_id,
            )
            for n, m in enumerate(members)
        )
        register = TakeRegister(marks, frozenset(m.person_id for m in members), evening)
        await runner.run(MEETINGS, subject, register, f"{meeting_id}-register")
        await runner.run(
            MEETINGS, subject, RecordMinutes(MINUTES_TEXT, evening), f"{meeting_id}-minutes"
        )
        await raise_actions(runner, meeting_id, record, members, day, today)
        held += 1
    return held


async def raise_actions(
    runner: Runner,
    meeting_id: str,
    record: NetworkRecord,
    members: Sequence[FinderInvitee],
    day: date,
    today: date,
) -> None:
    """Three actions: one due two weeks after the meeting and still open (overdue by now),
    one done, one due in a few weeks."""
    in_schools = [m for m in members if m.school_id] or list(members)
    if not in_schools:
        return
    subject = meeting_subject(meeting_id)
    plans = (
        ("a1", "Share a worked example with the network", day + timedelta(days=14)),
        ("a2", "Book the venue for next time", day + timedelta(days=7)),
        ("a3", "Bring pupil work to compare", today + timedelta(days=28)),
    )
    for n, (key, text, due) in enumerate(plans):
        owner = in_schools[n % len(in_schools)]
        schools = (owner.school_id,) if owner.school_id else ()
        action_id = demo_id(meeting_id, key)
        command = RaiseAction(action_id, text, owner.person_id, due, schools)
        await runner.run(MEETINGS, subject, command, f"{action_id}-raise")
    done = UpdateAction(demo_id(meeting_id, "a2"), "done", record.facilitator_id, "Booked", True)
    await runner.run(MEETINGS, subject, done, f"{meeting_id}-a2-done")


def poll_options(facts: Facts, record: NetworkRecord, today: date) -> list[Option]:
    """The finder's four best dates in the window the cadence suggests (from a week on)."""
    year = facts.year_of(today)
    held = facts.held(record.network_id, date.min, date.max)
    start = today + timedelta(days=7)
    window = suggest_window(start, record.cadence.rule, record.cadence.count, year, held)
    if (window.last - window.first).days < 14:
        window = Window(window.first, window.first + timedelta(days=42))
    members = facts.members_of(record.network_id)
    proposal = find_dates(
        window,
        record.minutes,
        members,
        facts.calendar(window.first, window.last),
        busy=facts.bookings(),
        held=held,
        spacing=spacing_for(record.cadence.rule, record.cadence.count, year),
    )
    best = sorted(proposal.options[:4], key=lambda o: (o.date, o.starts))
    return [Option(f"o{n}", o.date, o.starts, o.ends) for n, o in enumerate(best, 1)]


async def open_poll(runner: Runner, facts: Facts, record: NetworkRecord, today: date) -> int:
    """The network's next meeting as a poll open now; the first few members have voted."""
    options = poll_options(facts, record, today)
    members = facts.members_of(record.network_id)
    if not options or not members:
        return 0
    meeting_id = demo_id(record.network_id, "poll")
    now = datetime.combine(today, datetime.now(LONDON).time().replace(microsecond=0))
    first = at(options[0].date, options[0].starts)
    deadline = max(
        now + timedelta(hours=2), min(first - timedelta(days=2), now + timedelta(days=7))
    )
    opened = OpenPoll(
        meeting_id=meeting_id,
        network_id=record.network_id,
        title=f"{record.name}: next meeting",
        organiser_id=record.facilitator_id,
        minutes=record.minutes,
        options=tuple(options),
        invitees=tuple(Invitee(m.person_id, True) for m in members),
        deadline=min(deadline, first - timedelta(minutes=1)),
        now=now,
        venue="Moorside Primary, Halifax",
    )
    subject = meeting_subject(meeting_id)
    if not await runner.run(MEETINGS, subject, opened, f"{meeting_id}-open"):
        return 0
    answers = ("yes", "if_need_be", "no")
    votes = 0
    for n, member in enumerate(m for m in members if m.person_id != record.facilitator_id):
        if n >= 3:
            break
        said = {o.option_id: answers[(n + k) % 3] for k, o in enumerate(options)}
        comment = "Any of these after school works for me." if n == 0 else ""
        vote = CastVote(member.person_id, said, member.person_id, now, comment)
        votes += await runner.run(MEETINGS, subject, vote, f"{meeting_id}-vote-{member.person_id}")
    return votes
