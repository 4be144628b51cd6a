"""The demo trust's directory: seven schools, their staff and the central team.

Loaded through the directory's own commands, each with a fixed idempotency key, so loading
it again changes nothing. Names come from a seeded generator: the same people every time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from events.decider import CommandLoop
from events.envelope import Metadata
from events.identity import SCHOOL_SCOPED_ROLES
from events.store import EventStore
from services.directory import domain
from services.directory.demo_posts import central_posts, school_posts
from services.directory.domain import DirectoryDecider, Person, School, person_id_for
from services.directory.events import TRUST_SUBJECT
from services.directory.posts import TakePost

SCHOOL_NAMESPACE = uuid.UUID("1b8f7d52-3f6e-4f0a-9a51-6c2d0e4b7a33")
TRUST_DOMAIN = "pennine-trust.org.uk"
AS_DEMO = Metadata(actor="demo")


@dataclass(frozen=True)
class DemoSchool:
    name: str
    phase: str
    urn: str
    town: str
    domain: str
    staff: int


SCHOOLS = (
    DemoSchool("Ash Grove Primary", "primary", "143201", "Halifax", "ashgrove.sch.uk", 34),
    DemoSchool("Beech Hill Primary", "primary", "143202", "Huddersfield", "beechhill.sch.uk", 30),
    DemoSchool("Calder Valley Academy", "secondary", "143203", "Hebden Bridge", "cva.sch.uk", 82),
    DemoSchool("Dale Park Academy", "secondary", "143204", "Huddersfield", "dalepark.sch.uk", 76),
    DemoSchool("Elmwood School", "all_through", "143205", "Brighouse", "elmwood.sch.uk", 88),
    DemoSchool("Foxwood School", "special", "143206", "Halifax", "foxwood.sch.uk", 36),
    DemoSchool("Greenside Infants", "primary", "143207", "Todmorden", "greenside.sch.uk", 24),
)


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CENTRAL_TEAM = (
    # name, job title, roles, subjects
    ("Helen Marsh", "Chief executive officer", ("ceo",), ()),
    ("Priya Shah", "CPD manager", ("cpd_manager",), ()),
    ("Tom Reid", "Trust data and systems manager", ("trust_admin",), ()),
    ("Sarah Okafor", "Director of primary education", ("network_lead",), ("Primary",)),
    ("James Whitfield", "Director of secondary education", ("network_lead",), ("Secondary",)),
    ("Nadia Hussain", "Trust English lead", ("network_lead",), ("English",)),
    ("Owen Price", "Trust maths lead", ("network_lead",), ("Maths",)),
    ("Rachel Dunn", "Trust SEND lead", ("network_lead",), ("SEND",)),
    ("Mark Ellis", "Trust attendance and pastoral lead", ("network_lead",), ("Pastoral",)),
    ("Grace Lin", "Trust safeguarding lead", ("network_lead", "session_leader"), ("PSHE",)),
    ("Aisha Begum", "Trust HR manager", (), ()),
    ("Daniel Clarke", "Trust finance director", (), ()),
)

FIRST_NAMES = words(
    "Amelia Olivia Isla Ava Mia Sophie Grace Lily Emily Freya Ella Chloe Ruby Evie Zara Hannah "
    "Aisha Maryam Fatima Priya Niamh Megan Jessica Laura Sarah Rebecca Claire Emma Kate Louise "
    "Oliver George Harry Jack Noah Leo Charlie Jacob Thomas James William Daniel Samuel Adam "
    "Mohammed Yusuf Ibrahim Arjun Rohan Callum Liam Ryan Matthew Andrew David Michael Paul Simon"
)
LAST_NAMES = words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hussain Ali Ahmed Begum "
    "Lewis Harris Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly "
    "Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khalid Mahmood"
)
SECONDARY_SUBJECTS = words(
    "English Maths Science Biology Chemistry Physics History Geography French Spanish Computing "
    "Art Music Drama PE RE Technology Business Psychology Sociology"
)
PRIMARY_PHASES = ("EYFS", "KS1", "KS2")
SUPPORT_JOBS = (
    ("Teaching assistant", ()),
    ("Teaching assistant", ()),
    ("Higher level teaching assistant", ()),
    ("SEND teaching assistant", ("SEND",)),
    ("Learning mentor", ("Pastoral",)),
    ("Pastoral support officer", ("Pastoral",)),
    ("Attendance officer", ("Attendance",)),
    ("Finance officer", ("Finance",)),
    ("HR and admin officer", ("HR",)),
    ("Site manager", ("Site",)),
    ("IT technician", ("IT",)),
    ("Receptionist", ()),
)


def school_id_of(school: DemoSchool) -> str:
    return str(uuid.uuid5(SCHOOL_NAMESPACE, school.urn))


@dataclass(frozen=True)
class DemoStaff:
    person: Person
    roles: tuple[str, ...]


def school_staff(school: DemoSchool, names: Iterator[str]) -> list[DemoStaff]:
    """A school's staff: a headteacher, a deputy who leads CPD, teachers and support staff;
    some teachers lead sessions on the PD days."""
    rng = random.Random(school.urn)
    school_id = school_id_of(school)

    def member(job: str, category: str, subjects: tuple[str, ...], *roles: str) -> DemoStaff:
        name = next(names)
        email = f"{name.lower().replace(' ', '.')}@{school.domain}"
        person = Person(person_id_for(email), name, email, school_id, category, job, subjects)
        return DemoStaff(person, roles)

    staff = [
        member("Headteacher", "leadership", (), "headteacher"),
        member("Deputy headteacher", "leadership", (), "school_cpd_lead"),
        member("SENCO", "leadership", ("SEND",)),
    ]
    teachers = round(school.staff * 0.55)
    for index in range(teachers):
        subjects = _teaching_subjects(school, rng)
        job = f"Teacher of {subjects[0]}" if subjects[0] in SECONDARY_SUBJECTS else "Class teacher"
        leads = ("session_leader",) if index < 3 else ()
        staff.append(member(job, "teaching", subjects, *leads))
    while len(staff) < school.staff:
        job, subjects = rng.choice(SUPPORT_JOBS)
        staff.append(member(job, "support", subjects))
    return staff


def _teaching_subjects(school: DemoSchool, rng: random.Random) -> tuple[str, ...]:
    if school.phase == "secondary":
        return (rng.choice(SECONDARY_SUBJECTS),)
    if school.phase == "all_through" and rng.random() < 0.6:
        return (rng.choice(SECONDARY_SUBJECTS),)
    if school.phase == "special":
        return ("SEND", rng.choice(PRIMARY_PHASES))
    return (rng.choice(PRIMARY_PHASES),)


def unique_names(seed: str) -> Iterator[str]:
    """Distinct full names, in the same order every time."""
    rng = random.Random(seed)
    seen: set[str] = set()
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in seen:
            seen.add(name)
            yield name


def central_team() -> list[DemoStaff]:
    staff = []
    for name, job, roles, subjects in CENTRAL_TEAM:
        email = f"{name.lower().replace(' ', '.')}@{TRUST_DOMAIN}"
        person = Person(person_id_for(email), name, email, None, "central", job, subjects)
        staff.append(DemoStaff(person, roles))
    return staff


async def load(store: EventStore) -> str:
    """Append the demo trust's directory; say what it holds."""
    loop = CommandLoop(store, DirectoryDecider())
    subject = store.subject(*TRUST_SUBJECT)

    async def run(key: str, command: object) -> None:
        await loop.execute(subject, command, f"demo-directory-{key}", AS_DEMO)

    names = unique_names("pennine")
    everyone = central_team()
    for member in everyone:
        await run(f"person-{member.person.email}", domain.AddPerson(member.person))
    posts = central_posts(everyone)
    for school in SCHOOLS:
        record = School(school_id_of(school), school.name, school.phase, school.urn, school.town)
        await run(f"school-{school.urn}", domain.AddSchool(record))
        staff = school_staff(school, names)
        people = [member.person for member in staff]
        await run(f"staff-{school.urn}", domain.ImportStaff(people, frozenset({record.school_id})))
        everyone.extend(staff)
        posts.extend(school_posts(staff, school.phase))
    for member in everyone:
        for role in member.roles:
            school_id = member.person.school_id if role in SCHOOL_SCOPED_ROLES else None
            key = f"role-{member.person.person_id}-{role}"
            await run(key, domain.GrantRole(member.person.person_id, role, school_id))
    for person_id, post in posts:
        await run(f"post-{person_id}-{post}", TakePost(person_id, post))
    return (
        f"{len(SCHOOLS)} schools and {len(everyone)} staff, with their roles and"
        f" {len(posts)} posts, in the directory"
    )
