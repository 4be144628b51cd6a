"""The directory service, as pages call it (see frontend.clients.trustdays)."""

from __future__ import annotations

from frontend.commands import send
from readmodels.directory.projection import directory as projection

SERVICE = "directory"
READ_IN = projection.name
"""The projection whose read model the pages read after a command."""


def new_feed_token(key: str | None) -> None:
    """A new secret address for my calendar feeds: the old one stops working."""
    send(SERVICE, "POST", "/me/feed-token", {}, key, read_in=READ_IN)
