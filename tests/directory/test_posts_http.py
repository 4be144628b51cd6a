"""Posts through real HTTP: who may set them, the school they are held at, a 422 for a post
held in the wrong place, and the people listing showing them."""

from __future__ import annotations

import pytest

from tests.support.directory import add_person, add_school, as_admin, directory_service
from tests.support.identity import signed, someone


@pytest.fixture(scope="module")
def trust(nats, nats_server):
    with directory_service(nats, nats_server) as (client, _):
        client.ash = add_school(client, name="Ash Grove Primary")
        client.beech = add_school(client, name="Beech Hill Academy")
        client.amy = add_person(client, client.ash, name="Amy Archer")
        client.cat = add_person(client, client.beech, name="Cat Cole")
        client.sil = add_person(client, None, name="Sam Improver", category="central")
        yield client


def posts_of(client, person_id: str) -> list[dict]:
    listed = client.get("/people", headers=as_admin()).json()
    return next(p["posts"] for p in listed if p["person_id"] == person_id)


def test_a_trust_admin_sets_a_post_at_the_persons_school_and_takes_it_away(trust):
    answer = trust.put(f"/people/{trust.amy}/posts/senco", headers=as_admin())
    assert answer.status_code == 200, answer.text
    assert trust.put(f"/people/{trust.amy}/posts/maths_lead", headers=as_admin()).is_success
    assert posts_of(trust, trust.amy) == [
        {"post": "maths_lead", "school_id": trust.ash},
        {"post": "senco", "school_id": trust.ash},
    ]
    assert trust.delete(f"/people/{trust.amy}/posts/maths_lead", headers=as_admin()).is_success
    assert posts_of(trust, trust.amy) == [{"post": "senco", "school_id": trust.ash}]
    again = trust.delete(f"/people/{trust.amy}/posts/maths_lead", headers=as_admin())
    assert again.status_code == 409 and again.json()["error"] == "post_not_held"


def test_a_central_post_is_for_the_central_team(trust):
    assert trust.put(f"/people/{trust.sil}/posts/school_improvement_lead", headers=as_admin())
    wrong = trust.put(f"/people/{trust.cat}/posts/ceo", headers=as_admin())
    assert wrong.status_code == 422 and wrong.json()["error"] == "post_is_central"
    school_post = trust.put(f"/people/{trust.sil}/posts/senco", headers=as_admin())
    assert school_post.status_code == 422 and school_post.json()["error"] == "post_needs_school"
    unknown = trust.put(f"/people/{trust.amy}/posts/wizard", headers=as_admin())
    assert unknown.status_code == 422


def test_a_headteacher_sets_their_own_schools_posts_only(trust):
    head = signed(someone(("headteacher", trust.ash), school_id=trust.ash))
    assert trust.put(f"/people/{trust.amy}/posts/english_lead", headers=head).status_code == 200
    assert trust.put(f"/people/{trust.cat}/posts/english_lead", headers=head).status_code == 403
    assert trust.put(f"/people/{trust.sil}/posts/ceo", headers=head).status_code == 403


def test_staff_set_no_posts_and_an_unknown_person_is_404(trust):
    teacher = signed(someone(school_id=trust.ash))
    assert trust.put(f"/people/{trust.amy}/posts/pe_lead", headers=teacher).status_code == 403
    assert trust.put("/people/nobody/posts/pe_lead", headers=as_admin()).status_code == 404
