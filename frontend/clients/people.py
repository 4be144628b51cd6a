"""The trust days service, as the people pages call it for someone else (the CPD manager):
whether a person is expected on a PD day. Booking, moving and cancelling for them are
frontend.clients.trustdays' `place` and `cancel`."""

from __future__ import annotations

from urllib.parse import quote

from frontend.commands import send
from readmodels.trustdays.projection import trustdays as projection

SERVICE = "trustdays"
READ_IN = projection.name
"""The projection whose read model the pages read after a command."""


def set_exempt(day_id: str, person_id: str, exempt: bool, reason: str, key: str | None) -> None:
    """Mark the person as not expected to book the day (part-time, not working that day...),
    with the reason, or as expected again."""
    path = f"/days/{quote(day_id, safe='')}/exemptions/{quote(person_id, safe='')}"
    send(SERVICE, "PUT", path, {"exempt": exempt, "reason": reason}, key, read_in=READ_IN)
