"""People in the directory's facts in the log, as the directory records them (what a
service knows of the trust's people), and in its read model, as its projection would
leave them (what the gateway and the pages know)."""

from __future__ import annotations

from collections.abc import Iterable

from nats.js.errors import NotFoundError
from sqlalchemy import Engine, insert

import services.directory.events  # noqa: F401  (registers the directory's event types)
from events.connection import NatsThread
from events.envelope import Event, Metadata, new_id
from events.store import EventStore
from readmodels.directory.tables import people, role_grants, schools
from services.directory.events import TRUST_SUBJECT

"""The directory's one aggregate: every school, person and role of the trust."""


def joined(
    person_id: str,
    name: str = "Grace Hopper",
    email: str | None = None,
    school_id: str | None = "school-a",
) -> Event:
    record = {
        "person_id": person_id,
        "name": name,
        "email": email or f"{person_id}@example.sch.uk",
        "school_id": school_id,
        "category": "teaching",
        "job_title": "Teacher of maths",
        "subjects": ["Maths"],
    }
    return Event("PersonJoined", record)


async def record_facts(store: EventStore, facts: Iterable[Event], per_message: int = 500) -> int:
    """Append directory facts to its subject, as its commands would; the last sequence."""
    subject = store.subject(*TRUST_SUBJECT)
    seq, all_facts = 0, list(facts)
    for start in range(0, len(all_facts), per_message):
        chunk = all_facts[start : start + per_message]
        try:
            last = (await store.js.get_last_msg(store.stream, subject)).seq or 0
        except NotFoundError:
            last = 0
        seq = (await store.append(subject, chunk, last, meta=Metadata(actor="tests"))).seq
    return seq


def join(nats: NatsThread, store: EventStore, *person_ids: str, school_id: str = "school-a") -> int:
    """People who joined the trust (the directory's facts in the log); the last sequence."""
    return nats.run(record_facts(store, (joined(p, school_id=school_id) for p in person_ids)))


def leave(nats: NatsThread, store: EventStore, person_id: str) -> int:
    return nats.run(record_facts(store, [Event("PersonLeft", {"person_id": person_id})]))


def add_school(engine: Engine, school_id: str, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(schools).values(
                school_id=school_id, name=name, phase="primary", urn="100000", town="Leeds"
            )
        )


def enrol(
    engine: Engine,
    email: str,
    *roles: str | tuple[str, str],
    name: str = "Grace Hopper",
    school_id: str | None = "school-a",
    status: str = "active",
    log: tuple[NatsThread, EventStore] | None = None,
) -> str:
    """A person in the directory's read model, as its projection would leave them; with
    `log`, in the directory's facts in the log too, for the services to know them (after
    the row: a running projector then replaces it with the same)."""
    person_id = new_id()
    with engine.begin() as connection:
        connection.execute(
            insert(people).values(
                person_id=person_id,
                name=name,
                email=email,
                email_key=email.lower(),
                school_id=school_id,
                category="teaching",
                job_title="Teacher of maths",
                subjects="Maths",
                status=status,
            )
        )
        for role in roles:
            role_name, school = role if isinstance(role, tuple) else (role, "")
            connection.execute(
                insert(role_grants).values(person_id=person_id, role=role_name, school_id=school)
            )
    if log is not None:
        nats, store = log
        facts = [joined(person_id, name, email, school_id)]
        if status == "left":
            facts.append(Event("PersonLeft", {"person_id": person_id}))
        nats.run(record_facts(store, facts))
    return person_id
