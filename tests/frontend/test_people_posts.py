"""The people pages show what people do: their posts, in the listing and on their page."""

from __future__ import annotations

from html import unescape

import pytest

from events import Event
from readmodels.directory.posts import person_posts
from services.directory.events import TRUST_SUBJECT
from tests.frontend.test_year import trust
from tests.support.pages import text
from tests.support.trustdays import append
from tests.support.waiting import wait_until

__all__ = ["trust"]
SAM = "7d0e8d2c-0000-7000-8000-000000000005"


@pytest.fixture(scope="module")
def sam(trust, nats) -> str:
    """Sam, of Ash, SENCO and maths lead."""
    stack = trust[0]
    record = {
        "person_id": SAM,
        "name": "Sam Senco",
        "email": "sam.senco@ash.sch.uk",
        "school_id": "ash",
        "category": "leadership",
        "job_title": "Assistant head",
        "subjects": [],
    }
    posts = [
        Event("PostTaken", {"person_id": SAM, "post": post, "school_id": "ash"})
        for post in ("senco", "maths_lead")
    ]
    append(stack.store, nats, TRUST_SUBJECT, Event("PersonJoined", record), *posts)
    assert wait_until(lambda: person_posts(stack.engine, SAM) == ["senco", "maths_lead"])
    return SAM


def test_a_persons_posts_show_in_the_listing_and_on_their_page(trust, sam):
    _, _, head, _ = trust
    listing = unescape(text(head.get("/people?q=sam").get_data(as_text=True)))
    assert "SENCO Maths lead" in listing
    page = unescape(text(head.get(f"/people/{SAM}").get_data(as_text=True)))
    assert "Posts What Sam Senco does" in page and "SENCO Take away SENCO" in page
    assert "School improvement lead" not in page  # a central post: not at a school


def test_a_headteacher_gives_and_takes_away_posts_of_their_schools_people(trust, sam):
    stack, _, head, teacher = trust
    given = head.post(f"/people/{SAM}/posts", data={"post": "english_lead", "key": ""})
    assert given.status_code == 303
    assert "english_lead" in person_posts(stack.engine, SAM)
    gone = head.post(f"/people/{SAM}/posts/maths_lead/remove", data={"key": ""})
    assert gone.status_code == 303
    assert person_posts(stack.engine, SAM) == ["senco", "english_lead"]
    wrong = head.post(f"/people/{SAM}/posts", data={"post": "ceo"})
    assert wrong.status_code == 403
    unknown = head.post(f"/people/{SAM}/posts", data={"post": "wizard"})
    assert unknown.status_code == 422 and "Choose a post" in unknown.get_data(as_text=True)
    assert head.post(f"/people/{SAM}/posts/pe_lead/remove").status_code == 404
    assert teacher.post(f"/people/{SAM}/posts", data={"post": "pe_lead"}).status_code == 403
