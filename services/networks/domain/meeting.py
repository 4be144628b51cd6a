"""A meeting and the poll that finds its date, one aggregate: opening the poll, votes,
nudges, closing (at the deadline, when every required invitee has answered, or by the
organiser), confirming a date, scheduling without a poll, moving and cancelling. What
happens at the meeting (agenda, minutes, actions, register) is in `proceedings`.

Every command carries `now`, the UK wall clock (naive), so a command after a poll's
deadline sees the poll closed: it closes it first (PollClosed "deadline")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from events import Decider, Event
from events.decider import Fact
from services.networks.domain import proceedings
from services.networks.domain.common import (
    check_not_past,
    check_times,
    day_named,
    rejected,
    starts_at,
    unique,
)
from services.networks.domain.invitation import AnswerInvitation, answer_invitation
from services.networks.domain.meeting_state import Invitee, Meeting, Option, evolve


@dataclass(frozen=True)
class OpenPoll:
    meeting_id: str
    network_id: str
    title: str
    organiser_id: str
    minutes: int
    options: tuple[Option, ...]
    invitees: tuple[Invitee, ...]
    deadline: datetime
    now: datetime
    venue: str = ""
    join_link: str = ""


@dataclass(frozen=True)
class CastVote:
    person_id: str
    answers: Mapping[str, str]
    recorded_by: str
    now: datetime
    comment: str = ""
    heads_their_school: bool = False
    """Whether `recorded_by` is a headteacher of the person's school (the API knows the
    schools): only then may they answer for someone else."""


@dataclass(frozen=True)
class NudgeVoters:
    by_id: str
    now: datetime
    person_ids: tuple[str, ...] = ()
    """Whom to remind; () for every invitee who has not answered yet."""


@dataclass(frozen=True)
class ClosePoll:
    now: datetime


@dataclass(frozen=True)
class Confirm:
    """Confirm a poll's option (`option_id`), or another date the organiser gives."""

    now: datetime
    option_id: str | None = None
    date: date | None = None
    starts: str | None = None
    ends: str | None = None
    venue: str | None = None
    join_link: str | None = None
    """None: the poll's venue and link."""
    warnings: tuple[str, ...] = ()
    """What the finder's re-check found against the date (the API asks it)."""


@dataclass(frozen=True)
class Schedule:
    """A meeting without a poll: a series occurrence or a direct booking."""

    meeting_id: str
    network_id: str
    title: str
    organiser_id: str
    date: date
    starts: str
    ends: str
    invitees: tuple[Invitee, ...]
    now: datetime
    venue: str = ""
    join_link: str = ""
    series_id: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    date: date
    starts: str
    ends: str
    reason: str
    now: datetime
    venue: str = ""
    join_link: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cancel:
    reason: str
    now: datetime


@dataclass(frozen=True)
class FlagClash:
    """The reactor's alert: something now clashes with the meeting's date."""

    reason: str


class MeetingDecider(Decider[Meeting, object]):
    def initial_state(self) -> Meeting:
        return Meeting()

    def decide(self, command: object, state: Meeting) -> Sequence[Event]:
        if isinstance(command, OpenPoll | Schedule):
            if state.status != "new":
                raise rejected("meeting_exists", "That meeting already exists.")
            return _open(command) if isinstance(command, OpenPoll) else _schedule(command)
        if state.status == "new":
            raise rejected("no_such_meeting", "There is no such meeting.", 404)
        if state.status == "cancelled":
            raise rejected("meeting_cancelled", "That meeting has been cancelled.")
        match command:
            case CastVote() | NudgeVoters() | ClosePoll():
                return _poll(command, state)
            case Confirm():
                return _confirm(command, state)
            case Move() | Cancel():
                return _change(command, state)
            case AnswerInvitation():
                return answer_invitation(command, state)
            case FlagClash(reason):
                if reason in state.clashes:
                    return []
                return [Event("ClashFound", {"meeting_id": state.meeting_id, "reason": reason})]
        return proceedings.decide(command, state)

    def evolve(self, state: Meeting, event: Fact) -> Meeting:
        return evolve(state, event)


def past_deadline(state: Meeting, now: datetime) -> list[Event]:
    """[PollClosed "deadline"] if the poll is open and its deadline has passed, else []."""
    if state.status == "polling" and state.deadline is not None and now >= state.deadline:
        return [_closed(state, "deadline")]
    return []


def _closed(state: Meeting, reason: str) -> Event:
    return Event("PollClosed", {"meeting_id": state.meeting_id, "reason": reason})


def _open(command: OpenPoll) -> list[Event]:
    unique([o.option_id for o in command.options], "options_repeat", "Each option once.")
    unique([(o.date, o.starts) for o in command.options], "options_repeat", "Each date once.")
    unique([i.person_id for i in command.invitees], "invitees_repeat", "Invite each person once.")
    if not command.options:
        raise rejected("no_options", "Offer at least one date.", 422)
    if not any(i.required for i in command.invitees):
        raise rejected("no_required_invitee", "At least one invitee is required.", 422)
    for option in command.options:
        check_times(option.starts, option.ends)
        check_not_past(option.date, option.starts, command.now)
    if command.deadline <= command.now:
        raise rejected("deadline_passed", "The deadline is in the past.", 422)
    first = min(starts_at(o.date, o.starts) for o in command.options)
    if command.deadline > first:
        raise rejected("deadline_after_a_date", "The poll closes before its first date.", 422)
    data = asdict(command)
    del data["now"]
    data["options"] = [asdict(o) for o in command.options]
    data["invitees"] = [asdict(i) for i in command.invitees]
    return [Event("PollOpened", data)]


