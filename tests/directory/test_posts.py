"""Posts, given/when/then: held at the holder's own school (or centrally by the central
team), several per person and several holders per post, left on leaving or moving."""

from __future__ import annotations

from dataclasses import replace

import pytest

from events import Event
from services.directory.domain import MarkLeft, UpdatePerson
from services.directory.posts import LeavePost, TakePost
from tests.directory.test_domain import AMY, BEN, trust


def taken(person_id: str, post: str, school_id: str | None) -> Event:
    return Event("PostTaken", {"person_id": person_id, "post": post, "school_id": school_id})


def post_left(person_id: str, post: str, school_id: str | None) -> Event:
    return Event("PostLeft", {"person_id": person_id, "post": post, "school_id": school_id})


def test_a_post_at_a_school_is_held_at_the_persons_own_school():
    trust.when(TakePost("amy", "senco")).then(taken("amy", "senco", "ash"))


def test_a_central_post_is_the_central_teams():
    trust.when(TakePost("ceo", "ceo")).then(taken("ceo", "ceo", None))
    trust.when(TakePost("ceo", "school_improvement_lead")).then(
        taken("ceo", "school_improvement_lead", None)
    )


@pytest.mark.parametrize(
    ("command", "rule", "status"),
    [
        (TakePost("amy", "ceo"), "post_is_central", 422),
        (TakePost("amy", "school_improvement_lead"), "post_is_central", 422),
        (TakePost("ceo", "senco"), "post_needs_school", 422),
        (TakePost("amy", "wizard"), "unknown_post", 422),
        (TakePost("nobody", "senco"), "unknown_person", 404),
        (LeavePost("amy", "senco"), "post_not_held", 409),
        (TakePost("cat", "senco", scope=frozenset({"ash"})), "not_your_school", 403),
    ],
)
def test_a_post_keeps_to_its_rules(command, rule, status):
    trust.when(command).then_rejected(rule, status)


def test_one_person_holds_several_posts_and_a_post_has_several_holders():
    amy_senco = trust.given(taken("amy", "senco", "ash"))
    amy_senco.when(TakePost("amy", "maths_lead")).then(taken("amy", "maths_lead", "ash"))
    amy_senco.when(TakePost("ben", "senco")).then(taken("ben", "senco", "ash"))
    amy_senco.when(TakePost("amy", "senco")).then()
    amy_senco.when(LeavePost("amy", "senco")).then(post_left("amy", "senco", "ash"))


def test_a_school_keeper_sets_their_own_schools_posts():
    trust.when(TakePost("amy", "senco", scope=frozenset({"ash"}))).then(
        taken("amy", "senco", "ash")
    )


def test_a_leaver_holds_no_post_and_takes_none():
    was_senco = trust.given(taken("amy", "senco", "ash"))
    was_senco.when(MarkLeft("amy")).then(Event("PersonLeft", {"person_id": "amy"}))
    gone = was_senco.given(Event("PersonLeft", {"person_id": "amy"}))
    gone.when(LeavePost("amy", "senco")).then_rejected("post_not_held")
    gone.when(TakePost("amy", "senco")).then_rejected("person_left")


def test_moving_school_leaves_the_posts_held_at_the_old_one():
    posts = trust.given(taken("amy", "senco", "ash"), taken("ben", "senco", "ash"))
    moved = replace(AMY, school_id="beech")
    events = posts.when(UpdatePerson(moved)).then_matching(
        Event("PersonUpdated", {"person_id": "amy", "school_id": "beech"}),
        post_left("amy", "senco", "ash"),
    )
    assert len(events) == 2
    posts.when(UpdatePerson(replace(BEN, job_title="HLTA"))).then_matching(
        Event("PersonUpdated", {"person_id": "ben"})
    )
