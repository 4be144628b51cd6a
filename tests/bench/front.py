"""The booking morning through the front door: `staffroom up --demo` as a person runs it,
every demo staff member signed in through the gateway (session cookie and CSRF token),
100 clients at once, each person booking one session in each of three breakout slots of a
demo-like day, some then cancelling a place or moving to another session. Once through the
JSON API (/api/trustdays/...), once through the programme page's forms as htmx posts them.

Printed for each path: requests/s, p50/p99, the page's read-your-writes wait (from the
frontend's Server-Timing), the projector's events/s, the CPU per request of each process,
the memory of the whole stack, the raw JetStream publish rate of the same run (synced, as
the stack runs, and not), and an independent replay of every slot's log (targets: pages
>= 400/s p99 < 300 ms; API >= 800/s p99 < 200 ms; projector >= 5,000 events/s; the wait
p99 < 20 ms; the stack < 600 MB RSS; 0 broken rules)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select

from events import EventStore, StreamSettings
from events.connection import connect
from events.db import create_db_engine, migrate
from events.embedded import EmbeddedNats, free_port
from events.nats_access import ADMIN, with_credentials
from events.projection import checkpoint, checkpoints
from events.projector import Projector
from readmodels import PACKAGE_DIR as READMODELS_DIR
from readmodels.directory.tables import people, role_grants
from readmodels.registry import PROJECTIONS
from tests.bench import processes
from tests.bench.http import ClientError, Connection
from tests.bench.log import AppendRace
from tests.bench.report import heading
from tests.bench.rush import broken_rules
from tests.support.identity import SECRET_KEY
from tests.support.trustdays import day_fields, session_fields

CLIENTS = 100
SLOTS = 3
SESSIONS_PER_SLOT = 12
CAPACITIES = (25, 40, 25, 30)
"""As the demo's rooms: popular sessions fill and keep a waitlist."""
CANCELS = MOVES = 0.15
"""The share of people who give up a place, and who move, after booking."""
STAFFROOM = str(Path(sys.executable).parent / "staffroom")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RYW = re.compile(r"read-your-writes;dur=([0-9.]+)")