def _schedule(command: Schedule) -> list[Event]:
    check_times(command.starts, command.ends)
    check_not_past(command.date, command.starts, command.now)
    unique([i.person_id for i in command.invitees], "invitees_repeat", "Invite each person once.")
    data = {**asdict(command), "warnings": list(command.warnings)}
    data["invitees"] = [asdict(i) for i in command.invitees]
    del data["now"]
    return [Event("MeetingScheduled", data)]


def _poll(command: CastVote | NudgeVoters | ClosePoll, state: Meeting) -> list[Event]:
    closing = past_deadline(state, command.now)
    if closing:
        return closing  # the command sees the poll closed: nothing else is done
    if state.status != "polling":
        if isinstance(command, ClosePoll) and state.status == "poll_closed":
            return []
        message = "The poll has closed." if state.status == "poll_closed" else "The date is set."
        raise rejected("poll_closed", message)
    match command:
        case CastVote():
            return _vote(command, state)
        case NudgeVoters(by_id, _, person_ids):
            return _nudge(state, by_id, person_ids)
    return [_closed(state, "organiser")]


def _vote(command: CastVote, state: Meeting) -> list[Event]:
    if command.person_id not in state.invitees:
        raise rejected("not_invited", "Only the people invited answer this poll.", 403)
    if command.recorded_by != command.person_id and not command.heads_their_school:
        message = "Only a headteacher of their school answers for someone else."
        raise rejected("not_theirs_to_answer", message, 403)
    if not command.answers:
        raise rejected("no_answers", "Answer at least one date.", 422)
    if set(command.answers) - set(state.options):
        raise rejected("unknown_option", "That date is not one this poll offers.", 422)
    data = {
        "meeting_id": state.meeting_id,
        "person_id": command.person_id,
        "answers": dict(command.answers),
        "comment": command.comment,
        "recorded_by": command.recorded_by,
    }
    vote = Event("VoteCast", data)
    if evolve(state, vote).all_required_answered():
        return [vote, _closed(state, "all_answered")]
    return [vote]


def _nudge(state: Meeting, by_id: str, person_ids: tuple[str, ...]) -> list[Event]:
    missing = state.missing()
    chosen = [p for p in missing if p in person_ids] if person_ids else missing
    if not chosen:
        raise rejected("nobody_to_nudge", "Everyone you chose has answered.")
    data = {"meeting_id": state.meeting_id, "person_ids": chosen, "by_id": by_id}
    return [Event("VotersNudged", data)]


def _confirm(command: Confirm, state: Meeting) -> list[Event]:
    if state.status == "confirmed":
        assert state.when is not None
        message = f"Someone has already confirmed this meeting, for {day_named(state.when.date)}."
        raise rejected("already_confirmed", message)
    if command.option_id is not None:
        option = state.options.get(command.option_id)
        if option is None:
            raise rejected("unknown_option", "That date is not one this poll offers.", 422)
        day, starts, ends = option.date, option.starts, option.ends
    elif command.date is None or command.starts is None or command.ends is None:
        raise rejected("no_date", "Choose one of the poll's dates or give a date and times.", 422)
    else:
        day, starts, ends = command.date, command.starts, command.ends
    check_times(starts, ends)
    check_not_past(day, starts, command.now)
    closing = past_deadline(state, command.now)
    if state.status == "polling" and not closing:
        closing = [_closed(state, "organiser")]
    venue, join_link = state.place
    data = {
        "meeting_id": state.meeting_id,
        "option_id": command.option_id,
        "date": day,
        "starts": starts,
        "ends": ends,
        "venue": venue if command.venue is None else command.venue,
        "join_link": join_link if command.join_link is None else command.join_link,
        "warnings": list(command.warnings),
    }
    return [*closing, Event("MeetingConfirmed", data)]


def _change(command: Move | Cancel, state: Meeting) -> list[Event]:
    when = state.when
    if when is not None and starts_at(when.date, when.starts) <= command.now:
        raise rejected("already_held", "That meeting has already started.")
    if isinstance(command, Cancel):
        return [
            Event("MeetingCancelled", {"meeting_id": state.meeting_id, "reason": command.reason})
        ]
    if when is None:
        raise rejected("not_dated", "Confirm the meeting's date before moving it.")
    check_times(command.starts, command.ends)
    check_not_past(command.date, command.starts, command.now)
    same = (command.date, command.starts, command.ends, command.venue, command.join_link)
    if same == (when.date, when.starts, when.ends, when.venue, when.join_link):
        return []
    data = {**asdict(command), "meeting_id": state.meeting_id, "warnings": list(command.warnings)}
    del data["now"]
    return [Event("MeetingMoved", data)]
