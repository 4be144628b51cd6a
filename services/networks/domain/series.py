"""A series of meetings without a poll (fortnightly in term time, say): its dates, those it
skips and why, and whether it has ended. A reaction schedules each occurrence as a meeting
of its own, so one occurrence can be moved or cancelled alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date

from events import Decider, Event
from events.decider import Fact
from services.networks.domain.common import check_times, rejected, unique


@dataclass(frozen=True)
class Occurrence:
    meeting_id: str
    date: date


@dataclass(frozen=True)
class Skipped:
    date: date
    reason: str


@dataclass(frozen=True)
class PlanSeries:
    series_id: str
    network_id: str
    title: str
    organiser_id: str
    every_weeks: int
    weekday: int
    starts: str
    ends: str
    first: date
    last: date
    occurrences: tuple[Occurrence, ...]
    """The dates the series meets (the finder's series dates, read by the API)."""
    skipped: tuple[Skipped, ...] = ()
    venue: str = ""
    join_link: str = ""


@dataclass(frozen=True)
class EndSeries:
    reason: str


@dataclass(frozen=True)
class Series:
    plan: PlanSeries | None = None
    ended: bool = False


class SeriesDecider(Decider[Series, object]):
    def initial_state(self) -> Series:
        return Series()

    def decide(self, command: object, state: Series) -> Sequence[Event]:
        if isinstance(command, PlanSeries):
            if state.plan is not None:
                raise rejected("series_exists", "That series is already planned.")
            _check(command)
            data = asdict(command)
            data["occurrences"] = [asdict(o) for o in command.occurrences]
            data["skipped"] = [asdict(s) for s in command.skipped]
            return [Event("SeriesPlanned", data)]
        if state.plan is None:
            raise rejected("no_such_series", "There is no such series.", 404)
        if state.ended:
            raise rejected("series_ended", "That series has ended.")
        if isinstance(command, EndSeries):
            return [
                Event("SeriesEnded", {"series_id": state.plan.series_id, "reason": command.reason})
            ]
        raise TypeError(f"not a series command: {command!r}")

    def evolve(self, state: Series, event: Fact) -> Series:
        data = event.data
        match event.type:
            case "SeriesPlanned":
                plan = PlanSeries(
                    **{
                        **data,
                        "occurrences": tuple(Occurrence(**o) for o in data["occurrences"]),
                        "skipped": tuple(Skipped(**s) for s in data["skipped"]),
                    }
                )
                return Series(plan)
            case "SeriesEnded":
                return replace(state, ended=True)
        return state


def _check(plan: PlanSeries) -> None:
    check_times(plan.starts, plan.ends)
    if plan.last < plan.first:
        raise rejected("ends_before_it_starts", "A series ends after it starts.", 422)
    if not plan.occurrences:
        raise rejected("no_dates", "No date between those days suits the series.", 422)
    unique([o.meeting_id for o in plan.occurrences], "occurrences_repeat", "Each meeting once.")
    unique([o.date for o in plan.occurrences], "occurrences_repeat", "Each date once.")
    for occurrence in plan.occurrences:
        if not plan.first <= occurrence.date <= plan.last:
            raise rejected("outside_the_series", "Every date is inside the series.", 422)
        if occurrence.date.weekday() != plan.weekday:
            raise rejected("wrong_weekday", "Every date is on the series' weekday.", 422)
