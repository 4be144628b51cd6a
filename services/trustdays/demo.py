"""The demo trust's three PD days, dated from today so a newcomer always sees each stage:
one a few weeks ago (booked, every session's register taken, so CPD hours are earned), one
open for booking now (about half the staff booked, a few popular sessions full with
waitlists, some saying they come with their dietary needs) and one coming (published,
booking opens later). Each has a keynote and three breakout slots of 20 sessions across the
communities, all through the trust days' own commands. Term numbers follow the dates.

Session leaders come from the directory's facts in the log (load the directory first).
Fixed ids and idempotency keys: loading again changes nothing.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from events.decider import CommandLoop
from events.envelope import Metadata
from events.store import EventStore
from services.directory.events import TRUST_SUBJECT
from services.trustdays import domain
from services.trustdays.domain import (
    AttendeeDecider,
    DayDecider,
    DayRecord,
    Leader,
    Session,
    Slot,
    SlotDecider,
    Window,
)
from services.trustdays.events import attendee_subject, day_subject, slot_subject

DEMO_NAMESPACE = uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7")
AS_DEMO = Metadata(actor="demo")

THEMES = (
    ("Attendance and belonging", "Calder Valley Academy, Hebden Bridge"),
    ("Curriculum that builds knowledge", "Moorside Primary, Halifax"),
    ("SEND and adaptive teaching", "Elmwood School, Brighouse"),
)
SEASONS = {1: "Autumn", 2: "Autumn", 3: "Spring", 4: "Spring", 5: "Summer", 6: "Summer"}
ROLES = ("past", "open", "coming")
"""The demo's three days, relative to today: one a few weeks ago (registers taken), one
open for booking now, one coming (booking opens later)."""


def term_of(day: date) -> tuple[str, int]:
    """The academic year and term (of six) a date falls in: terms 1-2 Sep-Dec, 3-4 Jan-Mar,
    5-6 Apr-Aug (a date in the summer holiday counts as term 6)."""
    first = day.year if day.month >= 9 else day.year - 1
    term = {9: 1, 10: 1, 11: 2, 12: 2, 1: 3, 2: 3, 3: 4}.get(day.month, 5 if day.month < 6 else 6)
    return f"{first}-{str(first + 1)[2:]}", term


def weekday(day: date) -> date:
    """The day itself, or the Friday before if it falls at a weekend (PD days are weekdays)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def days(today: date) -> dict[str, DayRecord]:
    """The three demo days for today's date, each with its booking window."""
    past, open_, coming = (
        weekday(today - timedelta(days=21)),
        weekday(today + timedelta(days=14)),
        weekday(today + timedelta(days=63)),
    )
    windows = {
        "past": (past, at(past - timedelta(days=28), 8)),
        "open": (open_, at(today - timedelta(days=7), 8)),
        "coming": (coming, at(today + timedelta(days=28), 8)),
    }
    records = {}
    for n, (role, (day, opens)) in enumerate(windows.items()):
        year, term = term_of(day)
        theme, venue = THEMES[n]
        records[role] = DayRecord(
            day_id=demo_id("day", day.isoformat()),
            date=day,
            academic_year=year,
            term=term,
            title=f"{SEASONS[term]} trust PD day",
            theme=theme,
            venue=venue,
            opens=opens,
            closes=at(day - timedelta(days=1), 17),
        )
    return records


