"""Queries on the networks' read model: who belongs to a network (by post, by name, the
facilitator), a person's networks (mine first), a network's meetings and series, my actions
and the overdue actions of each school.

Members are worked out when asked, never stored: everyone who now holds one of the
network's posts (the directory's `directory_posts`, at any school), the people it names and
its facilitator. A post changing hands changes the membership at once.

A private network's content (agenda, minutes, actions) is for its members alone: the queries
that show content take the viewer and leave out what they may not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, Row, Select, bindparam, func, literal, or_, select, union_all

from readmodels.directory.tables import directory_posts, people, schools
from readmodels.networks.tables import (
    network_action_schools,
    network_actions,
    network_meetings,
    network_people,
    network_posts,
    network_series,
    networks,
    school_priorities,
)

NETWORK = networks.c
MEETING = network_meetings.c
ACTION = network_actions.c
CENTRAL = "Central team"
WHY_ORDER = {"facilitator": 0, "agenda_lead": 1, "post": 2, "named": 3}


def member_rows() -> Select[Any]:
    """(network_id, person_id, why, post, school_id) for every member of every network, one
    row for each reason they belong (a person may hold two of a network's posts)."""
    by_post = select(
        network_posts.c.network_id,
        directory_posts.c.person_id,
        literal("post").label("why"),
        directory_posts.c.post,
        directory_posts.c.school_id,
    ).join(directory_posts, directory_posts.c.post == network_posts.c.post)
    named = select(
        network_people.c.network_id,
        network_people.c.person_id,
        literal("named").label("why"),
        literal(None).label("post"),
        literal(None).label("school_id"),
    )
    facilitating = select(
        NETWORK.network_id,
        NETWORK.facilitator_id.label("person_id"),
        literal("facilitator").label("why"),
        literal(None).label("post"),
        literal(None).label("school_id"),
    )
    return union_all(by_post, named, facilitating)  # type: ignore[return-value]


def member_ids(engine: Engine, network_id: str) -> set[str]:
    """Everyone who belongs to the network now."""
    members = member_rows().subquery()
    query = select(members.c.person_id).where(members.c.network_id == network_id)
    with engine.connect() as connection:
        return set(connection.scalars(query))


def is_member(engine: Engine, network_id: str, person_id: str) -> bool:
    """Whether the person belongs to the network (its facilitator does)."""
    return person_id in member_ids(engine, network_id)


def may_read(engine: Engine, network: Row, viewer_id: str) -> bool:
    """Whether the viewer may read the network's content: anyone for an open network, its
    members (and facilitator, and agenda lead) for a private one."""
    if not network.private or viewer_id in (network.facilitator_id, network.agenda_lead_id):
        return True
    return is_member(engine, network.network_id, viewer_id)


def readable_networks(viewer_id: str) -> Any:
    """A condition on `networks`: not private, or the viewer is among its members."""
    members = member_rows().subquery()
    mine = select(members.c.network_id).where(members.c.person_id == viewer_id)
    return or_(
        NETWORK.private.is_(False),
        NETWORK.network_id.in_(mine),
        NETWORK.agenda_lead_id == viewer_id,
    )


@dataclass(frozen=True)
class NetworkLine:
    """A network as a list shows it, with why the person is in it (None: they are not)."""

    network: Row
    mine: str | None  # facilitator, agenda_lead, member
    members: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.network, name)


