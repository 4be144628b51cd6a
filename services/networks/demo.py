"""The demo trust's networks, with the rules of its year: English, maths, PSHE, pastoral
leads and SENCOs at least three times a year; disadvantaged, attendance and data, CPD, and
teaching and learning leads at least twice; the other faculties at least once; the
executive leadership group (ELG) of headteachers every fortnight in term time, led by the
CEO, as a series; the school improvement team once a term; and the CEO's fortnightly
one-to-one with each headteacher, private to the two of them.

Dates follow today: each network met a few weeks ago (a register, minutes and actions, one
of them overdue), ELG met twice lately, and the English network's poll is open now with
some votes in. Everything goes through the networks' own deciders; people, posts, the
trust year and PD days come from the other services' facts in the log (load them first).
Loading again changes nothing (the networks exist: the demo stops there).
"""

from __future__ import annotations

from datetime import date, timedelta

from events.store import EventStore
from services.directory.events import TRUST_SUBJECT
from services.networks import demo_meetings
from services.networks.demo_meetings import Runner, demo_id
from services.networks.domain import (
    Cadence,
    FormNetwork,
    MeetingDecider,
    NetworkDecider,
    NetworkRecord,
    PlanSeries,
    SeriesDecider,
    Skipped,
    TemplateItem,
)
from services.networks.domain import Occurrence as SeriesOccurrence
from services.networks.events import meeting_subject, network_subject, series_subject
from services.networks.facts import Facts, FactsReader
from services.networks.series_dates import series_dates

TEMPLATE = (
    TemplateItem("Welcome and actions from last time", 10),
    TemplateItem("Updates from each school", 30),
    TemplateItem("Focus: what we are improving", 40),
    TemplateItem("Next steps and actions", 10),
)
S, L, P, E = "subject", "leadership", "pastoral", "executive"
Y, T, F = "per_year", "per_term", "fortnightly"
# fmt: off
NETWORKS: tuple[tuple[str, str, str, tuple[str, ...], str, int, str], ...] = (
    # key, name, kind, member posts, cadence rule and count, who facilitates (FACILITATED_BY)
    ("english", "English network", S, ("english_lead",), Y, 3, "english"),
    ("maths", "Maths network", S, ("maths_lead",), Y, 3, "maths"),
    ("pshe", "PSHE network", S, ("pshe_lead",), Y, 3, "pastoral"),
    ("pastoral", "Pastoral leads network", P, ("pastoral_lead",), Y, 3, "pastoral"),
    ("senco", "SENCO network", P, ("senco",), Y, 3, "send"),
    ("disadvantaged", "Disadvantaged leads network", L, ("disadvantaged_lead",), Y, 2, "primary"),
    ("attendance", "Attendance and data network", L, ("attendance_lead", "data_lead"), Y, 2,
     "pastoral"),
    ("cpd", "CPD leads network", L, ("cpd_lead",), Y, 2, "primary"),
    ("tl", "Teaching and learning network", L, ("tl_lead",), Y, 2, "secondary"),
    ("science", "Science network", S, ("science_lead",), Y, 1, "secondary"),
    ("humanities", "Humanities network", S, ("humanities_lead",), Y, 1, "secondary"),
    ("languages", "Languages network", S, ("languages_lead",), Y, 1, "secondary"),
    ("arts", "Arts network", S, ("arts_lead",), Y, 1, "primary"),
    ("pe", "PE network", S, ("pe_lead",), Y, 1, "primary"),
    ("eyfs", "EYFS network", S, ("eyfs_lead",), Y, 1, "primary"),
    ("sit", "School improvement team", L, ("school_improvement_lead",), T, 1, "ceo"),
    ("elg", "Executive leadership group (ELG)", E, ("headteacher",), F, 1, "ceo"),
)
# fmt: on
FACILITATED_BY = {
    "english": "Trust English lead",
    "maths": "Trust maths lead",
    "send": "Trust SEND lead",
    "pastoral": "Trust attendance and pastoral lead",
    "primary": "Director of primary education",
    "secondary": "Director of secondary education",
}
ELG_WEEKDAY, ONE_TO_ONE_WEEKDAY = 1, 3  # Tuesdays and Thursdays
ONE_TO_ONE_TIMES = ("09:00", "09:45", "10:30", "11:15", "13:00", "13:45", "14:30", "15:15")


async def job_titles(store: EventStore) -> dict[str, str]:
    events, _ = await store.load(store.subject(*TRUST_SUBJECT))
    return {
        e.data["person_id"]: e.data["job_title"]
        for e in events
        if e.type in ("PersonJoined", "PersonUpdated", "PersonRejoined")
    }


def holders(facts: Facts, post: str) -> list[str]:
    return sorted(
        p
        for p, posts in facts.directory.posts.items()
        if p in facts.directory.people and any(held == post for held, _ in posts)
    )


def facilitator(facts: Facts, titles: dict[str, str], who: str) -> str | None:
    if who == "ceo":
        return next(iter(holders(facts, "ceo")), None)
    title = FACILITATED_BY.get(who, who)
    leads = holders(facts, "school_improvement_lead")
    return next((p for p in leads if titles.get(p) == title), leads[0] if leads else None)


