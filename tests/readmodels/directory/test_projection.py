"""The directory's read model (frontend/projections.py) against the log it is folded from."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select

from events.decider import CommandLoop
from events.envelope import Batch
from events.projection import apply, rebuild, reset
from readmodels.directory.projection import directory
from readmodels.directory.tables import identity_links, people, role_grants, schools
from services.directory import demo, domain
from services.directory.domain import DirectoryDecider
from services.directory.events import TRUST_SUBJECT


def read_model(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.c))]
            for table in directory.tables
        }


def whole_log(nats, store):
    async def read():
        return [event async for batch in store.read(1) for event in batch.events]

    return nats.run(read())


def by_message(events) -> list[list]:
    """Events grouped by the stream message (one command's events) that holds them."""
    return [list(group) for _, group in groupby(events, key=lambda event: event.seq)]


def test_applied_as_it_came_equals_a_rebuild_and_agrees_with_the_decider(nats, store, engine):
    nats.run(demo.load(store))
    loop = CommandLoop(store, DirectoryDecider())
    subject = store.subject(*TRUST_SUBJECT)
    state = nats.run(loop.load(subject)).state
    leaver, moved, head = sorted(state.people.values(), key=lambda p: p.email)[:3]
    other_school = sorted(state.schools)[0]
    for command in (
        domain.MarkLeft(leaver.person_id),
        domain.UpdatePerson(domain.Person(**{**vars(leaver), "job_title": "Retired"})),
        domain.UpdatePerson(domain.Person(**{**vars(moved), "school_id": other_school})),
        domain.GrantRole(head.person_id, "headteacher", other_school),
        domain.RevokeRole(head.person_id, "headteacher", other_school),
        domain.LinkIdentity(head.person_id, "https://idp", "entra-head"),
    ):
        nats.run(loop.execute(subject, command))

    reset(engine, directory)
    for message in by_message(whole_log(nats, store)):  # one at a time, as the projector may
        apply(engine, directory, Batch.of(message))
    as_it_came = read_model(engine)
    nats.run(rebuild(store, engine, directory))
    assert read_model(engine) == as_it_came

    final = nats.run(loop.load(subject)).state
    rows = {row[0]: row for row in as_it_came[people.name]}
    assert len(as_it_came[schools.name]) == len(final.schools)
    assert set(rows) == set(final.people)
    left = {person_id for person_id, row in rows.items() if row[-1] == "left"}
    assert left == set(final.left) == {leaver.person_id}
    assert len(as_it_came[role_grants.name]) == len(final.roles)
    links = {(row[0], row[1]): row[2] for row in as_it_came[identity_links.name]}
    assert links == final.identities == {("https://idp", "entra-head"): head.person_id}
