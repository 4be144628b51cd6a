"""The compliance board's render with a year of meetings for every network (`make bench
--only networks`): a trust of 7 schools, each school post held at each, 25 networks with the
demo trust's cadences (ELG and the CEO's seven one-to-ones fortnightly in term time, the
others one to three a term or a year), every meeting of the year confirmed and those before
today with a register of every member. Timed in the frontend (server time, p50 and p99) as
the CEO opens it, beside a raw baseline from the same run: the rows the board is made from,
read with no counting and no rendering."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from events import StreamSettings
from events.config import Settings
from events.db import create_db_engine, migrate
from events.identity import IDENTITY_HEADER
from frontend import create_app
from readmodels import PACKAGE_DIR
from readmodels.directory.tables import directory_posts, people, schools
from readmodels.networks.compliance import compliance
from readmodels.networks.tables import (
    network_marks,
    network_meetings,
    network_people,
    network_posts,
    networks,
)
from readmodels.trustyear.tables import trust_years, year_terms
from services.directory.events import POSTS
from services.trustyear.events import year_of
from tests.bench.pages import report, server_times
from tests.bench.report import heading
from tests.support.identity import SECRET_KEY, signed, someone

SCHOOLS = [f"school-{n}" for n in range(7)]
SCHOOL_POSTS = [p for p in POSTS if p not in ("ceo", "school_improvement_lead")]
THRICE = ("english_lead", "maths_lead", "pshe_lead", "pastoral_lead", "senco")
TWICE = ("disadvantaged_lead", "attendance_lead", "data_lead", "cpd_lead", "tl_lead")
ROUNDS = 100
NOW = datetime(2026, 7, 1, tzinfo=UTC)


def terms(first_year: int) -> list[tuple[int, str, date, date]]:
    y, z = first_year, first_year + 1
    return [
        (1, "Autumn 1", date(y, 9, 3), date(y, 10, 23)),
        (2, "Autumn 2", date(y, 11, 2), date(y, 12, 18)),
        (3, "Spring 1", date(z, 1, 5), date(z, 2, 12)),
        (4, "Spring 2", date(z, 2, 22), date(z, 3, 26)),
        (5, "Summer 1", date(z, 4, 12), date(z, 5, 28)),
        (6, "Summer 2", date(z, 6, 7), date(z, 7, 21)),
    ]


def network_plans() -> list[dict[str, Any]]:
    """(id, posts, named, facilitator, rule, count, private) of the demo trust's networks."""
    plans = []
    for post in SCHOOL_POSTS:
        if post == "headteacher":
            continue
        rule, count = ("per_year", 3) if post in THRICE else ("per_year", 2)
        if post not in THRICE + TWICE:
            count = 1
        plans.append(dict(id=f"net-{post}", posts=[post], named=[], rule=rule, count=count))
    plans.append(dict(id="elg", posts=["headteacher"], named=[], rule="fortnightly", count=1))
    plans.append(
        dict(id="sit", posts=["school_improvement_lead"], named=[], rule="per_term", count=1)
    )
    for school in SCHOOLS:
        head = f"{school}-headteacher"
        plans.append(dict(id=f"1to1-{school}", posts=[], named=[head], rule="fortnightly", count=1))
    return plans


