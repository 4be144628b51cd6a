"""What the poll and meeting pages read: a meeting with its network, the options with their
tallies, the invitees with their answers (or none: "not answered" is never "no"), the
agenda, minutes, actions, register and clash alerts, the network's members, open actions
of its earlier meetings, and the improvement plan priorities an action may serve. A
network and its members are read as everywhere else (queries.find_network, member_ids)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Row, and_, func, or_, select

from readmodels.directory.tables import people, schools
from readmodels.networks.queries import ActionLine, action_query, school_name, with_schools
from readmodels.networks.queries import find_network as find_network  # the pages ask it here
from readmodels.networks.queries import member_ids as member_ids
from readmodels.networks.tables import (
    network_actions,
    network_agenda,
    network_answers,
    network_clashes,
    network_invitees,
    network_marks,
    network_meetings,
    network_minutes,
    network_nudges,
    network_options,
    network_votes,
    networks,
    school_priorities,
)


def find_meeting(engine: Engine, meeting_id: str) -> Row | None:
    """The meeting (and its poll) with its network's name, kind, privacy and people, the
    organiser's name and the minutes' text."""
    organiser = people.alias("organiser")
    query = (
        select(
            network_meetings,
            networks.c.name.label("network_name"),
            networks.c.kind,
            networks.c.private,
            networks.c.facilitator_id,
            networks.c.agenda_lead_id,
            networks.c.cadence_rule,
            networks.c.cadence_count,
            networks.c.venue.label("network_venue"),
            func.coalesce(organiser.c.name, "").label("organiser_name"),
            func.coalesce(network_minutes.c.text, "").label("minutes_text"),
        )
        .select_from(
            network_meetings.join(networks, networks.c.network_id == network_meetings.c.network_id)
            .outerjoin(organiser, organiser.c.person_id == network_meetings.c.organiser_id)
            .outerjoin(
                network_minutes, network_minutes.c.meeting_id == network_meetings.c.meeting_id
            )
        )
        .where(network_meetings.c.meeting_id == meeting_id)
    )
    with engine.connect() as connection:
        return connection.execute(query).first()


def people_named(engine: Engine, person_ids: Sequence[str] | set[str]) -> list[Row]:
    """Active people among `person_ids`, by school then name: person_id, name, school_id,
    school, job_title."""
    query = (
        select(
            people.c.person_id,
            people.c.name,
            people.c.school_id,
            people.c.job_title,
            school_name().label("school"),
        )
        .select_from(people.outerjoin(schools, schools.c.school_id == people.c.school_id))
        .where(people.c.person_id.in_(list(person_ids)), people.c.status == "active")
        .order_by(school_name(), people.c.name)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


@dataclass
class OptionTally:
    option: Row
    yes: int = 0
    if_need_be: int = 0
    no: int = 0
    not_answered: int = 0
    required_no: list[str] = field(default_factory=list)
    """Names of required invitees who said no."""


@dataclass
class Invited:
    person_id: str
    name: str
    school_id: str | None
    school: str
    required: bool
    answers: dict[str, str]
    comment: str
    recorded_by: str | None
    recorded_by_name: str
    nudged: int

    @property
    def answered(self) -> bool:
        return self.recorded_by is not None


def poll_options(engine: Engine, meeting_id: str) -> list[Row]:
    query = (
        select(network_options)
        .where(network_options.c.meeting_id == meeting_id)
        .order_by(network_options.c.position)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def invited(engine: Engine, meeting_id: str) -> list[Invited]:
    """Each invitee (required first, then by school and name) with their answers."""
    recorder = people.alias("recorder")
    query = (
        select(
            network_invitees.c.person_id,
            network_invitees.c.required,
            func.coalesce(people.c.name, "Someone who has left").label("name"),
            people.c.school_id,
            school_name().label("school"),
            network_votes.c.comment,
            network_votes.c.recorded_by,
            func.coalesce(recorder.c.name, "").label("recorded_by_name"),
            func.coalesce(network_nudges.c.times, 0).label("nudged"),
        )
        .select_from(
            network_invitees.outerjoin(people, people.c.person_id == network_invitees.c.person_id)
            .outerjoin(schools, schools.c.school_id == people.c.school_id)
            .outerjoin(network_votes, _same_person(network_votes))
            .outerjoin(recorder, recorder.c.person_id == network_votes.c.recorded_by)
            .outerjoin(network_nudges, _same_person(network_nudges))
        )
        .where(network_invitees.c.meeting_id == meeting_id)
        .order_by(network_invitees.c.required.desc(), school_name(), people.c.name)
    )
    answers_query = select(network_answers).where(network_answers.c.meeting_id == meeting_id)
    with engine.connect() as connection:
        rows = list(connection.execute(query))
        answers: dict[str, dict[str, str]] = {}
        for answer in connection.execute(answers_query):
            answers.setdefault(answer.person_id, {})[answer.option_id] = answer.answer
    return [
        Invited(
            row.person_id,
            row.name,
            row.school_id,
            row.school,
            bool(row.required),
            answers.get(row.person_id, {}),
            row.comment or "",
            row.recorded_by,
            row.recorded_by_name,
            row.nudged,
        )
        for row in rows
    ]


def _same_person(table: Any) -> Any:
    return and_(
        table.c.meeting_id == network_invitees.c.meeting_id,
        table.c.person_id == network_invitees.c.person_id,
    )


def answered_every_date(people_invited: Sequence[Invited], options: Sequence[Row]) -> set[str]:
    """Who has answered every date the poll offers: the rest are missing (the service closes
    the poll once every required invitee is among these)."""
    wanted = {option.option_id for option in options}
    return {p.person_id for p in people_invited if wanted <= set(p.answers)}


def tallies(options: Sequence[Row], people_invited: Sequence[Invited]) -> list[OptionTally]:
    """Per option: yes, if need be, no, and not answered (counted apart, never as no)."""
    shown = []
    for option in options:
        tally = OptionTally(option)
        for person in people_invited:
            answer = person.answers.get(option.option_id)
            if answer is None:
                tally.not_answered += 1
            else:
                setattr(tally, answer, getattr(tally, answer) + 1)
                if answer == "no" and person.required:
                    tally.required_no.append(person.name)
        shown.append(tally)
    return shown


def agenda(engine: Engine, meeting_id: str) -> list[Row]:
    owner = people.alias("owner")
    query = (
        select(network_agenda, func.coalesce(owner.c.name, "").label("owner_name"))
        .select_from(
            network_agenda.outerjoin(owner, owner.c.person_id == network_agenda.c.owner_id)
        )
        .where(network_agenda.c.meeting_id == meeting_id)
        .order_by(network_agenda.c.position)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def meeting_actions(engine: Engine, meeting_id: str) -> list[ActionLine]:
    """The meeting's actions, with `schools` (names) and `priority` (title) of each."""
    return with_schools(engine, action_query().where(network_actions.c.meeting_id == meeting_id))


