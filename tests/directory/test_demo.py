"""The demo trust's directory, loaded through the real commands into a real log."""

from __future__ import annotations

from collections import Counter

from services.directory import demo
from services.directory.domain import Directory, DirectoryDecider
from services.directory.events import CENTRAL_POSTS, POSTS, TRUST_SUBJECT


def loaded(nats, store) -> Directory:
    events, _ = nats.run(store.load(store.subject(*TRUST_SUBJECT)))
    return DirectoryDecider().fold(events)


def test_the_demo_trust_has_schools_staff_and_someone_for_every_role(nats, store):
    said = nats.run(demo.load(store))
    directory = loaded(nats, store)
    assert len(directory.schools) >= 6
    assert len(directory.people) >= 300
    assert said == (
        f"7 schools and {len(directory.people)} staff, with their roles and"
        f" {len(directory.posts)} posts, in the directory"
    )
    roles = Counter((role, school) for _, role, school in directory.roles)
    for school_id in directory.schools:
        assert roles["headteacher", school_id] == 1
        assert roles["school_cpd_lead", school_id] == 1
    for trust_role in ("ceo", "cpd_manager", "trust_admin"):
        assert roles[trust_role, None] == 1
    assert roles["network_lead", None] >= 6
    assert roles["session_leader", None] >= 20
    categories = Counter(person.category for person in directory.people.values())
    assert categories["teaching"] > categories["support"] > categories["leadership"] > 0


def test_loading_the_demo_again_appends_nothing(nats, store):
    nats.run(demo.load(store))
    before = nats.run(store.last_seq())
    nats.run(demo.load(store))
    assert nats.run(store.last_seq()) == before


def test_every_demo_school_has_each_school_post_and_the_centre_its_leads(nats, store):
    nats.run(demo.load(store))
    directory = loaded(nats, store)
    held = Counter((post, school) for _, post, school in directory.posts)
    for school_id, school in directory.schools.items():
        for post in set(POSTS) - CENTRAL_POSTS:
            if post == "eyfs_lead" and school.phase == "secondary":
                assert held[post, school_id] == 0
            else:
                assert held[post, school_id] >= 1, (post, school.name)
    assert held["ceo", None] == 1
    assert held["school_improvement_lead", None] >= 4
    for person_id, _, school_id in directory.posts:
        assert directory.people[person_id].school_id == school_id
