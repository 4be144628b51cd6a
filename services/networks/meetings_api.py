"""The networks' HTTP API for a meeting and the poll that finds its date: open a poll or book
a meeting, vote, nudge, close, confirm, move, cancel; its agenda, minutes, actions and
register. Enforces access.py's rules; every command carries the UK wall clock now."""

from __future__ import annotations

from datetime import date

from flask import Response
from flask_smorest import abort
from werkzeug.exceptions import NotFound

from events import CommandRejected
from events.decider import Outcome
from events.made_ids import made_id
from events.openapi import Blueprint
from events.service import Accepted, accepted, identity, require
from services.networks import domain
from services.networks.access import answers_for, changes_action
from services.networks.domain import AgendaItem, Mark, Meeting, Option
from services.networks.lookups import (
    invitees_or_members,
    may_organise,
    meeting_commands,
    meeting_i_run,
    meeting_subject,
    members,
    not_in_the_trust,
    open_network,
    priorities_of,
    runs,
    school_of,
    the_meeting,
    wall_clock,
    warnings,
)
from services.networks.schemas import (
    ActionIn,
    ActionStatusIn,
    AgendaIn,
    ConfirmIn,
    Dated,
    MeetingIn,
    MinutesIn,
    MoveIn,
    NudgeIn,
    PollIn,
    PollOut,
    ReasonIn,
    RegisterIn,
    VoteIn,
)

blp = Blueprint("meetings", __name__, description="Date polls and meetings of networks.")


def _execute(meeting_id: str, command: object, status: int = 200, **body: object) -> Response:
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return accepted(outcome, status, id=meeting_id, **body)


def _people_in_the_trust(person_ids: list[str], field: str) -> None:
    strangers = not_in_the_trust(person_ids)
    if strangers:
        abort(422, messages={"json": {field: [f"Nobody in the trust is {strangers[0]}."]}})


@blp.post("/networks/<network_id>/polls")
@blp.arguments(PollIn)
@blp.response(201, Accepted)
def open_poll(fields: dict, network_id: str) -> Response:
    """Open a date poll for a meeting of the network (its organisers). Its options are what
    the finder proposed (GET /networks/<id>/finder) or any others."""
    record = open_network(network_id)
    may_organise(record)
    invitees = invitees_or_members(fields["invitees"], record)
    _people_in_the_trust([i.person_id for i in invitees], "invitees")
    meeting_id = made_id("meeting")
    options = tuple(
        Option(made_id(f"option:{n}", meeting_id), o["date"], o["starts"], o["ends"])
        for n, o in enumerate(fields["options"])
    )
    command = domain.OpenPoll(
        meeting_id=meeting_id,
        network_id=network_id,
        title=fields["title"],
        organiser_id=identity().person_id,
        minutes=fields["minutes"],
        options=options,
        invitees=invitees,
        deadline=fields["deadline"],
        now=wall_clock(),
        venue=fields["venue"],
        join_link=fields["join_link"],
    )
    return _execute(meeting_id, command, 201)


@blp.post("/networks/<network_id>/meetings")
@blp.arguments(MeetingIn)
@blp.response(201, Dated)
def book_meeting(fields: dict, network_id: str) -> Response:
    """Book a meeting of the network on a date, without a poll (its organisers); the answer
    carries what clashes with the date (the meeting is booked all the same)."""
    record = open_network(network_id)
    may_organise(record)
    invitees = invitees_or_members(fields.pop("invitees"), record)
    _people_in_the_trust([i.person_id for i in invitees], "invitees")
    meeting_id = made_id("meeting")
    when = (fields["date"], fields["starts"], fields["ends"])
    found = warnings(when, invitees, network_id)
    command = domain.Schedule(
        meeting_id=meeting_id,
        network_id=network_id,
        organiser_id=identity().person_id,
        invitees=invitees,
        now=wall_clock(),
        warnings=found,
        **fields,
    )
    return _execute(meeting_id, command, 201, warnings=list(found))