def records(facts: Facts, titles: dict[str, str]) -> list[NetworkRecord]:
    """Every demo network, with its facilitator and (subject networks) an agenda lead."""
    found = []
    for key, name, kind, posts, rule, count, who in NETWORKS:
        lead = facilitator(facts, titles, who)
        if lead is None:
            continue
        members = [p for post in posts for p in holders(facts, post)]
        agenda_lead = members[0] if kind == "subject" and members else None
        minutes = 120 if kind == "executive" else 90
        found.append(
            NetworkRecord(
                network_id=demo_id("network", key),
                name=name,
                kind=kind,
                facilitator_id=lead,
                cadence=Cadence(rule, count),
                minutes=minutes,
                description=f"The trust's {name.lower()}: it meets {count_words(rule, count)}.",
                member_posts=posts,
                agenda_lead_id=agenda_lead,
                agenda_template=TEMPLATE,
                venue="Trust office, Halifax" if kind != "subject" else "",
            )
        )
    ceo = facilitator(facts, titles, "ceo")
    for head in holders(facts, "headteacher") if ceo else ():
        name = facts.directory.people[head].name
        found.append(
            NetworkRecord(
                network_id=demo_id("one-to-one", head),
                name=f"CEO one-to-one: {name}",
                kind="one_to_one",
                facilitator_id=ceo or "",
                cadence=Cadence("fortnightly", 1),
                minutes=45,
                description="The CEO's fortnightly one-to-one; notes only the two of them read.",
                member_ids=(head,),
                private=True,
                agenda_template=(
                    TemplateItem("How things are", 15),
                    TemplateItem("Priorities", 30),
                ),
            )
        )
    return found


def count_words(rule: str, count: int) -> str:
    if rule == "fortnightly":
        return "every fortnight in term time"
    times = {1: "once", 2: "twice"}.get(count, f"{count} times")
    return f"{times} {'a year' if rule == 'per_year' else 'a term'}"


async def plan_series(
    runner: Runner, facts: Facts, record: NetworkRecord, today: date, weekday: int, starts: str
) -> None:
    """The network's fortnightly series from tomorrow to the end of the year's last term."""
    year = facts.year_of(today)
    first = today + timedelta(days=1)
    last = year.terms[-1].ends if year and year.terms else today + timedelta(days=16 * 7)
    if last <= first:
        return
    invitees = facts.members_of(record.network_id)
    found = series_dates(first, last, 2, weekday, invitees, facts.calendar(first, last))
    ends = demo_meetings.later(starts, record.minutes)
    series_id = demo_id("series", record.network_id)
    occurrences = tuple(
        SeriesOccurrence(demo_id("series", series_id, d.isoformat()), d) for d in found.occurrences
    )
    plan = PlanSeries(
        series_id=series_id,
        network_id=record.network_id,
        title=record.name,
        organiser_id=record.facilitator_id,
        every_weeks=2,
        weekday=weekday,
        starts=starts,
        ends=ends,
        first=first,
        last=last,
        occurrences=occurrences,
        skipped=tuple(Skipped(d, reason) for d, reason in found.skipped),
        venue=record.venue,
    )
    if occurrences:
        await runner.run(SeriesDecider(), series_subject(series_id), plan, f"series-{series_id}")


async def load(store: EventStore, today: date | None = None) -> str:
    """Append the demo trust's networks and their meetings (unless they are there); what
    the log holds of them (the same answer when loaded again)."""
    today = today or demo_meetings.uk_today()
    facts = await FactsReader()(store)
    networks = records(facts, await job_titles(store))
    if demo_id("network", "english") not in facts.networks:
        await append(Runner(store), facts, networks, today)
    return await summary(store, networks)


async def append(runner: Runner, facts: Facts, networks: list[NetworkRecord], today: date) -> None:
    for record in networks:
        form = FormNetwork(record)
        await runner.run(
            NetworkDecider(), network_subject(record.network_id), form, f"form-{record.network_id}"
        )
    facts = await FactsReader()(runner.store)
    for n, record in enumerate(networks):
        if record.kind == "one_to_one":
            slot = ONE_TO_ONE_TIMES[n % len(ONE_TO_ONE_TIMES)]
            await plan_series(runner, facts, record, today, ONE_TO_ONE_WEEKDAY, slot)
            await demo_meetings.hold(runner, facts, record, today, [14], slot)
        elif record.cadence.rule == "fortnightly":
            await plan_series(runner, facts, record, today, ELG_WEEKDAY, "09:30")
            await demo_meetings.hold(runner, facts, record, today, [14, 28], "09:30")
        else:
            held_on = [21 + 7 * (n % 5)]
            await demo_meetings.hold(runner, facts, record, today, held_on, "16:00")
    english = next(r for r in networks if r.network_id == demo_id("network", "english"))
    await demo_meetings.open_poll(runner, facts, english, today)


async def summary(store: EventStore, networks: list[NetworkRecord]) -> str:
    facts = await FactsReader()(store)
    ids = {r.network_id for r in networks} & set(facts.networks)
    held = sum(
        1
        for m in facts.meetings.values()
        if m.network_id in ids and m.series_id is None and m.status == "confirmed"
    )
    planned = 0
    for network_id in ids:
        events, _ = await store.load(store.subject(*series_subject(demo_id("series", network_id))))
        plan = SeriesDecider().fold(events).plan
        planned += len(plan.occurrences) if plan else 0
    english = demo_id("network", "english")
    events, _ = await store.load(store.subject(*meeting_subject(demo_id(english, "poll"))))
    votes = len(MeetingDecider().fold(events).votes)
    return (
        f"{len(ids)} networks, {held} meetings held with registers and minutes,"
        f" {planned} series meetings planned, a poll open with {votes} votes"
    )