TIMETABLE = (
    ("keynote", "Keynote", "09:00", "09:45"),
    ("breakout", "Breakout 1", "10:00", "11:15"),
    ("breakout", "Breakout 2", "11:30", "12:45"),
    ("breakout", "Breakout 3", "13:30", "14:45"),
)
"""Each slot's kind, name (its id comes from it), start and end; the keynote's own title
and speaker are the day's, in KEYNOTES."""
KEYNOTES = (
    ("Every day counts", "Helen Marsh, CEO"),
    ("Knowledge that lasts", "Prof. Daniel Okoro, University of Leeds"),
    ("Every learner, every lesson", "Dr Amara Singh, National SEND adviser"),
)
"""Each day's keynote: its title and speaker, in the order of THEMES."""
# community, title, audience, phase
SESSIONS = (
    ("leadership", "Leading change that sticks", "teaching", "all"),
    ("primary_english", "Early reading: closing the gap in phonics", "teaching", "primary"),
    ("primary_maths", "Mastery maths: fluency without fatigue", "teaching", "primary"),
    ("eyfs", "Communication-rich EYFS environments", "all", "primary"),
    ("secondary_english", "Disciplinary reading across KS3", "teaching", "secondary"),
    ("secondary_maths", "Retrieval practice in maths", "teaching", "secondary"),
    ("secondary_science", "Practical science that builds knowledge", "teaching", "secondary"),
    ("secondary_humanities", "Writing like a historian or geographer", "teaching", "secondary"),
    ("secondary_languages", "Phonics in modern languages", "teaching", "secondary"),
    ("secondary_arts", "Sequencing the arts curriculum", "teaching", "secondary"),
    ("pe", "Inclusive PE for every pupil", "teaching", "all"),
    ("send", "Adaptive teaching: one lesson, every learner", "all", "all"),
    ("send", "Writing useful SEND support plans", "all", "all"),
    ("pastoral", "Restorative conversations that work", "all", "all"),
    ("pastoral", "Attendance: the first day of absence", "all", "all"),
    ("teaching_assistants", "Making the most of TAs in the classroom", "support", "all"),
    ("teaching_assistants", "Scaffolding without over-helping", "support", "all"),
    ("finance_hr", "Budget monitoring for school business staff", "support", "all"),
    ("it_site", "Keeping school systems safe and simple", "support", "all"),
    ("early_career", "Behaviour routines for early career teachers", "teaching", "all"),
    ("safeguarding", "Safeguarding update: online harms", "all", "all"),
    ("whole_staff", "Looking after your own wellbeing", "all", "all"),
)
PER_SLOT = 20
ROOMS = ("Main hall", "Library", *(f"Room {block}{n}" for block in "ABC" for n in range(1, 7)))
EXTERNAL = (
    Leader(None, "Dr Sam Rivers", "Educational psychologist; twenty years in Calderdale schools."),
    Leader(None, "Jo Patel", "Research school lead at the Education Endowment Foundation."),
)
"""External facilitators, each with a short bio."""
MEET = "https://meet.example.org/staffroom-"
ONLINE = {"finance_hr": "online"}
"""The communities whose sessions are online, with a link to join."""
BOOKING_SHARE, ATTENDING_SHARE = 0.55, 0.4
MARK_SHARES, MARK_WEIGHTS = ("present", "late", "absent", "excused"), (80, 7, 8, 5)
DIETS = ("", "", "", "", "Vegetarian", "Vegan", "Gluten free", "Halal", "Nut allergy")


def demo_id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, "/".join(parts)))


async def staff(store: EventStore) -> dict[str, str | None]:
    """Everyone who joined, with their school, from the directory's facts in the log."""
    events, _ = await store.load(store.subject(*TRUST_SUBJECT))
    return {e.data["person_id"]: e.data["school_id"] for e in events if e.type == "PersonJoined"}


async def session_leaders(store: EventStore) -> list[Leader]:
    """Session leaders from the directory's facts, as the log holds them."""
    events, _ = await store.load(store.subject(*TRUST_SUBJECT))
    names = {e.data["person_id"]: e.data["name"] for e in events if e.type == "PersonJoined"}
    leading = [
        e.data["person_id"]
        for e in events
        if e.type == "RoleGranted" and e.data["role"] == "session_leader"
    ]
    return [Leader(person_id, names[person_id]) for person_id in leading if person_id in names]


