"""The pages people open on booking morning, timed in the frontend itself (server time): the
programme of a day of 60 sessions holding 2,000 bookings, a personal calendar feed rendered
in full, and its 304 answer (targets: p50 under 30 ms, 20 ms and 2 ms)."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select

from events import Event, EventStore, StreamSettings
from events.config import Settings
from events.connection import connect, disconnect
from events.db import create_db_engine, migrate
from events.envelope import new_id
from events.identity import IDENTITY_HEADER
from events.projection import rebuild
from frontend import create_app
from frontend.pages.feeds import personal_feed
from readmodels import PACKAGE_DIR
from readmodels.directory.projection import directory
from readmodels.directory.tables import people as people_table
from readmodels.directory.tables import schools as schools_table
from readmodels.trustdays.projection import trustdays
from readmodels.trustdays.tables import pd_places
from tests.bench.report import heading
from tests.support.identity import SECRET_KEY, signed, someone

SLOTS, SESSIONS_PER_SLOT, BOOKINGS, CAPACITY = 3, 20, 2_000, 40
ROUNDS = 300


def day_events(day_id: str, slot_ids: list[str]) -> list[Event]:
    now = datetime.now(UTC)
    slots = [
        {"slot_id": slot_id, "kind": "breakout", "title": f"Breakout {n + 1}",
         "starts": f"{10 + n}:00", "ends": f"{10 + n}:50"}
        for n, slot_id in enumerate(slot_ids)
    ]  # fmt: skip
    record = {
        "day_id": day_id, "date": date.today() + timedelta(days=20), "academic_year": "2026-27",
        "term": 2, "title": "Bench PD day", "theme": "Attendance", "venue": "Calder Valley",
        "opens": now - timedelta(days=1), "closes": now + timedelta(days=10),
    }  # fmt: skip
    return [
        Event("DayPlanned", {**record, "slots": slots}),
        Event("DayPublished", {"day_id": day_id}),
    ]


def session(n: int) -> dict:
    return {
        "session_id": new_id(), "title": f"Session {n}", "description": "Practical strategies.",
        "community": "send", "leader": {"person_id": None, "name": "A. Facilitator"},
        "room": f"Room {n}", "capacity": CAPACITY, "audience": "all", "phase": "all",
        "mode": "in_person",
    }  # fmt: skip


async def fill_log(nats_url: str, stream: StreamSettings, person_id: str) -> str:
    """A published day of 60 sessions and 2,000 bookings, the bench person holding three."""
    nc = await connect(nats_url)
    store = EventStore(nc, stream)
    await store.ensure_stream()
    day_id, slot_ids = new_id(), [new_id() for _ in range(SLOTS)]
    await store.append(f"{stream.prefix}.trustdays.day.{day_id}", day_events(day_id, slot_ids), 0)
    people = [person_id] + [new_id() for _ in range(BOOKINGS // SLOTS)]
    for slot_id in slot_ids:
        subject = f"{stream.prefix}.trustdays.day.{day_id}.slot.{slot_id}"
        sessions = [session(n) for n in range(SESSIONS_PER_SLOT)]
        seq = (await store.append(subject, [Event("SessionAdded", s) for s in sessions], 0)).seq
        for n, someone_id in enumerate(people):
            chosen = sessions[n % SESSIONS_PER_SLOT]["session_id"]
            booked = Event("SessionBooked", {"person_id": someone_id, "session_id": chosen})
            seq = (await store.append(subject, [booked], seq)).seq
    joined = Event("PersonJoined", {
        "person_id": person_id, "name": "Bench Teacher", "email": "bench@example.sch.uk",
        "school_id": None, "category": "teaching", "job_title": "Teacher", "subjects": [],
    })  # fmt: skip
    await store.append(f"{stream.prefix}.directory.trust", [joined], 0)
    token = Event("FeedTokenIssued", {"person_id": person_id, "token": "bench-token-" + "x" * 20})
    await store.append(f"{stream.prefix}.directory.feed.{person_id}", [token], 0)
    await disconnect(nc)
    return day_id


async def project(nats_url: str, stream: StreamSettings, database_url: str) -> None:
    nc = await connect(nats_url)
    engine = create_db_engine(database_url)
    migrate(engine, [PACKAGE_DIR])
    for projection in (trustdays, directory):
        await rebuild(EventStore(nc, stream), engine, projection)
    engine.dispose()
    await disconnect(nc)


def server_times(request: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        request()
        times.append(time.perf_counter() - start)
    quantiles = statistics.quantiles(times, n=100)
    return quantiles[49] * 1000, quantiles[98] * 1000


def report(label: str, p50: float, p99: float, target: float) -> None:
    verdict = "met" if p50 < target else "MISSED"
    figures = f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
    print(f"  {label:<46} {figures}  (target p50 < {target:g} ms: {verdict})")


def staff_of_the_bench_day(database_url: str, schools: int = 6) -> None:
    """The people holding the bench day's places, in the directory's read model as its
    projection would leave them, spread over a few schools (the overview joins them)."""
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        holders = connection.execute(select(pd_places.c.person_id).distinct()).scalars().all()
        known = set(connection.execute(select(people_table.c.person_id)).scalars())
        for n in range(schools):
            school = {"school_id": f"bench-school-{n}", "name": f"Bench School {n}"}
            place = {"phase": "primary", "urn": f"{n:06d}", "town": "Leeds"}
            connection.execute(insert(schools_table).values(**school, **place))
        for n, person_id in enumerate(p for p in holders if p not in known):
            email = f"t{n}@bench.sch.uk"
            row = {"person_id": person_id, "name": f"Teacher {n:04d}", "email": email}
            row |= {"email_key": email, "school_id": f"bench-school-{n % schools}"}
            row |= {"category": "teaching", "job_title": "Teacher", "subjects": ""}
            connection.execute(insert(people_table).values(**row, status="active"))
    engine.dispose()


def time_the_overview(app: Flask, day_id: str, database_url: str) -> None:
    """The CPD manager's overview of the day (every school: 667 staff, 60 sessions, 2,000
    bookings), its live poll when nothing changed, and the bookings as XLSX."""
    staff_of_the_bench_day(database_url)
    client = app.test_client()
    manager = someone("cpd_manager", person_id=new_id(), school_id=None, name="Bench Manager")
    client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(manager)[IDENTITY_HEADER]
    overview = f"/days/{day_id}/overview"
    page = client.get(overview)
    assert page.status_code == 200 and page.get_data(as_text=True).count('<th scope="row">') > 60
    report(
        "overview page (CPD manager, all schools)",
        *server_times(lambda: client.get(overview), 50),
        150,
    )
    live = re.search(r'id="overview-live" hx-get="([^"]+)"', page.get_data(as_text=True))
    assert live
    poll = live[1].replace("&amp;", "&")
    htmx = {"HX-Request": "true"}
    assert client.get(poll, headers=htmx).status_code == 204
    report(
        "overview live poll, nothing changed (204)",
        *server_times(lambda: client.get(poll, headers=htmx)),
        5,
    )
    xlsx = f"/days/{day_id}/exports/bookings.xlsx"
    assert client.get(xlsx).status_code == 200
    report("bookings export, XLSX (2,000 rows)", *server_times(lambda: client.get(xlsx), 20), 500)


def time_the_person_page(app: Flask, person_id: str) -> None:
    """The CPD manager's page of one person (people.person_page) on the bench day: their
    three seats, and in each slot the other 19 sessions offered to move them to; and a
    search of the trust's people by name."""
    client = app.test_client()
    manager = someone("cpd_manager", person_id=new_id(), school_id=None, name="Bench Manager")
    client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(manager)[IDENTITY_HEADER]
    url = f"/people/{person_id}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('<span class="tag tag-ok">Booked</span>') == 3
    times = server_times(lambda: client.get(url))
    report("person page (CPD manager, 3 seats of 2,000)", *times, 50)
    search = "/people?q=teacher"
    assert client.get(search).status_code == 200
    report("people search, 'teacher' (25 a page)", *server_times(lambda: client.get(search)), 30)


