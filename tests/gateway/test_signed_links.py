"""Guessing an email's signed links is slowed down: only the links the frontend found forged
(404) count, per address; past the limit that address gets 429 on the signed links alone.
Links that work never count, so a whole school answering from one address is not slowed."""

from __future__ import annotations

import pytest

from services.notifications import unsubscribe
from tests.support.identity import SECRET_KEY


@pytest.fixture
def anonymous(make_gateway, echo):
    """A gateway whose Settings allow 3 forged links a minute (STAFFROOM_SIGNED_LINK_RATE_LIMIT
    is read and checked by events.config.Settings, never by the gateway)."""
    changed = {"signed_link_rate_limit": "3 per minute"}
    return make_gateway(echo=echo[1], settings_changed=changed).test_client()


def test_forged_links_past_the_limit_get_429_and_working_links_do_not_count(anonymous):
    working = f"/notifications/unsubscribe/{unsubscribe.token(SECRET_KEY, 'p1', 'day_reminder')}"
    for _ in range(5):
        assert anonymous.get(working).status_code == 200  # a link that works: not counted
    for path in ("/invitations/forged", "/polls/forged", "/invitations/forged2"):
        assert anonymous.get(path).status_code == 404
    assert anonymous.get("/polls/forged3").status_code == 429
    assert anonymous.get(working).status_code == 429  # this address, the signed links alone
    assert anonymous.get("/sign-in").status_code == 200
    elsewhere = {"REMOTE_ADDR": "10.9.8.7"}
    assert anonymous.get("/invitations/forged", environ_base=elsewhere).status_code == 404