def sessions_for(day: str, slot: int, variant: int, leaders: itertools.cycle) -> list[Session]:
    offset = (slot * 7 + variant * 3) % len(SESSIONS)
    chosen = [SESSIONS[(offset + n) % len(SESSIONS)] for n in range(PER_SLOT)]
    return [
        Session(
            session_id=demo_id(day, str(slot), title),
            title=title,
            description=f"A practical session for {audience} staff: {title.lower()}.",
            community=community,
            leader=next(leaders),
            room=ROOMS[n % len(ROOMS)],
            capacity=40 if ROOMS[n % len(ROOMS)] in ("Main hall", "Library") else 25,
            audience=audience,
            phase=phase,
            mode=ONLINE.get(community, "in_person"),
            join_link=f"{MEET}{demo_id(day, str(slot), title)[:8]}" if community in ONLINE else "",
        )
        for n, (community, title, audience, phase) in enumerate(chosen)
    ]


async def load(store: EventStore, today: date | None = None) -> str:
    """Plan, fill and publish the three PD days around today (the machine's date), book the
    past and the open one, and take the past day's registers; say what was loaded."""
    today = today or date.today()
    sessions, booking = 0, 0
    for variant, (role, record) in enumerate(days(today).items()):
        slots, in_slots = await plan_day(store, record, variant)
        sessions += sum(len(ids) for ids in in_slots.values())
        if role == "coming":
            continue
        breakouts = {
            slot.slot_id: in_slots[slot.slot_id] for slot in slots if slot.kind == "breakout"
        }
        booked = await book_places(store, record, breakouts)
        if role == "open":
            booking = booked
        else:
            await take_registers(store, record, slots, in_slots, today)
    return f"3 PD days with {sessions} sessions; {booking} staff booked on the open one"


def timetable(key: str, variant: int) -> list[Slot]:
    """The day's slots: the keynote with the day's own title and speaker, then breakouts."""
    title, speaker = KEYNOTES[variant % len(KEYNOTES)]
    keynote = {"title": title, "speaker": speaker}
    return [
        replace(Slot(demo_id(key, name), kind, name, starts, ends), **keynote)
        if kind == "keynote"
        else Slot(demo_id(key, name), kind, name, starts, ends)
        for kind, name, starts, ends in TIMETABLE
    ]


async def plan_day(
    store: EventStore, record: DayRecord, variant: int
) -> tuple[list[Slot], dict[str, list[str]]]:
    """Plan the day with its timetable and sessions, and publish it; its slots and the
    sessions in each."""
    day_loop, slot_loop = CommandLoop(store, DayDecider()), CommandLoop(store, SlotDecider())
    found = await session_leaders(store)
    leaders = itertools.cycle([*found, *EXTERNAL])
    key = record.day_id
    slots = timetable(key, variant)
    the_day = store.subject(*day_subject(key))
    await day_loop.execute(the_day, domain.PlanDay(record, slots), f"demo-{key}-plan", AS_DEMO)
    in_slots: dict[str, list[str]] = {}
    for index, slot in enumerate(slots):
        subject = store.subject(*slot_subject(key, slot.slot_id))
        in_slot = (
            [keynote(key, slot)]
            if slot.kind == "keynote"
            else sessions_for(key, index, variant, leaders)
        )
        for session in in_slot:
            command = domain.AddSession(session)
            await slot_loop.execute(subject, command, f"demo-{session.session_id}", AS_DEMO)
        in_slots[slot.slot_id] = [session.session_id for session in in_slot]
    staffed = frozenset(slot.slot_id for slot in slots if slot.kind == "breakout")
    publish = domain.PublishDay(staffed)
    await day_loop.execute(the_day, publish, f"demo-{key}-publish", AS_DEMO)
    return slots, in_slots