def run(nats_url: str, folder: Path) -> None:
    heading("Pages: a day of 60 sessions and 2,000 bookings, timed in the frontend (SQLite)")
    stream = StreamSettings(name="BENCH_PAGES", subjects=("benchpages.>",))
    database_url = f"sqlite:///{folder / 'pages.db'}"
    person = someone(person_id=new_id(), name="Bench Teacher")
    day_id = asyncio.run(fill_log(nats_url, stream, person.person_id))
    asyncio.run(project(nats_url, stream, database_url))
    app = create_app(Settings(nats_url, database_url, stream, SECRET_KEY), services={})
    client = app.test_client()
    client.environ_base["HTTP_X_STAFFROOM_IDENTITY"] = signed(person)[IDENTITY_HEADER]

    page = client.get(f"/days/{day_id}")
    assert page.status_code == 200 and page.get_data(as_text=True).count('<li class="session') == 60
    report("programme page", *server_times(lambda: client.get(f"/days/{day_id}")), 30)

    feed_url = "/feeds/bench-token-" + "x" * 20 + "/mine.ics"
    feed = client.get(feed_url)
    assert feed.status_code == 200 and feed.data.count(b"BEGIN:VEVENT") == 3

    def full_render() -> object:
        personal_feed.cache_clear()  # as when the log has moved on since the last visit
        return client.get(feed_url)

    report("personal feed, full render", *server_times(full_render), 20)
    etag = {"If-None-Match": feed.headers["ETag"]}
    assert client.get(feed_url, headers=etag).status_code == 304
    report("personal feed, 304", *server_times(lambda: client.get(feed_url, headers=etag)), 2)
    time_the_overview(app, day_id, database_url)
    time_the_person_page(app, person.person_id)
    app.extensions["engine"].dispose()
