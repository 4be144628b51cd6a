"""Reading and driving the frontend's pages as a person does."""

from __future__ import annotations

import re

HTMX = {"HX-Request": "true"}


def text(html: str) -> str:
    """What a person reads: the page without its tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def act(client, day: dict, session_id: str, action: str, headers=HTMX):
    """Book, cancel or move on a session of the day's programme, with a key of its own."""
    url = f"/days/{day['day_id']}/sessions/{session_id}/{action}"
    return client.post(url, data={"key": f"{action}-{session_id}-{id(client)}"}, headers=headers)