async def book_places(store: EventStore, record: DayRecord, breakouts: dict[str, list[str]]) -> int:
    """About half the staff book a session in each breakout slot on the morning booking
    opens (the first sessions of each slot most wanted, so some fill and have waitlists);
    some say they come, with dietary needs. The same choices every time (a fixed seed)."""
    slot_loop = CommandLoop(store, SlotDecider())
    attendee_loop = CommandLoop(store, AttendeeDecider())
    people = await staff(store)
    chooser = random.Random(2026)
    booking = sorted(chooser.sample(sorted(people), int(len(people) * BOOKING_SHARE)))
    morning = record.opens + timedelta(hours=1)
    for slot_id, session_ids in breakouts.items():
        window = Window("published", "breakout", record.opens, record.closes, morning)
        subject = store.subject(*slot_subject(record.day_id, slot_id))
        leaders = SlotDecider().fold((await store.load(subject))[0]).leaders()
        weights = [8 if n < 3 else 1 for n in range(len(session_ids))]
        for person_id in (p for p in booking if p not in leaders):  # leaders are taken
            chosen = chooser.choices(session_ids, weights)[0]
            book = domain.Book(person_id, chosen, window)
            await slot_loop.execute(subject, book, f"demo-book-{slot_id}-{person_id}", AS_DEMO)
    window = Window("published", "keynote", record.opens, record.closes, morning)
    for person_id in booking[: int(len(booking) * ATTENDING_SHARE)]:
        subject = store.subject(*attendee_subject(record.day_id, person_id))
        come = domain.ConfirmAttendance(
            record.day_id, person_id, people[person_id], True, chooser.choice(DIETS), window
        )
        key = f"demo-attend-{record.day_id}-{person_id}"
        await attendee_loop.execute(subject, come, key, AS_DEMO)
    return len(booking)


async def take_registers(
    store: EventStore,
    record: DayRecord,
    slots: list[Slot],
    in_slots: dict[str, list[str]],
    today: date,
) -> None:
    """Each breakout session's register, marked as its leader would after the day: most
    present, some late, absent or excused, and a few walk-ins (staff who had not booked);
    the keynote's register has everyone who came to a breakout, as walk-ins (no booking)."""
    slot_loop = CommandLoop(store, SlotDecider())
    people = sorted(await staff(store))
    chooser = random.Random(2027)
    came: set[str] = set()
    for slot in (slot for slot in slots if slot.kind == "breakout"):
        subject = store.subject(*slot_subject(record.day_id, slot.slot_id))
        state = SlotDecider().fold((await store.load(subject))[0])
        marks = [
            (person_id, session_id, chooser.choices(MARK_SHARES, MARK_WEIGHTS)[0], False)
            for person_id, session_id in sorted(state.holder.items())
        ]
        free = [p for p in people if p not in state.holder and p not in state.leaders()]
        walk_ins = free[:: len(people) // 6]
        sessions = in_slots[slot.slot_id]
        marks += [(p, chooser.choice(sessions), "present", True) for p in walk_ins]
        for person_id, session_id, mark, walk_in in marks:
            command = domain.MarkAttendance(
                person_id, session_id, mark, slot.minutes, record.date, today, walk_in
            )
            key = f"demo-mark-{slot.slot_id}-{person_id}"
            await slot_loop.execute(subject, command, key, AS_DEMO)
            if mark in ("present", "late"):
                came.add(person_id)
    keynote_slot = next(slot for slot in slots if slot.kind == "keynote")
    subject = store.subject(*slot_subject(record.day_id, keynote_slot.slot_id))
    (session_id,) = in_slots[keynote_slot.slot_id]
    for person_id in sorted(came):
        command = domain.MarkAttendance(
            person_id, session_id, "present", keynote_slot.minutes, record.date, today, True
        )
        key = f"demo-mark-{keynote_slot.slot_id}-{person_id}"
        await slot_loop.execute(subject, command, key, AS_DEMO)


def keynote(key: str, slot: Slot) -> Session:
    """The keynote's one session (its register): the slot's title, led by its speaker."""
    return Session(
        session_id=demo_id(key, "keynote"),
        title=slot.title,
        description=f"{slot.speaker} opens the day.",
        community="whole_staff",
        leader=Leader(None, slot.speaker),
        room="Main hall",
        capacity=600,
        audience="all",
        phase="all",
        mode="in_person",
    )