class Stack:
    """`staffroom up --demo` in a folder of its own, its output drained as it comes."""

    def __init__(self, folder: Path, **settings: str):
        self.folder, self.settings = folder, settings
        self.port, self.nats_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: deque[str] = deque(maxlen=400)
        self.up = threading.Event()

    def __enter__(self) -> Stack:
        self.folder.mkdir(parents=True, exist_ok=True)
        ours = ("NATS_URL", "DATABASE_URL", "STAFFROOM_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        env |= {"STAFFROOM_VAR": str(self.folder / "var"), "STAFFROOM_SECRET_KEY": SECRET_KEY}
        env |= {"STAFFROOM_DEV": "1", **self.settings}  # "sign in as": no identity provider
        command = [STAFFROOM, "up", "--demo", "--port", str(self.port)]
        command += ["--nats-port", str(self.nats_port)]
        self.process = subprocess.Popen(
            command, env=env, cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        threading.Thread(target=self._drain, daemon=True).start()
        if not self._started() or not self._answering():
            self.__exit__()
            raise RuntimeError("staffroom up did not start:\n" + "".join(self.lines))
        return self

    def _started(self) -> bool:
        deadline = time.monotonic() + 180
        while not self.up.wait(0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
        return True

    def _answering(self) -> bool:
        """Whether the frontend and the services answer through the gateway yet."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code < 500:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        return False

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            if "Staffroom is up" in line:
                self.up.set()

    def __exit__(self, *_: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()

    @property
    def nats_url(self) -> str:
        passwords = json.loads((self.folder / "var" / "nats_passwords.json").read_text())
        return with_credentials(f"nats://127.0.0.1:{self.nats_port}", ADMIN, passwords[ADMIN])

    @property
    def database(self) -> str:
        return self.settings.get("DATABASE_URL") or f"sqlite:///{self.folder / 'var/staffroom.db'}"


@dataclass
class Person:
    person_id: str
    cookie: str = ""
    csrf: str = ""


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)
    """The frontend's read-your-writes waits, in ms."""

    def add(self, kind: str, seconds: float, status: int, timing: str) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses[status] += 1
        if found := RYW.search(timing):
            self.waits.append(float(found.group(1)))

    @property
    def every(self) -> list[float]:
        return [s for each in self.latencies.values() for s in each]


def staff_and_manager(database: str) -> tuple[list[str], str]:
    """The demo's active staff and its CPD manager, once the projector has shown them."""
    deadline = time.monotonic() + 60
    before: tuple[list[str], str] = ([], "")
    while not (found := _staff_and_manager(database))[1] or found != before:
        assert time.monotonic() < deadline, "the demo's people were not projected in 60 s"
        before = found
        time.sleep(0.5)
    return found


def _staff_and_manager(database: str) -> tuple[list[str], str]:
    engine = create_engine(database)
    with engine.connect() as connection:
        staff = connection.scalars(
            select(people.c.person_id).where(people.c.status == "active")
        ).all()
        manager = connection.scalar(
            select(role_grants.c.person_id).where(role_grants.c.role == "cpd_manager")
        )
    engine.dispose()
    return list(staff), str(manager or "")


async def sign_in(url: str, person: Person, then: str = "/") -> None:
    """As a person does: the sign-in page, "sign in as", then a page whose forms hold the
    session's CSRF token."""
    async with httpx.AsyncClient(base_url=url, follow_redirects=True, timeout=30) as http:
        page = await http.get("/sign-in")
        token = CSRF.search(page.text)
        assert token, "the sign-in page carries a CSRF token"
        form = {"person_id": person.person_id, "csrf_token": token.group(1), "next": then}
        landed = await http.post("/sign-in/as", data=form)
        assert landed.status_code == 200, f"sign-in answered {landed.status_code}"
        found = CSRF.search(landed.text)
        assert found, "the page after signing in carries a CSRF token"
        person.csrf = found.group(1)
        person.cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies.jar)


async def sign_everyone_in(url: str, everyone: list[Person], then: str) -> None:
    semaphore = asyncio.Semaphore(8)

    async def one(person: Person) -> None:
        async with semaphore:
            await sign_in(url, person, then)

    await asyncio.gather(*(one(p) for p in everyone))


def plan_day(url: str, manager: Person, number: int) -> dict:
    """A published demo-like day: three breakout slots of 12 sessions of 25 to 40 seats."""
    timetable = [{"kind": "keynote", "title": "Keynote", "starts": "09:00", "ends": "09:45"}]
    timetable += [
        {"kind": "breakout", "title": f"Breakout {n}", "starts": f"1{n}:00", "ends": f"1{n}:50"}
        for n in range(SLOTS)
    ]
    when = (datetime.now(UTC) + timedelta(days=60 + number)).date().isoformat()
    headers = {"Cookie": manager.cookie, "X-CSRF-Token": manager.csrf}
    api = f"{url}/api/trustdays"
    with httpx.Client(base_url=api, headers=headers, timeout=30) as client:
        fields = day_fields(slots=timetable, date=when, title=f"Bench PD day {number}")
        planned = client.post("/days", json=fields)
        assert planned.status_code == 201, planned.text
        day_id = planned.json()["id"]
        day = client.get(f"/days/{day_id}").json()
        sessions = {}
        for slot in (s for s in day["slots"] if s["kind"] == "breakout"):
            sessions[slot["slot_id"]] = [
                client.post(
                    f"/days/{day_id}/slots/{slot['slot_id']}/sessions",
                    json=session_fields(f"Session {n}", capacity=CAPACITIES[n % len(CAPACITIES)]),
                ).json()["id"]
                for n in range(SESSIONS_PER_SLOT)
            ]
        assert client.post(f"/days/{day_id}/publish").status_code < 300
    wait_until_shown(url, manager, f"/days/{day_id}")
    return {"day_id": day_id, "sessions": sessions}


def wait_until_shown(url: str, person: Person, page: str) -> None:
    """Until the projector has shown the published day on its programme page."""
    deadline = time.monotonic() + 30
    while httpx.get(url + page, headers={"Cookie": person.cookie}).status_code != 200:
        assert time.monotonic() < deadline, f"{page} was not shown in 30 s"
        time.sleep(0.05)


def morning(person: Person, day: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """What one person does: (action, slot, session) in order."""
    steps = []
    for slot_id, ids in day["sessions"].items():
        steps.append(("book", slot_id, rng.choices(ids, weights=range(len(ids), 0, -1))[0]))
    if rng.random() < CANCELS:
        steps.append(("cancel", *rng.choice(steps)[1:]))
    if rng.random() < MOVES:
        _, slot_id, held = rng.choice(steps[:SLOTS])
        steps.append(
            ("move", slot_id, rng.choice([s for s in day["sessions"][slot_id] if s != held]))
        )
    return steps


class Door:
    """How a person's action is sent: the JSON API, or the programme page's forms."""

    def __init__(self, name: str, day: dict):
        self.name, self.day = name, day

    def request(self, person: Person, action: str, slot_id: str, session_id: str) -> tuple:
        key = uuid.uuid4().hex
        headers = {"Cookie": person.cookie}
        day_id = self.day["day_id"]
        if self.name == "pages":
            headers["HX-Request"] = "true"
            form = {"csrf_token": person.csrf, "key": key}
            return "POST", f"/days/{day_id}/sessions/{session_id}/{action}", headers, {"form": form}
        headers |= {"X-CSRF-Token": person.csrf, "Idempotency-Key": key}
        slot = f"/api/trustdays/days/{day_id}/slots/{slot_id}"
        places = f"{slot}/sessions/{session_id}/places"
        if action == "book":
            return "POST", places, headers, {"json_body": {}}
        if action == "cancel":
            return "DELETE", f"{places}/{person.person_id}", headers, {}
        return "POST", f"{slot}/moves", headers, {"json_body": {"session_id": session_id}}


async def rush(
    url: str, path: Door, everyone: list[Person], seed: int, clients: int = CLIENTS
) -> Results:
    rng = random.Random(seed)
    plans = [(person, morning(person, path.day, rng)) for person in everyone]
    rng.shuffle(plans)
    queue: asyncio.Queue = asyncio.Queue()
    for plan in plans:
        queue.put_nowait(plan)
    results = Results()

    async def client() -> None:
        async with Connection(url) as http:  # each person's cookie goes in by hand
            while not queue.empty():
                person, steps = queue.get_nowait()
                for action, slot_id, session_id in steps:
                    method, target, headers, body = path.request(
                        person, action, slot_id, session_id
                    )
                    start = time.perf_counter()
                    try:
                        answer = await http.request(method, target, headers, **body)
                    except ClientError:  # counted as answer 0
                        results.add(action, time.perf_counter() - start, 0, "")
                        continue
                    seconds = time.perf_counter() - start
                    timing = answer.headers.get("server-timing", "")
                    results.add(action, seconds, answer.status, timing)

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def projected(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        seq = connection.scalar(
            select(checkpoints.c.last_seq).where(checkpoints.c.name == "trustdays")
        )
    engine.dispose()
    return int(seq or 0)


async def last_seq(nats_url: str) -> int:
    nc = await connect(nats_url, name="bench-front")
    try:
        return await EventStore(nc, StreamSettings()).last_seq()
    finally:
        await nc.drain()


def projector_rate(stack: Stack, first_seq: int, started: float) -> tuple[int, float]:
    """Events the projector applied since `first_seq`, and the seconds from the rush's start
    until it had caught up with the log."""
    end = asyncio.run(last_seq(stack.nats_url))
    deadline = time.monotonic() + 60
    while projected(stack.database) < end and time.monotonic() < deadline:
        time.sleep(0.005)
    return end - first_seq, time.perf_counter() - started


def quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (0.0, 0.0)
    cuts = statistics.quantiles(values, n=100)
    return cuts[49], cuts[98]


def report_path(name: str, results: Results, seconds: float) -> None:
    every = results.every
    p50, p99 = quantiles(every)
    print(
        f"  {name:<7} {len(every) / seconds:>7,.0f} requests/s  {len(every):,} in {seconds:.2f} s"
        f"  p50 {p50 * 1000:.0f} ms  p99 {p99 * 1000:.0f} ms  answers {dict(results.statuses)}"
    )
    for kind, each in sorted(results.latencies.items()):
        p50, p99 = quantiles(each)
        print(
            f"    {kind:<7} {len(each):>6,}  p50 {p50 * 1000:>6.0f} ms  p99 {p99 * 1000:>6.0f} ms"
        )
    if results.waits:
        p50, p99 = quantiles(results.waits)
        print(f"    read-your-writes wait in the frontend: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def report_cpu(cpu: dict[str, float], requests: int, events: int) -> None:
    parts = [
        f"{name} {seconds * 1000 / requests:.2f}"
        for name, seconds in sorted(cpu.items())
        if seconds > 0.005
    ]
    total = sum(cpu.values()) * 1000 / requests
    print(f"    CPU ms per request: {', '.join(parts)}; total {total:.2f}")
    if projector := cpu.get("projector"):
        print(f"    projector: {events / projector:,.0f} events per CPU second")


def report_memory(memory: dict[str, tuple[int, float, float]]) -> None:
    count, rss, pss = (sum(each[n] for each in memory.values()) for n in range(3))
    print(f"  the whole stack: {count:.0f} processes, RSS {rss:,.0f} MB, PSS {pss:,.0f} MB")
    parts = [f"{name} {n}: {r:.0f}/{p:.0f}" for name, (n, r, p) in sorted(memory.items())]
    print(f"    by process (count: RSS/PSS MB): {', '.join(parts)}")


async def raw_rates(urls: dict[str, str], count: int = 3_000) -> dict[str, float]:
    """Raw js.publish, one at a time, on each server, in interleaved rounds."""
    seconds = dict.fromkeys(urls, 0.0)
    races = {}
    for name, url in urls.items():
        nc = await connect(url, name="bench-raw")
        store = EventStore(
            nc, StreamSettings(name="BENCH_FRONT_RAW", subjects=("benchfrontraw.>",))
        )
        await store.ensure_stream()
        races[name] = AppendRace(store, store)
    for _ in range(3):
        for name, race in races.items():
            start = time.perf_counter()
            await race.raw(count // 3)
            seconds[name] += time.perf_counter() - start
    for race in races.values():
        await race.store.nc.drain()
    return {name: count // 3 * 3 / spent for name, spent in seconds.items()}


def run_path(
    stack: Stack,
    name: str,
    everyone: list[Person],
    manager: Person,
    number: int,
    clients: int = CLIENTS,
) -> None:
    day = plan_day(stack.url, manager, number)
    asyncio.run(sign_everyone_in(stack.url, everyone, f"/days/{day['day_id']}"))
    first_seq = asyncio.run(last_seq(stack.nats_url))
    cpu_before = processes.cpu_seconds(stack.process.pid)
    started = time.perf_counter()
    with processes.sampled(stack.process.pid, os.environ.get("BENCH_PROFILE"), name):
        results = asyncio.run(rush(stack.url, Door(name, day), everyone, number, clients))
    seconds = time.perf_counter() - started
    events, caught_up = projector_rate(stack, first_seq, started)
    cpu = processes.cpu_used(cpu_before, processes.cpu_seconds(stack.process.pid))
    report_path(name, results, seconds)
    print(
        f"    projector: {events:,} events applied {caught_up:.2f} s after the rush began"
        f" ({events / caught_up:,.0f}/s)"
    )
    report_cpu(cpu, len(results.every), events)
    stream = StreamSettings()
    broken = asyncio.run(broken_rules(stack.nats_url, stream, day))
    print(f"    broken rules after replaying the log: {broken}")


async def catch_up(nats_url: str, database: str) -> tuple[int, float, float]:
    """The projector's own code (one ordered consumer, batches as they come) applying the
    whole log to a fresh database: messages, seconds and CPU seconds. What it can keep up
    with when events come faster than in the rush (its batches then grow)."""
    engine = create_db_engine(database)
    migrate(engine, [READMODELS_DIR])
    nc = await connect(nats_url, name="bench-catch-up")
    store = EventStore(nc, StreamSettings())
    end, stop = await store.last_seq(), asyncio.Event()
    projector = Projector(store, engine, PROJECTIONS)
    started, cpu = time.perf_counter(), time.process_time()
    running = asyncio.create_task(projector.run(stop))
    while min(checkpoint(engine, p.name) for p in PROJECTIONS) < end and not running.done():
        await asyncio.sleep(0.01)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    stop.set()
    await running
    await nc.drain()
    engine.dispose()
    return end, seconds, cpu


def run(
    folder: Path,
    paths: tuple[str, ...] = ("api", "pages"),
    database_url: str = "",
    clients: int = CLIENTS,
    **settings: str,
) -> None:
    """The whole stack, on SQLite unless `database_url` names another read-model database,
    with `settings` in its environment (STAFFROOM_FRONTEND_PROCESS="1", WEB_CONCURRENCY…);
    its last lines are printed if the benchmark fails."""
    if database_url:
        settings["DATABASE_URL"] = database_url
    with Stack(folder / "front", **settings) as stack:
        try:
            measure(stack, paths, folder, clients)
        except Exception:
            print("".join(stack.lines))
            raise


def measure(stack: Stack, paths: tuple[str, ...], folder: Path, clients: int = CLIENTS) -> None:
    """Both paths, then the memory of the stack and the raw publish rates beside them."""
    staff, manager_id = staff_and_manager(stack.database)
    heading(
        f"The front door: {len(staff)} demo staff signed in, {clients} clients, "
        f"{SLOTS} slots x {SESSIONS_PER_SLOT} sessions, cancels and moves "
        "(staffroom up --demo, sync always)"
    )
    manager = Person(manager_id)
    asyncio.run(sign_in(stack.url, manager))
    everyone = [Person(p) for p in staff]
    for number, name in enumerate(paths):
        run_path(stack, name, everyone, manager, number, clients)
    report_memory(processes.memory(stack.process.pid))
    replay = f"sqlite:///{folder / 'front-catch-up.db'}"
    messages, seconds, cpu = asyncio.run(catch_up(stack.nats_url, replay))
    print(
        f"  the projector catching up on the whole log ({messages:,} messages, a fresh SQLite):"
        f" {messages / seconds:,.0f}/s, {messages / cpu:,.0f} per CPU second"
    )
    with EmbeddedNats(folder / "front-nats-default", sync_always=False) as unsynced:
        rates = asyncio.run(raw_rates({"always": stack.nats_url, "default": unsynced.url}))
    print(
        f"  raw js.publish, one at a time, same run: {rates['always']:,.0f}/s sync always "
        f"(the stack's server), {rates['default']:,.0f}/s nats-server's default sync"
    )
