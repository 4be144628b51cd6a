"""Posts in the directory's read model: as the decider holds them after takes, leaves, a
leaver and a move; and the queries the people pages and networks ask."""

from __future__ import annotations

from sqlalchemy import select

from events.decider import CommandLoop
from events.projection import rebuild
from readmodels.directory.posts import holders_of, person_posts, posts_of
from readmodels.directory.projection import directory
from readmodels.directory.tables import directory_posts
from services.directory import demo, domain
from services.directory.domain import DirectoryDecider
from services.directory.events import TRUST_SUBJECT
from services.directory.posts import LeavePost, TakePost


def test_the_posts_read_model_agrees_with_the_decider(nats, store, engine):
    nats.run(demo.load(store))
    loop = CommandLoop(store, DirectoryDecider())
    subject = store.subject(*TRUST_SUBJECT)
    state = nats.run(loop.load(subject)).state
    sencos = sorted(p for p in state.posts if p[1] == "senco")
    leaver, mover = sencos[0][0], sencos[1][0]
    other_school = next(s for s in sorted(state.schools) if s != sencos[1][2])
    moved = domain.Person(**{**vars(state.people[mover]), "school_id": other_school})
    for command in (
        TakePost(leaver, "maths_lead"),
        domain.MarkLeft(leaver),
        domain.UpdatePerson(moved),
        TakePost(mover, "pe_lead"),
        LeavePost(mover, "pe_lead"),
        TakePost(mover, "arts_lead"),
    ):
        nats.run(loop.execute(subject, command))
    nats.run(rebuild(store, engine, directory))

    final = nats.run(loop.load(subject)).state
    with engine.connect() as connection:
        rows = {tuple(row) for row in connection.execute(select(directory_posts))}
    assert rows == set(final.posts)
    assert not any(person_id == leaver for person_id, _, _ in rows)
    assert person_posts(engine, mover) == ["arts_lead"]
    assert posts_of(engine, [mover, leaver]) == {mover: ["Arts lead"]}
    sencos_now = holders_of(engine, ["senco"])
    assert len(sencos_now) == len(state.schools) - 2  # the leaver and the mover were SENCOs
    assert all(row.school for row in sencos_now)
    at_other = holders_of(engine, ["arts_lead"], [other_school])
    assert mover in {row.person_id for row in at_other}
    assert [row.name for row in holders_of(engine, ["ceo"])] == ["Helen Marsh"]