@blp.get("/meetings/<meeting_id>/poll")
@blp.response(200, PollOut)
def poll(meeting_id: str) -> dict:
    """The poll as the log has it now: its status, dates, invitees and who has not answered
    (the pages read the read model; this is for clients that act next)."""
    meeting, _ = the_meeting(meeting_id)
    invitees = [
        {
            "person_id": i.person_id,
            "required": i.required,
            "answered": meeting.answered(i.person_id),
        }
        for i in meeting.invitees.values()
    ]
    return {
        "meeting_id": meeting.meeting_id,
        "network_id": meeting.network_id,
        "status": meeting.status,
        "deadline": meeting.deadline,
        "options": list(meeting.options.values()),
        "invitees": invitees,
        "missing": meeting.missing(),
    }


@blp.post("/meetings/<meeting_id>/votes")
@blp.arguments(VoteIn)
@blp.response(200, Accepted)
def vote(body: dict, meeting_id: str) -> Response:
    """Answer the poll: yes, if need be or no for each date (a date left out is not
    answered, never "no"); a later vote replaces an earlier one. A headteacher may answer for
    an absent colleague of their school (the vote records who cast it). 409 poll_closed once
    the poll has closed (at its deadline, when all required invitees have answered, or by
    the organiser)."""
    the_meeting(meeting_id)
    me = identity()
    person_id = body["person_id"] or me.person_id
    school_id = school_of(person_id) if person_id != me.person_id else me.school_id
    require(answers_for(me, person_id, school_id), "You answer for yourself only.")
    command = domain.CastVote(
        person_id=person_id,
        answers=body["answers"],
        recorded_by=me.person_id,
        now=wall_clock(),
        comment=body["comment"],
        heads_their_school=person_id != me.person_id,
    )
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return _done_unless_closed(outcome, "VoteCast", meeting_id)


def _done_unless_closed(outcome: Outcome, wanted: str, meeting_id: str) -> Response:
    """A command that found the poll past its deadline closed it and did nothing more."""
    if outcome.events and wanted not in [e.type for e in outcome.events]:
        raise CommandRejected("poll_closed", "The poll closed at its deadline.", 409)
    return accepted(outcome, id=meeting_id)


@blp.post("/meetings/<meeting_id>/nudges")
@blp.arguments(NudgeIn)
@blp.response(200, Accepted)
def nudge(body: dict, meeting_id: str) -> Response:
    """Remind invitees who have not answered (the meeting's organisers): everyone missing,
    or those named."""
    meeting_i_run(meeting_id)
    command = domain.NudgeVoters(identity().person_id, wall_clock(), tuple(body["person_ids"]))
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return _done_unless_closed(outcome, "VotersNudged", meeting_id)


@blp.post("/meetings/<meeting_id>/close")
@blp.response(200, Accepted)
def close_poll(meeting_id: str) -> Response:
    """Close the poll before its deadline (the meeting's organisers)."""
    meeting_i_run(meeting_id)
    return _execute(meeting_id, domain.ClosePoll(wall_clock()))


@blp.post("/meetings/<meeting_id>/confirm")
@blp.arguments(ConfirmIn)
@blp.response(200, Dated)
def confirm(body: dict, meeting_id: str) -> Response:
    """Confirm the meeting's date: one of the poll's options or another (the meeting's
    organisers). The date is checked again against every exclusion (closures, PD days,
    meetings sharing members); what clashes is a warning, kept on the meeting. Confirming
    closes an open poll; 409 already_confirmed if someone confirmed it first."""
    meeting, _ = meeting_i_run(meeting_id)
    when = _chosen(meeting, body)
    found = (
        warnings(when, meeting.invitees.values(), meeting.network_id, meeting_id) if when else ()
    )
    command = domain.Confirm(now=wall_clock(), warnings=found, **body)
    return _execute(meeting_id, command, warnings=list(found))


def _chosen(meeting: Meeting, body: dict) -> tuple[date, str, str] | None:
    """The date and times to confirm; None for an option the poll has not (refused next)."""
    if body["option_id"] is None:
        return body["date"], body["starts"], body["ends"]
    option = meeting.options.get(body["option_id"])
    return (option.date, option.starts, option.ends) if option else None


@blp.post("/meetings/<meeting_id>/move")
@blp.arguments(MoveIn)
@blp.response(200, Dated)
def move(body: dict, meeting_id: str) -> Response:
    """Move a dated meeting (one occurrence of a series alone), with a reason; the new date
    is checked like a confirmation's."""
    meeting, _ = meeting_i_run(meeting_id)
    when = (body["date"], body["starts"], body["ends"])
    found = warnings(when, meeting.invitees.values(), meeting.network_id, meeting_id)
    command = domain.Move(now=wall_clock(), warnings=found, **body)
    return _execute(meeting_id, command, warnings=list(found))


