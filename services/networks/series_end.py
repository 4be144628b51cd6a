"""When a series ends, its meetings still to come are cancelled: a reaction to SeriesEnded,
one Cancel a meeting keyed by the event (events/reactor.py), never a loop inside the request
that ended the series. A meeting already started or cancelled refuses (already_held,
meeting_cancelled): the reactor logs that and goes on. Listed in reactions.REACTIONS."""

from __future__ import annotations

from collections.abc import Iterator

from events.envelope import RecordedEvent
from events.reactor import FollowUp, Reaction
from services.networks.domain import Cancel, MeetingDecider, Series, SeriesDecider, wall_clock_at
from services.networks.events import meeting_subject, series_subject


def cancel_to_come(ended: RecordedEvent, series: Series) -> Iterator[FollowUp]:
    """Cancel each occurrence of the series from the day it ended on."""
    if series.plan is None:
        return
    now = wall_clock_at(ended.occurred_at)
    reason = f"The series has ended: {ended.data['reason']}"
    for occurrence in series.plan.occurrences:
        if occurrence.date >= now.date():
            yield meeting_subject(occurrence.meeting_id), Cancel(reason, now)


END_SERIES: Reaction[Series, object] = Reaction(
    "networks_end_series",
    series_subject("*"),
    frozenset({"SeriesEnded"}),
    SeriesDecider(),
    MeetingDecider(),
    cancel_to_come,
)
