"""The people pages show what people do: their posts, in the listing and on their page."""

from __future__ import annotations

from html import unescape

from events import Event
from readmodels.directory.posts import person_posts
from services.directory.events import TRUST_SUBJECT
from tests.frontend.test_year import trust
from tests.support.pages import text
from tests.support.trustdays import append
from tests.support.waiting import wait_until

__all__ = ["trust"]
SAM = "7d0e8d2c-0000-7000-8000-000000000005"


def test_a_persons_posts_show_in_the_listing_and_on_their_page(trust, nats):
    stack, _, head, _ = trust
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
    listing = unescape(text(head.get("/people?q=sam").get_data(as_text=True)))
    assert "SENCO Maths lead" in listing
    page = unescape(text(head.get(f"/people/{SAM}").get_data(as_text=True)))
    assert "Posts SENCO, Maths lead" in page