def open_actions_before(engine: Engine, meeting: Row) -> list[ActionLine]:
    """Open actions raised at the network's other meetings (earlier, or still undated)."""
    earlier = network_actions.c.meeting_id != meeting.meeting_id
    if meeting.date is not None:
        earlier = and_(
            earlier, or_(network_meetings.c.date.is_(None), network_meetings.c.date <= meeting.date)
        )
    where = and_(
        network_actions.c.network_id == meeting.network_id,
        network_actions.c.status == "open",
        earlier,
    )
    return with_schools(engine, action_query().where(where))


def register_marks(engine: Engine, meeting_id: str) -> dict[str, Row]:
    query = select(network_marks).where(network_marks.c.meeting_id == meeting_id)
    with engine.connect() as connection:
        return {row.person_id: row for row in connection.execute(query)}


def clash_alerts(engine: Engine, meeting: Row) -> list[Row]:
    """Alerts found since the meeting's date was last set (a move answers them)."""
    query = (
        select(network_clashes)
        .where(
            network_clashes.c.meeting_id == meeting.meeting_id,
            network_clashes.c.seq > meeting.timed_seq,
        )
        .order_by(network_clashes.c.seq)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def priorities_of(engine: Engine, school_ids: Sequence[str] | set[str]) -> list[Row]:
    """The plan priorities of these schools (every year's, the latest first): school,
    priority_id, title."""
    query = (
        select(school_priorities, school_name().label("school"))
        .select_from(
            school_priorities.outerjoin(
                schools, schools.c.school_id == school_priorities.c.school_id
            )
        )
        .where(school_priorities.c.school_id.in_(list(school_ids)))
        .order_by(school_name(), school_priorities.c.year_id.desc(), school_priorities.c.position)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))