def meeting_days(plan: dict[str, Any], year: list[tuple[int, str, date, date]]) -> list[date]:
    """The Tuesdays the network meets over the year, spread as its cadence asks."""
    tuesdays = [
        start + timedelta(days=(1 - start.weekday()) % 7 + 7 * week)
        for _, _, start, end in year
        for week in range((end - start).days // 7)
    ]
    if plan["rule"] == "fortnightly":
        return tuesdays[::2]
    if plan["rule"] == "per_term":
        return [start + timedelta(days=(1 - start.weekday()) % 7 + 14) for _, _, start, _ in year]
    step = max(1, len(tuesdays) // plan["count"])
    return tuesdays[step // 2 :: step][: plan["count"]]


def a_trust(engine: Engine, today: date) -> int:
    """The read models of a trust with a year of meetings for every network; their count."""
    first_year = int(year_of(today)[:4])
    year = terms(first_year)
    rng = random.Random(15)
    with engine.begin() as connection:
        connection.execute(
            insert(trust_years),
            {"year_id": year_of(today), "starts": date(first_year, 9, 1)}
            | {"ends": date(first_year + 1, 8, 31), "version": 1, "changed_at": NOW},
        )
        connection.execute(
            insert(year_terms),
            [{"year_id": year_of(today), "term": t, "name": n, "starts": s, "ends": e}
             for t, n, s, e in year],
        )  # fmt: skip
        connection.execute(
            insert(schools),
            [{"school_id": s, "name": f"School {s[-1]}", "phase": "primary", "urn": "100000",
              "town": "Leeds"} for s in SCHOOLS],
        )  # fmt: skip
        holders = [(f"{s}-{p}", p, s) for s in SCHOOLS for p in SCHOOL_POSTS]
        holders += [(f"sil-{n}", "school_improvement_lead", None) for n in range(4)]
        holders.append(("ceo", "ceo", None))
        connection.execute(
            insert(people),
            [{"person_id": pid, "name": pid.title(), "email": f"{pid}@bench", "email_key":
              f"{pid}@bench", "school_id": s, "category": "teaching", "job_title": POSTS[p],
              "subjects": "", "status": "active"} for pid, p, s in holders],
        )  # fmt: skip
        connection.execute(
            insert(directory_posts),
            [{"person_id": pid, "post": p, "school_id": s} for pid, p, s in holders],
        )
        count, school_of = 0, {pid: s for pid, _, s in holders}
        for plan in network_plans():
            nid = plan["id"]
            connection.execute(insert(networks), network_row(plan))
            for post in plan["posts"]:
                connection.execute(insert(network_posts), {"network_id": nid, "post": post})
            for person in plan["named"]:
                connection.execute(insert(network_people), {"network_id": nid, "person_id": person})
            members = [pid for pid, p, _ in holders if p in plan["posts"]] + plan["named"]
            for n, day in enumerate(meeting_days(plan, year)):
                meeting_id = f"{nid}-{n}"
                connection.execute(insert(network_meetings), meeting_row(meeting_id, nid, day))
                count += 1
                if day < today:
                    marks = [
                        {"meeting_id": meeting_id, "person_id": pid, "school_id": school_of[pid],
                         "mark": rng.choice(("present", "present", "present", "apologies")),
                         "marked_at": NOW}
                        for pid in members
                    ]  # fmt: skip
                    connection.execute(insert(network_marks), marks)
    return count


def network_row(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "network_id": plan["id"], "name": plan["id"].replace("-", " ").title(), "kind": "subject",
        "description": "", "facilitator_id": "ceo" if plan["rule"] == "fortnightly" else "sil-0",
        "agenda_lead_id": None, "cadence_rule": plan["rule"], "cadence_count": plan["count"],
        "private": plan["id"].startswith("1to1"), "agenda_template": [], "minutes": 90,
        "venue": "Trust office", "status": "open", "closed_reason": "", "version": 1,
        "changed_at": NOW, "formed_at": NOW,
    }  # fmt: skip


def meeting_row(meeting_id: str, network_id: str, day: date) -> dict[str, Any]:
    return {
        "meeting_id": meeting_id, "network_id": network_id, "series_id": None,
        "title": "Meeting", "organiser_id": "sil-0", "status": "confirmed", "polled": False,
        "close_reason": "", "deadline": None, "minutes": 90, "option_id": None, "date": day,
        "starts": "16:00", "ends": "17:30", "venue": "Trust office", "join_link": "",
        "warnings": [], "reason": "", "timed_seq": 1, "dated": True, "version": 1,
        "sequence": 0, "changed_at": NOW,
    }  # fmt: skip


def raw_rows(engine: Engine) -> int:
    """The baseline: the year's meetings and their marks read, nothing counted or rendered."""
    with engine.connect() as connection:
        meetings = connection.execute(select(network_meetings)).all()
        marks = connection.execute(select(network_marks)).all()
    return len(meetings) + len(marks)


def figures(label: str, p50: float, p99: float) -> None:
    print(f"  {label:<46} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")


def compliance_board(nats_url: str, folder: Path) -> None:
    heading("Compliance board: 25 networks, 7 schools, a year of meetings for every network")
    database_url = f"sqlite:///{folder / 'compliance.db'}"
    engine = create_db_engine(database_url)
    migrate(engine, [PACKAGE_DIR])
    today = date.today()
    meetings = a_trust(engine, today)
    stream = StreamSettings(name="BENCHBOARD", subjects=("benchboard.>",))
    app = create_app(Settings(nats_url, database_url, stream, SECRET_KEY), services={})
    client = app.test_client()
    ceo = someone("ceo", person_id="ceo", school_id=None, name="Bench CEO")
    client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(ceo)[IDENTITY_HEADER]
    page = client.get("/compliance")
    assert page.status_code == 200, page.status_code
    board = compliance(engine, year_of(today), today)
    print(f"  {meetings} meetings, {len(board.rows)} networks, {len(board.terms)} terms")
    figures("raw: the rows read, nothing counted", *server_times(lambda: raw_rows(engine)))
    counted = server_times(lambda: compliance(engine, year_of(today), today), ROUNDS)
    figures("compliance() counted, not rendered", *counted)
    rendered = server_times(lambda: client.get("/compliance"), ROUNDS)
    report("compliance board page (CEO)", *rendered, 100)
    app.extensions["engine"].dispose()
    engine.dispose()
