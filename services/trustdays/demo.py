"""The demo trust's two PD days (term 2 and term 6), each with a keynote and three breakout
slots of 20 sessions across the communities, through the trust days' own commands; on the
term 2 day, about half the staff have booked (a few popular sessions are full, with
waitlists) and some have said they come, with their dietary needs.

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

DAYS = (
    DayRecord(
        day_id="",
        date=date(2026, 11, 27),
        academic_year="2026-27",
        term=2,
        title="Autumn trust PD day",
        theme="Attendance and belonging",
        venue="Calder Valley Academy, Hebden Bridge",
        opens=datetime(2026, 11, 2, 8, tzinfo=UTC),
        closes=datetime(2026, 11, 26, 17, tzinfo=UTC),
    ),
    DayRecord(
        day_id="",
        date=date(2027, 6, 28),
        academic_year="2026-27",
        term=6,
        title="Summer trust PD day",
        theme="SEND and adaptive teaching",
        venue="Elmwood School, Brighouse",
        opens=datetime(2027, 5, 10, 8, tzinfo=UTC),
        closes=datetime(2027, 6, 21, 17, tzinfo=UTC),
    ),
)
TIMETABLE = (
    ("keynote", "Keynote", "09:00", "09:45"),
    ("breakout", "Breakout 1", "10:00", "11:15"),
    ("breakout", "Breakout 2", "11:30", "12:45"),
    ("breakout", "Breakout 3", "13:30", "14:45"),
)
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
EXTERNAL = ("Dr Sam Rivers (external)", "Jo Patel, Education Endowment Foundation (external)")
BOOKING_SHARE, ATTENDING_SHARE = 0.55, 0.4
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


def sessions_for(day: str, slot: int, leaders: itertools.cycle) -> list[Session]:
    offset = (slot * 7 + (0 if day.endswith("2") else 3)) % len(SESSIONS)
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
            mode="online" if community == "finance_hr" else "in_person",
        )
        for n, (community, title, audience, phase) in enumerate(chosen)
    ]


async def load(store: EventStore) -> str:
    """Plan, fill and publish both PD days, then book the first; say what was loaded."""
    day_loop, slot_loop = CommandLoop(store, DayDecider()), CommandLoop(store, SlotDecider())
    found = await session_leaders(store)
    leaders = itertools.cycle([*found, *(Leader(None, name) for name in EXTERNAL)])
    sessions, booking = 0, 0
    for record in DAYS:
        key = f"{record.academic_year}-term-{record.term}"
        day_id = demo_id(key)
        slots = [
            Slot(demo_id(key, title), kind, title, starts, ends)
            for kind, title, starts, ends in TIMETABLE
        ]
        the_day = store.subject(*day_subject(day_id))
        plan = domain.PlanDay(replace(record, day_id=day_id), slots)
        await day_loop.execute(the_day, plan, f"demo-{key}-plan", AS_DEMO)
        breakouts: dict[str, list[str]] = {}
        for index, slot in enumerate(slots):
            subject = store.subject(*slot_subject(day_id, slot.slot_id))
            in_slot = (
                [keynote(key)] if slot.kind == "keynote" else sessions_for(key, index, leaders)
            )
            for session in in_slot:
                command = domain.AddSession(session)
                await slot_loop.execute(subject, command, f"demo-{session.session_id}", AS_DEMO)
            sessions += len(in_slot)
            if slot.kind == "breakout":
                breakouts[slot.slot_id] = [session.session_id for session in in_slot]
        await day_loop.execute(the_day, domain.PublishDay(), f"demo-{key}-publish", AS_DEMO)
        if record.term == 2:
            booking = await book_places(store, replace(record, day_id=day_id), breakouts)
    return f"{len(DAYS)} PD days with {sessions} sessions; {booking} staff booked on the first"


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
        weights = [8 if n < 3 else 1 for n in range(len(session_ids))]
        for person_id in booking:
            chosen = chooser.choices(session_ids, weights)[0]
            book = domain.Book(person_id, chosen, window)
            await slot_loop.execute(subject, book, f"demo-book-{slot_id}-{person_id}", AS_DEMO)
    window = Window("published", "keynote", record.opens, record.closes, morning)
    for person_id in booking[: int(len(booking) * ATTENDING_SHARE)]:
        subject = store.subject(*attendee_subject(record.day_id, person_id))
        come = domain.ConfirmAttendance(
            record.day_id, person_id, people[person_id], True, chooser.choice(DIETS), window
        )
        await attendee_loop.execute(subject, come, f"demo-attend-{person_id}", AS_DEMO)
    return len(booking)


def keynote(key: str) -> Session:
    return Session(
        session_id=demo_id(key, "keynote"),
        title="Keynote: every day counts",
        description="The CEO and guests open the day.",
        community="whole_staff",
        leader=Leader(None, "Helen Marsh, CEO"),
        room="Main hall",
        capacity=600,
        audience="all",
        phase="all",
        mode="in_person",
    )
