"""The networks' queries: given events projected and people with posts, then these answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, insert, update

from events import Event
from events.db import migrate
from events.projection import rebuild
from readmodels import PACKAGE_DIR
from readmodels.directory.tables import directory_posts
from readmodels.networks import compliance as board
from readmodels.networks import polls_view, queries
from readmodels.networks.projection import network_projection
from readmodels.networks.tables import networks
from readmodels.trustdays.tables import pd_days, pd_marks, pd_sessions
from tests.support.network_reads import (
    YEAR,
    a_year,
    form,
    network,
    on_meeting,
    on_series,
    person,
    poll,
    register,
    scheduled,
    school,
    series_planned,
)
from tests.support.trustdays import append


@pytest.fixture
def trust(engine):
    """Two schools with a maths lead each, a SENCO, a facilitator (the improvement lead), a
    CEO, and a trust year of six terms."""
    migrate(engine, [PACKAGE_DIR])
    a_year(engine)
    school(engine, "oak", "Oak Primary")
    school(engine, "ash", "Ash Grove")
    person(engine, "amy", "Amy Archer", "oak", "maths_lead")
    person(engine, "bob", "Bob Baker", "ash", "maths_lead", "senco")
    person(engine, "sil", "Sita Lal", None, "school_improvement_lead")
    person(engine, "ceo", "Chris Ode", None, "ceo")
    person(engine, "lee", "Lee Left", "oak", "maths_lead", status="left")
    return engine


SUMMER = datetime(2026, 8, 1, tzinfo=UTC)


def project(nats, store, engine, formed: datetime = SUMMER) -> None:
    """Projected, and every network formed at `formed` (the log says "now")."""
    nats.run(rebuild(store, engine, network_projection))
    with engine.begin() as connection:
        connection.execute(update(networks).values(formed_at=formed))


def test_members_are_post_holders_the_named_and_the_facilitator(nats, store, trust):
    form(nats, store, network("maths", member_ids=["ceo"]))
    form(nats, store, network("send", member_posts=["senco"], facilitator_id="ceo"))
    project(nats, store, trust)
    members = queries.network_members(trust, "maths")
    assert [(m.person_id, m.school, m.posts, m.why) for m in members] == [
        ("bob", "Ash Grove", ("maths_lead",), "post"),
        ("amy", "Oak Primary", ("maths_lead",), "post"),
        ("ceo", "Central team", (), "named"),
        ("sil", "Central team", (), "facilitator"),
    ]
    assert queries.member_ids(trust, "send") == {"bob", "ceo"}

    with trust.begin() as connection:  # Amy hands the maths lead post to Sita
        connection.execute(delete(directory_posts).where(directory_posts.c.person_id == "amy"))
        row = {"person_id": "sil", "post": "maths_lead", "school_id": "oak"}
        connection.execute(insert(directory_posts), row)
    assert not queries.is_member(trust, "maths", "amy")
    assert [m.why for m in queries.network_members(trust, "maths") if m.person_id == "sil"] == [
        "facilitator"
    ]


def test_my_networks_come_first(nats, store, trust):
    form(nats, store, network("a", name="Attendance", member_posts=["attendance_lead"]))
    form(nats, store, network("m", name="Maths"))
    form(nats, store, network("s", name="SENCOs", member_posts=["senco"], agenda_lead_id="amy"))
    form(nats, store, network("z", name="Zeta", member_posts=[], facilitator_id="amy"))
    project(nats, store, trust)
    lines = queries.networks_for(trust, "amy")
    assert [(line.name, line.mine) for line in lines] == [
        ("Zeta", "facilitator"),
        ("SENCOs", "agenda_lead"),
        ("Maths", "member"),
        ("Attendance", None),
    ]
    assert {line.network_id: line.members for line in lines}["m"] == 3  # amy, bob, sil


def test_private_content_is_for_members_only(nats, store, trust):
    form(nats, store, network("one", kind="one_to_one", member_posts=[], member_ids=["bob"]))
    changed = network("one", kind="one_to_one", member_posts=[], member_ids=["bob"], private=True)
    form(nats, store, network("maths"))

    append(store, nats, ("networks", "network", "one"), Event("NetworkUpdated", changed))
    for meeting_id, network_id in (("m1", "one"), ("m2", "maths")):
        on_meeting(nats, store, meeting_id, scheduled(meeting_id, network_id, date(2026, 10, 6)))
        action = {
            "meeting_id": meeting_id,
            "action_id": f"a-{meeting_id}",
            "text": "Do it",
            "owner_id": "bob",
            "school_ids": ["ash"],
            "due": date(2026, 10, 20),
            "priority_id": None,
        }
        on_meeting(nats, store, meeting_id, Event("ActionRaised", action))
    project(nats, store, trust)
    private = queries.find_network(trust, "one")
    assert private is not None
    assert queries.may_read(trust, private, "bob") and queries.may_read(trust, private, "sil")
    assert not queries.may_read(trust, private, "amy")
    assert queries.actions_of_network(trust, "one", "amy") == []
    overdue = queries.overdue_actions(trust, date(2026, 11, 1), "amy")
    assert [line.action_id for line in overdue["ash"]] == ["a-m2"]
    overdue = queries.overdue_actions(trust, date(2026, 11, 1), "sil")
    assert [line.action_id for line in overdue["ash"]] == ["a-m1", "a-m2"]
    assert queries.overdue_actions(trust, date(2026, 10, 20), "sil") == {}  # due today


def test_my_actions_the_soonest_due_first_and_open_only(nats, store, trust):
    form(nats, store, network("maths"))
    on_meeting(nats, store, "m1", scheduled("m1", "maths", date(2026, 10, 6)))
    for action_id, due in (("late", date(2026, 12, 1)), ("soon", date(2026, 10, 10))):
        raised = {
            "meeting_id": "m1",
            "action_id": action_id,
            "text": action_id,
            "owner_id": "amy",
            "school_ids": ["oak", "ash"],
            "due": due,
            "priority_id": None,
        }
        on_meeting(nats, store, "m1", Event("ActionRaised", raised))
    done = {"meeting_id": "m1", "action_id": "late", "status": "done", "note": ""}
    project(nats, store, trust)
    mine = queries.actions_of(trust, "amy")
    assert [(a.action_id, a.network_name, a.school_ids) for a in mine] == [
        ("soon", "Network maths", ["ash", "oak"]),
        ("late", "Network maths", ["ash", "oak"]),
    ]
    on_meeting(nats, store, "m1", Event("ActionUpdated", done))
    project(nats, store, trust)
    assert [a.action_id for a in queries.actions_of(trust, "amy")] == ["soon"]
    assert len(queries.actions_of(trust, "amy", open_only=False)) == 2


def test_meetings_of_a_network_polls_first_then_by_date(nats, store, trust):

    form(nats, store, network("maths"))
    on_meeting(nats, store, "later", scheduled("later", "maths", date(2026, 11, 3)))
    on_meeting(nats, store, "sooner", scheduled("sooner", "maths", date(2026, 10, 6)))
    on_meeting(nats, store, "p", poll("p", "maths", {"amy": True}))
    project(nats, store, trust)
    assert [m.meeting_id for m in queries.meetings_of(trust, "maths")] == ["p", "sooner", "later"]
    bounded = queries.meetings_of(trust, "maths", first=date(2026, 10, 7))
    assert [m.meeting_id for m in bounded] == ["p", "later"]


def cells(line) -> list[tuple]:
    return [(c.term.term, c.held, c.planned, c.required, c.status) for c in line.cells]


def test_the_compliance_board_counts_held_planned_and_required_per_term(nats, store, trust):
    form(nats, store, network("maths", cadence={"rule": "per_term", "count": 1}))
    for meeting_id, day in (("t1", date(2026, 10, 6)), ("t2", date(2026, 11, 17))):
        on_meeting(nats, store, meeting_id, scheduled(meeting_id, "maths", day))
    on_meeting(nats, store, "t1", register("t1", amy=("oak", "present")))
    on_meeting(nats, store, "t3", scheduled("t3", "maths", date(2027, 1, 12)))
    on_meeting(nats, store, "t3", Event("MeetingCancelled", {"meeting_id": "t3", "reason": "x"}))
    project(nats, store, trust)
    today = date(2026, 11, 2)
    (line,) = board.compliance(trust, YEAR, today).rows
    assert cells(line)[:3] == [
        (1, 1, 0, 1, "done"),
        (2, 0, 1, 1, "planned"),
        (3, 0, 0, 1, "to_plan"),
    ]
    assert line.year_required == 6 and line.at_risk is None and line.missed == []

    # Spring 1 is nearly over with nothing planned: 1 fortnight can still fit 1 meeting
    late = board.compliance(trust, YEAR, date(2027, 2, 5)).rows[0]
    assert cells(late)[1] == (2, 0, 0, 1, "missed")  # planned, never registered
    assert late.missed == ["Autumn 2: held 0 of 1"]
    assert cells(late)[2][4] == "to_plan"


def test_a_per_year_network_is_at_risk_when_the_fortnights_left_cannot_fit(nats, store, trust):
    form(nats, store, network("data", cadence={"rule": "per_year", "count": 3}))
    on_meeting(nats, store, "d1", scheduled("d1", "data", date(2027, 6, 8)))
    on_meeting(nats, store, "d1", register("d1", amy=("oak", "present")))
    project(nats, store, trust)
    # Summer 2 runs to 21 July: from 8 July, 14 days are left, one fortnight
    (line,) = board.compliance(trust, YEAR, date(2027, 7, 8)).rows
    assert all(cell.required is None and cell.status is None for cell in line.cells)
    assert (line.held, line.year_required) == (1, 3)
    assert line.at_risk == "Needs 2 more meetings with 1 fortnight left"
    (line,) = board.compliance(trust, YEAR, date(2027, 6, 20)).rows
    assert line.at_risk is None  # 32 days: three fortnights
    (line,) = board.compliance(trust, YEAR, date(2027, 8, 1)).rows
    assert line.at_risk == "Held 1 of 3 this year"


def test_a_fortnightly_network_needs_a_meeting_each_fortnight_of_term(nats, store, trust):
    form(nats, store, network("elg", cadence={"rule": "fortnightly", "count": 1}))
    project(nats, store, trust)
    (line,) = board.compliance(trust, YEAR, date(2026, 10, 12)).rows
    # Autumn 1, 2 Sep - 23 Oct: 52 days, 3 fortnights; 12 days left, 1 fortnight
    assert cells(line)[0] == (1, 0, 0, 3, "at_risk")
    assert line.at_risk == "Autumn 1 needs 3 more meetings with 1 fortnight left"


def test_a_pd_day_session_of_the_network_counts_as_a_meeting(nats, store, trust):
    form(nats, store, network("maths"))
    project(nats, store, trust)
    at = datetime(2026, 9, 1, tzinfo=UTC)
    with trust.begin() as connection:
        connection.execute(
            insert(pd_days),
            {
                "day_id": "d",
                "date": date(2026, 11, 6),
                "academic_year": YEAR,
                "term": 2,
                "title": "Autumn PD day",
                "theme": "",
                "venue": "Hub",
                "opens": at,
                "closes": at,
                "status": "published",
                "version": 1,
                "sequence": 0,
                "changed_at": at,
            },
        )
        session = {
            "session_id": "s",
            "day_id": "d",
            "slot_id": "b1",
            "title": "Maths network",
            "description": "",
            "community": "maths",
            "leader_id": "sil",
            "leader_name": "Sita Lal",
            "room": "1",
            "capacity": 30,
            "audience": "all",
            "phase": "all",
            "mode": "in_person",
            "booked": 0,
            "waiting": 0,
            "status": "open",
            "version": 1,
            "sequence": 0,
            "changed_at": at,
        }
        connection.execute(insert(pd_sessions), {**session, "network_id": "maths"})
    (line,) = board.compliance(trust, YEAR, date(2026, 11, 2)).rows
    assert cells(line)[1] == (2, 0, 1, 1, "planned")
    with trust.begin() as connection:
        mark = {"session_id": "s", "person_id": "amy", "day_id": "d", "mark": "present"}
        connection.execute(
            insert(pd_marks), {**mark, "cpd_minutes": 60, "walk_in": False, "marked_at": at}
        )
    (line,) = board.compliance(trust, YEAR, date(2026, 11, 9)).rows
    assert cells(line)[1] == (2, 1, 0, 1, "done")


def test_schools_not_represented_at_the_last_two_meetings_are_flagged(nats, store, trust):
    form(nats, store, network("maths"))
    days = (("r1", date(2026, 9, 15)), ("r2", date(2026, 10, 6)), ("r3", date(2026, 11, 10)))
    for meeting_id, day in days:
        on_meeting(nats, store, meeting_id, scheduled(meeting_id, "maths", day))
    on_meeting(nats, store, "r1", register("r1", amy=("oak", "present"), bob=("ash", "present")))
    on_meeting(nats, store, "r2", register("r2", amy=("oak", "present"), bob=("ash", "absent")))
    project(nats, store, trust)
    (line,) = board.compliance(trust, YEAR, date(2026, 11, 1)).rows
    assert line.unrepresented == []  # Ash Grove came to r1, one of the last two
    on_meeting(nats, store, "r3", register("r3", amy=("oak", "present"), bob=("ash", "apologies")))
    project(nats, store, trust)
    (line,) = board.compliance(trust, YEAR, date(2026, 11, 12)).rows
    assert line.unrepresented == ["Ash Grove"]


def test_a_polls_tallies_never_count_not_answered_as_no(nats, store, trust):

    form(nats, store, network("maths"))
    on_meeting(nats, store, "p", poll("p", "maths", {"amy": True, "bob": True, "ceo": False}))
    votes = (
        ("amy", "amy", {"o1": "yes", "o2": "no"}),
        ("bob", "head", {"o1": "if_need_be"}),  # a headteacher answered for Bob
    )
    for person_id, recorded_by, answers in votes:
        vote = {"meeting_id": "p", "person_id": person_id, "answers": answers}
        on_meeting(nats, store, "p", Event("VoteCast", {**vote, "recorded_by": recorded_by}))
    project(nats, store, trust)
    options = polls_view.poll_options(trust, "p")
    people = polls_view.invited(trust, "p")
    counted = [
        (t.option.option_id, t.yes, t.if_need_be, t.no, t.not_answered, t.required_no)
        for t in polls_view.tallies(options, people)
    ]
    assert counted == [("o1", 1, 1, 0, 1, []), ("o2", 0, 0, 1, 2, ["Amy Archer"])]
    assert polls_view.answered_every_date(people, options) == {"amy"}
    bob = next(p for p in people if p.person_id == "bob")
    assert (bob.recorded_by, bob.answered) == ("head", True)


def test_terms_over_before_a_network_was_formed_owe_nothing(nats, store, trust):
    form(nats, store, network("maths", cadence={"rule": "per_term", "count": 1}))
    project(nats, store, trust, formed=datetime(2026, 11, 1, 12, tzinfo=UTC))
    (line,) = board.compliance(trust, YEAR, date(2026, 11, 2)).rows
    assert cells(line)[:2] == [(1, 0, 0, None, None), (2, 0, 0, 1, "to_plan")]
    assert line.year_required == 5 and line.missed == []


def test_a_series_with_its_meetings_as_they_now_are_and_closed_networks_left_out(
    nats, store, trust
):
    form(nats, store, network("elg", name="ELG", member_posts=["headteacher"]))
    form(nats, store, network("old", name="Old network"))
    closing = Event("NetworkClosed", {"network_id": "old", "reason": "Merged"})
    append(store, nats, ("networks", "network", "old"), closing)
    occurs = {"e1": date(2026, 9, 8), "e2": date(2026, 9, 22)}
    on_series(nats, store, "s", series_planned("s", "elg", occurs))
    for meeting_id, day in (("e2", date(2026, 9, 22)), ("e1", date(2026, 9, 8))):
        on_meeting(nats, store, meeting_id, scheduled(meeting_id, "elg", day, series_id="s"))
    moved = {"meeting_id": "e1", "date": date(2026, 9, 29), "starts": "08:00", "ends": "09:30"}
    on_meeting(nats, store, "e1", Event("MeetingMoved", {**moved, "reason": "Ofsted"}))
    project(nats, store, trust)
    found = queries.find_series(trust, "s")
    assert found is not None
    series, meetings = found
    assert series.title == "ELG" and [s.series_id for s in queries.series_of(trust, "elg")] == ["s"]
    assert [(m.meeting_id, m.date) for m in meetings] == [
        ("e2", date(2026, 9, 22)), ("e1", date(2026, 9, 29))
    ]  # fmt: skip
    assert queries.find_series(trust, "nope") is None
    assert [line.network_id for line in queries.networks_for(trust, "bob")] == ["elg"]
    every = queries.networks_for(trust, "bob", closed=True)
    assert sorted(line.network_id for line in every) == ["elg", "old"]