@blp.post("/meetings/<meeting_id>/cancel")
@blp.arguments(ReasonIn)
@blp.response(200, Accepted)
def cancel(body: dict, meeting_id: str) -> Response:
    """Cancel a meeting or its poll (the meeting's organisers), before it starts."""
    meeting_i_run(meeting_id)
    return _execute(meeting_id, domain.Cancel(body["reason"], wall_clock()))


@blp.put("/meetings/<meeting_id>/agenda")
@blp.arguments(AgendaIn)
@blp.response(200, Accepted)
def set_agenda(body: dict, meeting_id: str) -> Response:
    """Set the whole agenda (the meeting's organisers): items with owner and minutes; an
    item may review an open action of an earlier meeting (action_id)."""
    meeting_i_run(meeting_id)
    owners = [i["owner_id"] for i in body["items"] if i["owner_id"]]
    _people_in_the_trust(owners, "items")
    items = tuple(
        AgendaItem(
            item_id=i["item_id"] or made_id(f"item:{n}", meeting_id),
            title=i["title"],
            minutes=i["minutes"],
            owner_id=i["owner_id"],
            action_id=i["action_id"],
        )
        for n, i in enumerate(body["items"])
    )
    return _execute(meeting_id, domain.SetAgenda(items))


@blp.put("/meetings/<meeting_id>/minutes")
@blp.arguments(MinutesIn)
@blp.response(200, Accepted)
def record_minutes(body: dict, meeting_id: str) -> Response:
    """Keep the minutes, the whole text (the meeting's organisers), from the meeting's day."""
    meeting_i_run(meeting_id)
    return _execute(meeting_id, domain.RecordMinutes(body["text"], wall_clock()))


@blp.post("/meetings/<meeting_id>/actions")
@blp.arguments(ActionIn)
@blp.response(201, Accepted)
def raise_action(body: dict, meeting_id: str) -> Response:
    """Raise an action point (the meeting's organisers): owner, school(s), due date, and the
    school improvement plan priority it serves, if any."""
    meeting_i_run(meeting_id)
    _people_in_the_trust([body["owner_id"]], "owner_id")
    if body["priority_id"] is not None and body["priority_id"] not in priorities_of(
        body["school_ids"]
    ):
        message = "That is not a priority of the action's schools' improvement plans."
        abort(422, messages={"json": {"priority_id": [message]}})
    action_id = made_id("action", meeting_id)
    command = domain.RaiseAction(
        action_id=action_id,
        text=body["text"],
        owner_id=body["owner_id"],
        due=body["due"],
        school_ids=tuple(body["school_ids"]),
        priority_id=body["priority_id"],
    )
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return accepted(outcome, 201, id=action_id)


@blp.put("/meetings/<meeting_id>/actions/<action_id>")
@blp.arguments(ActionStatusIn)
@blp.response(200, Accepted)
def update_action(body: dict, meeting_id: str, action_id: str) -> Response:
    """Change an action's status (open, done, dropped) with a note: its owner, or the
    meeting's organisers."""
    meeting, record = the_meeting(meeting_id)
    action = meeting.actions.get(action_id)
    if action is None:
        raise NotFound("There is no such action.")
    me = identity()
    organises = runs(meeting, record)
    require(changes_action(me, action.owner_id, organises), "Only its owner and organisers.")
    command = domain.UpdateAction(action_id, body["status"], me.person_id, body["note"], organises)
    outcome = meeting_commands.execute(meeting_subject(meeting_id), command)
    return accepted(outcome, id=action_id)


@blp.put("/meetings/<meeting_id>/register")
@blp.arguments(RegisterIn)
@blp.response(200, Accepted)
def take_register(body: dict, meeting_id: str) -> Response:
    """Take the whole register (the meeting's organisers), by school: present, apologies,
    absent, for invitees and the network's members; present earns the meeting's minutes."""
    _, record = meeting_i_run(meeting_id)
    marks = tuple(
        Mark(m["person_id"], m["mark"], m["school_id"] or school_of(m["person_id"]))
        for m in body["marks"]
    )
    command = domain.TakeRegister(marks, members(record), wall_clock())
    return _execute(meeting_id, command)