def networks_for(engine: Engine, person_id: str, closed: bool = False) -> list[NetworkLine]:
    """Every network, the person's own first (facilitating, leading the agenda, member),
    then the others by name; closed ones only when asked."""
    members = member_rows().subquery()
    query = select(networks).order_by(NETWORK.name)
    if not closed:
        query = query.where(NETWORK.status == "open")
    counts = (
        select(members.c.network_id, func.count(func.distinct(members.c.person_id)))
        .outerjoin(people, people.c.person_id == members.c.person_id)
        .where(or_(people.c.status.is_(None), people.c.status == "active"))
        .group_by(members.c.network_id)
    )
    mine_query = select(members.c.network_id).where(members.c.person_id == person_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        sizes: dict[str, int] = {row[0]: row[1] for row in connection.execute(counts)}
        mine = set(connection.scalars(mine_query))
    lines = [
        NetworkLine(row, role_in(row, person_id, mine), sizes.get(row.network_id, 0))
        for row in rows
    ]
    order = {"facilitator": 0, "agenda_lead": 1, "member": 2, None: 3}
    return sorted(lines, key=lambda line: order[line.mine])


def role_in(network: Row, person_id: str, mine: set[str]) -> str | None:
    if network.facilitator_id == person_id:
        return "facilitator"
    if network.agenda_lead_id == person_id:
        return "agenda_lead"
    return "member" if network.network_id in mine else None


def find_network(engine: Engine, network_id: str) -> Row | None:
    with engine.connect() as connection:
        return connection.execute(select(networks).where(NETWORK.network_id == network_id)).first()


def network_posts_of(engine: Engine, network_id: str) -> list[str]:
    query = select(network_posts.c.post).where(network_posts.c.network_id == network_id)
    with engine.connect() as connection:
        return sorted(connection.scalars(query))


def named_members(engine: Engine, network_id: str) -> list[str]:
    query = select(network_people.c.person_id).where(network_people.c.network_id == network_id)
    with engine.connect() as connection:
        return sorted(connection.scalars(query))


@dataclass(frozen=True)
class Member:
    person_id: str
    name: str
    school_id: str | None
    school: str
    posts: tuple[str, ...]  # the network's posts they hold
    why: str  # facilitator, post, named: the first reason they belong


def network_members(engine: Engine, network_id: str) -> list[Member]:
    """The network's members by school (the central team last), then name. A person's
    school is their post's school, else the directory's."""
    members = member_rows().subquery()
    query = (
        select(
            members.c.person_id,
            members.c.why,
            members.c.post,
            func.coalesce(members.c.school_id, people.c.school_id).label("school_id"),
            func.coalesce(people.c.name, "(unknown)").label("name"),
        )
        .select_from(members)
        .outerjoin(people, people.c.person_id == members.c.person_id)
        .where(members.c.network_id == network_id)
        .where(or_(people.c.status.is_(None), people.c.status == "active"))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        names = {
            row[0]: row[1]
            for row in connection.execute(select(schools.c.school_id, schools.c.name))
        }
    names = school_names(engine)
    found: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: WHY_ORDER[r.why]):
        entry = found.setdefault(
            row.person_id,
            {"name": row.name, "school_id": row.school_id, "posts": [], "why": row.why},
        )
        if row.post and row.post not in entry["posts"]:
            entry["posts"].append(row.post)
        entry["school_id"] = entry["school_id"] or row.school_id
    result = [
        Member(
            person_id,
            e["name"],
            e["school_id"],
            names.get(e["school_id"], CENTRAL),
            tuple(sorted(e["posts"])),
            e["why"],
        )
        for person_id, e in found.items()
    ]
    return sorted(result, key=lambda m: (m.school_id is None, m.school, m.name))


def meetings_of(
    engine: Engine, network_id: str, first: date | None = None, last: date | None = None
) -> list[Row]:
    """The network's meetings: undated polls first (newest first), then by date and time.
    `first`/`last` bound the dated ones; polls without a date are always included."""
    query = select(network_meetings).where(MEETING.network_id == network_id)
    if first:
        query = query.where(or_(MEETING.date.is_(None), MEETING.date >= first))
    if last:
        query = query.where(or_(MEETING.date.is_(None), MEETING.date <= last))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    undated = sorted((r for r in rows if r.date is None), key=lambda r: -r.version)
    dated = sorted((r for r in rows if r.date is not None), key=lambda r: (r.date, r.starts))
    return [*undated, *dated]


def series_of(engine: Engine, network_id: str) -> list[Row]:
    query = (
        select(network_series)
        .where(network_series.c.network_id == network_id)
        .order_by(network_series.c.first)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def find_series(engine: Engine, series_id: str) -> tuple[Row, list[Row]] | None:
    """The series and its meetings as they now are (a moved or cancelled occurrence shows
    its own date and status), by date."""
    with engine.connect() as connection:
        series = connection.execute(
            select(network_series).where(network_series.c.series_id == series_id)
        ).first()
        if series is None:
            return None
        meetings = connection.execute(
            select(network_meetings)
            .where(MEETING.series_id == series_id)
            .order_by(MEETING.date, MEETING.starts)
        ).all()
    return series, list(meetings)


@dataclass
class ActionLine:
    """An action with where it came from (its network and meeting, its owner), the schools
    it concerns (their ids, and names to show) and the title of the plan priority it
    serves."""

    action: Row
    school_ids: list[str] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    priority: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.action, name)


def action_query() -> Select[Any]:
    return (
        select(
            network_actions,
            NETWORK.name.label("network_name"),
            NETWORK.private,
            MEETING.title.label("meeting_title"),
            MEETING.date.label("meeting_date"),
            func.coalesce(people.c.name, "(unknown)").label("owner_name"),
        )
        .join(networks, NETWORK.network_id == ACTION.network_id)
        .join(network_meetings, MEETING.meeting_id == ACTION.meeting_id)
        .outerjoin(people, people.c.person_id == ACTION.owner_id)
        .order_by(ACTION.due, ACTION.raised_at)
    )


def school_name() -> Any:
    """A school's name, or the central team's for a school id with no school."""
    return func.coalesce(schools.c.name, CENTRAL)


PRIORITY_TITLES = select(school_priorities.c.priority_id, school_priorities.c.title).where(
    school_priorities.c.priority_id.in_(bindparam("ids", expanding=True))
)


def with_schools(engine: Engine, query: Select[Any]) -> list[ActionLine]:
    """The actions `query` finds, each with its schools and its priority's title."""
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        links = connection.execute(
            select(network_action_schools, school_name().label("name"))
            .outerjoin(schools, schools.c.school_id == network_action_schools.c.school_id)
            .where(network_action_schools.c.action_id.in_([row.action_id for row in rows]))
        ).all()
        priority_ids = {row.priority_id for row in rows if row.priority_id}
        titles = {
            row.priority_id: row.title
            for row in connection.execute(PRIORITY_TITLES, {"ids": list(priority_ids)})
        }
    linked: dict[str, list[Row]] = {}
    for link in links:
        linked.setdefault(link.action_id, []).append(link)
    return [
        ActionLine(
            row,
            sorted(link.school_id for link in linked.get(row.action_id, [])),
            sorted(link.name for link in linked.get(row.action_id, [])),
            titles.get(row.priority_id or ""),
        )
        for row in rows
    ]


def actions_of(engine: Engine, person_id: str, open_only: bool = True) -> list[ActionLine]:
    """The person's actions (they own them), the soonest due first; open ones unless asked."""
    query = action_query().where(ACTION.owner_id == person_id)
    if open_only:
        query = query.where(ACTION.status == "open")
    return with_schools(engine, query)


def overdue_actions(
    engine: Engine, today: date, viewer_id: str, school_ids: Sequence[str] | None = None
) -> dict[str, list[ActionLine]]:
    """Open actions past their due date, per school they concern ('' for an action of no
    school), for the improvement leads: those of private networks only for their members.
    `school_ids` keeps only those schools."""
    query = action_query().where(
        ACTION.status == "open", ACTION.due < today, readable_networks(viewer_id)
    )
    per_school: dict[str, list[ActionLine]] = {}
    for line in with_schools(engine, query):
        for school_id in line.school_ids or [""]:
            if school_ids is None or school_id in school_ids:
                per_school.setdefault(school_id, []).append(line)
    return per_school


def actions_of_network(engine: Engine, network_id: str, viewer_id: str) -> list[ActionLine]:
    """Every action raised in the network's meetings, if the viewer may read them."""
    network = find_network(engine, network_id)
    if network is None or not may_read(engine, network, viewer_id):
        return []
    return with_schools(engine, action_query().where(ACTION.network_id == network_id))


def school_names(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {
            row[0]: row[1]
            for row in connection.execute(select(schools.c.school_id, schools.c.name))
        }


def people_named(engine: Engine, person_ids: Sequence[str] | set[str]) -> dict[str, str]:
    """Person id -> name, for the ids given that the directory knows."""
    query = select(people.c.person_id, people.c.name).where(people.c.person_id.in_(person_ids))
    with engine.connect() as connection:
        return {row[0]: row[1] for row in connection.execute(query)}
