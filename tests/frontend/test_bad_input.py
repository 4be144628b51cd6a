"""Hostile input at every door of the frontend: each route of the app's url_map, as the role
that may use it, gets each field of its forms (read from the pages' own HTML, so the test
follows the forms as they change) and each query argument the pages read, filled with what
an attacker sends: nothing, 10,000 characters, NUL and control characters, invalid UTF-8,
words for numbers, huge and negative numbers, digits that are not ASCII ("²", "٣") and a
number of 5,000 digits (past what int() reads), impossible dates and times, the first and
last dates a calendar has, a field given
twice, unknown ids; and every path parameter with odd characters. Never a 5xx; a 4xx is
the house's error page or the form marking what is wrong; a refusal leaves the log as it
was.

One world per database (test_who_may's, tests/support/world.py): each request is quick, the
walk samples values rather than the full cross product."""

from __future__ import annotations

import io
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from events.connection import NatsThread
from events.store import EventStore
from tests.frontend.test_who_may import MATRIX, REQUESTS, parse
from tests.support.databases import DATABASES
from tests.support.world import World, a_world

pytestmark = pytest.mark.slow

PAGES = Path(__file__).parents[2] / "frontend" / "pages"
PREFERRED = ("ta", "sl", "cpdm", "admin")
"""Who tries a route: a teacher where a teacher may, else the session leader, the CPD
manager, the trust admin (the operator's page)."""


@dataclass(frozen=True)
class Raw:
    """A value sent exactly as written, already percent-encoded (invalid UTF-8)."""

    encoded: str


Value = str | Raw
VALUES: tuple[Value, ...] = (
    "",
    "x" * 10_000,
    "\x00",
    "a\x07b\x1bc",
    Raw("%ED%A0%80"),  # a lone surrogate, as UTF-8 would encode one
    Raw("%FF%FE"),
    Raw("%zz%"),  # not percent-encoding at all
    "not a number",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "99999-01-01",
    "0001-01-01",  # dates a calendar has and no school: a day before it, or after, is none
    "9999-12-31",
    "0001-01-01T00:00",
    "25:61",
    "2026-13-01T25:61",
    "00000000-0000-7000-8000-000000000000",
    "<script>alert(1)</script>",
    "🙂 é 日本",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # int() reads it as 3
    "9" * 5_000,  # past int()'s 4,300 digits
)
NOT_A_NUMBER = {"²", "٣", "9" * 5_000}
"""What a number field (an input of type number) must refuse: a whole number is ASCII digits,
and no more of them than it can mean (frontend/numbers.py)."""
ERROR_MARKS = ("error-page", "field-error", 'role="alert"', "banner warning", "said-warning")
"""How a refusal shows: the house's error page, a field's error, an alert, a warning in the
page's messages, a session card's warning."""
SOON = (date.today() + timedelta(days=60)).isoformat()
FILLED = {
    "date": SOON, "title": "A title", "theme": "A theme", "venue": "A venue", "reason": "A reason",
    "starts": "15:00", "ends": "15:30", "capacity": "12", "room": "Room 9", "leader_name": "Lee",
    "description": "What it is about.", "speaker": "Sam Speaker",
}  # fmt: skip
"""What a person types where a form comes empty, so that one hostile field is the only fault."""
ODD_PATHS = (
    "%00",
    "%ED%A0%80",
    "%FF",
    "x" * 2_000,
    "..",
    "a%2Fb",
    "%F0%9F%99%82",
    "'\"<>",
    "-1",
    "00000000-0000-7000-8000-000000000000",
)
REFUSED_BY_THE_EDGE = {"\x00", "a\x07b\x1bc"}
"""Invalid UTF-8 is read as U+FFFD, which any database stores: only these must be refused."""


def encoded(fields: list[tuple[str, Value]]) -> str:
    return "&".join(
        f"{quote(name)}={value.encoded if isinstance(value, Raw) else quote(value)}"
        for name, value in fields
    )


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)
    """The names of its number inputs."""


class Forms(HTMLParser):
    """The forms of a page as a browser would send them: each control's name and value
    (a select's first option, a radio group's checked or first value, a checkbox's value
    when checked)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[Form] = []
        self.targets: set[str] = set()
        """The parts of the page that htmx swaps alone (hx-target="#id")."""
        self.select: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = {name: value or "" for name, value in attrs}
        target = at.get("hx-target", "")
        if target.startswith("#") and not re.search(r"[0-9a-f]{8}-", target):  # one of a kind
            self.targets.add(target[1:])
        if tag == "form":
            method = "POST" if "hx-post" in at else at.get("method", "get").upper()
            action = at.get("hx-post") or at.get("hx-get") or at.get("action", "")
            self.found.append(Form(method, action))
        elif tag == "option" and self.select and self.found:
            self.found[-1].fields.append((self.select, at.get("value", "")))
            self.select = None
        elif not self.found or "name" not in at:
            return
        elif tag == "select":
            self.select = at["name"]
        elif at.get("type") in ("checkbox", "radio"):
            self.choice(at)
        elif tag in ("input", "textarea", "button"):
            self.found[-1].fields.append((at["name"], at.get("value", "")))
            if at.get("type") == "number":
                self.found[-1].numbers.add(at["name"])

    def choice(self, at: dict[str, str]) -> None:
        """A radio group sends its checked value, else (for the walk) its first; a checkbox
        its value when checked (else its name only, with nothing)."""
        fields, name, value = self.found[-1].fields, at["name"], at.get("value", "on")
        if at.get("type") == "radio" and name in dict(fields):
            if "checked" in at:
                fields[:] = [(other, v) for other, v in fields if other != name]
                fields.append((name, value))
            return
        checked = "checked" in at or at.get("type") == "radio"
        fields.append((name, value if checked else ""))


def query_names() -> list[str]:
    """Every query argument a page reads (from the pages' source: new ones join at once)."""
    source = "\n".join(path.read_text() for path in PAGES.glob("*.py"))
    return sorted(set(re.findall(r"args\.get(?:list)?\(\s*\"(\w+)\"", source)))


@dataclass
class Door:
    """A route as `who` uses it: its method, a path that reaches it, a form that works."""

    rule: str
    method: str
    path: str
    who: str
    fields: list[tuple[str, str]]
    numbers: frozenset[str] = frozenset()
    """Its form's number inputs: each refuses NOT_A_NUMBER."""


@dataclass
class Walk:
    world: World
    store: EventStore
    adapter: MapAdapter
    nats: NatsThread
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    accepted: int = 0
    targets: set[str] = field(default_factory=set)

    def last_seq(self) -> int:
        return self.nats.run(self.store.last_seq())

    def quiet(self) -> int:
        """The log's last sequence once every consumer (the reactions', whose commands
        follow an accepted one) has read and acted on all of it."""
        while True:
            last = self.last_seq()
            consumers = self.nats.run(self.store.js.consumers_info(self.store.stream))
            done = all(c.num_pending == 0 and c.num_ack_pending == 0 for c in consumers)
            if done and self.last_seq() == last:
                return last
            time.sleep(0.02)

    def rule_of(self, method: str, path: str) -> str | None:
        try:
            rule, _ = self.adapter.match(urlsplit(path).path, method, return_rule=True)
        except HTTPException:
            return None
        return rule.rule

    def send(
        self, door: Door, path: str, fields: list[tuple[str, Value]], what: str, htmx: bool
    ) -> None:
        client: FlaskClient = self.world.client(door.who)
        if htmx:  # as a part of the page asks for itself, in turn
            client.environ_base["HTTP_HX_REQUEST"] = "true"
            targets = sorted(self.targets) or [""]
            client.environ_base["HTTP_HX_TARGET"] = targets[self.sent // 2 % len(targets)]
        before = self.last_seq()
        body = encoded(fields)
        if door.method == "GET":
            answer = client.get(path, query_string=body)
        else:
            kind = "application/x-www-form-urlencoded"
            answer = client.open(path, method=door.method, data=body, content_type=kind)
        self.sent += 1
        self.accepted += door.method != "GET" and answer.status_code < 400
        status, page = answer.status_code, answer.get_data().decode(errors="replace")
        how = "htmx" if htmx else "a page"
        said = f"{door.rule} as {door.who} ({how}), {what}: {status} {page[:300]!r}"
        if status >= 500:
            self.failures.append(said)
        elif status >= 400:
            if not any(mark in page for mark in ERROR_MARKS):
                self.failures.append(f"no error page nor field error: {said}")
            # The log is quiet before each request (an accepted one waits for its reactions
            # below), and a request appends before it answers: one look is enough.
            if self.last_seq() != before:
                self.failures.append(f"refused, yet the log moved: {said}")
                self.quiet()
        elif door.method != "GET":
            self.quiet()
        if status < 400 and any(value in REFUSED_BY_THE_EDGE for _, value in fields):
            self.failures.append(f"unstorable text accepted: {said}")
        if status < 400 and any(
            name in door.numbers and value in NOT_A_NUMBER for name, value in fields
        ):
            self.failures.append(f"a number not in ASCII digits accepted: {said}")


def doors(walk: Walk) -> list[Door]:
    """One door per route (and per form of it the pages show), as the first of PREFERRED the
    authorization matrix allows."""
    allowed: dict[str, list[str]] = {}
    for label, role, mark in parse(MATRIX):
        if mark == "A":
            allowed.setdefault(label, []).append(role)
    found: dict[tuple, Door] = {}
    for label, (route, build) in REQUESTS.items():
        who = next((w for w in PREFERRED if w in allowed.get(label, ())), None)
        if who is None:
            continue
        method, path, options = build(walk.world, who)
        fields = list((options.get("data") or {}).items())
        found.setdefault(("route", route), door_at(route, method, path, who, fields))
        if method == "GET":
            found.update(forms_on(walk, path, who))
    return sorted(found.values(), key=lambda door: destructive(door.rule))


def door_at(
    rule: str,
    method: str,
    action: str,
    who: str,
    fields: list,
    numbers: frozenset[str] = frozenset(),
) -> Door:
    """A form as a person fills it in (FILLED where the page leaves a field empty); a GET
    form's action may hold a query of its own: its fields join the form's."""
    action = action.partition("#")[0]
    filled = [(name, value or FILLED.get(name, "")) for name, value in fields]
    path, _, query = action.partition("?")
    if method != "GET":
        return Door(rule, method, action, who, filled, numbers)
    return Door(rule, method, path, who, [*parse_qsl(query), *filled], numbers)


def forms_on(walk: Walk, path: str, who: str) -> dict[tuple, Door]:
    answer = walk.world.client(who).get(path)
    if answer.status_code != 200 or answer.mimetype != "text/html":
        return {}
    found = {}
    page = Forms(answer.get_data(as_text=True))
    walk.targets |= page.targets
    for form in page.found:
        action = form.action or path
        rule = walk.rule_of(form.method, action)
        if rule is None:
            continue
        names = tuple(sorted({name for name, _ in form.fields}))
        key = (f"{form.method} {rule}", names)
        numbers = frozenset(form.numbers)
        found[key] = door_at(
            f"{form.method} {rule}", form.method, action, who, form.fields, numbers
        )
    return found


def destructive(rule: str) -> bool:
    """Cancelling, removing and publishing go last: what they change, others still need."""
    return any(word in rule for word in ("cancel", "remove", "publish", "feed-token"))


def hostile_forms(door: Door, names: list[str]) -> Iterator[tuple[list[tuple[str, Value]], str]]:
    """Each value in every field at once (and, on a GET, every query argument the pages
    read); each field alone with two values in turn, and given twice; each query argument
    alone with one value in turn."""
    base: list[tuple[str, Value]] = [(name, value) for name, value in door.fields if value != ""]
    own = list(dict.fromkeys(name for name, _ in door.fields))
    read = [name for name in names if name not in own] if door.method == "GET" else []
    for value in VALUES:
        yield [(name, value) for name in own + read], f"all fields {value!r:.30}"
    for n, name in enumerate(own + read):
        kept = [(other, value) for other, value in base if other != name]
        tries = 2 if name in own else 1
        for value in (VALUES[(tries * n + k) % len(VALUES)] for k in range(tries)):
            yield [*kept, (name, value)], f"{name}={value!r:.30}"
        if name in own:
            yield [*base, (name, "1"), (name, "2")], f"{name} given twice"
    yield [*base, ("no such field", "x" * 10_000), ("a\x00b", "1")], "fields no form has"


def odd_paths(door: Door, walk: Walk) -> Iterator[str]:
    """The door's path with each of its parameters replaced by odd characters."""
    rule = door.rule.split(" ", 1)[1]
    params = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    try:
        _, values = walk.adapter.match(urlsplit(door.path).path, door.method)
    except HTTPException:
        return
    for name in params:
        for odd in ODD_PATHS:
            yield door.path.replace(str(values[name]), odd, 1)


@pytest.fixture(scope="module", params=DATABASES)
def walk(request, nats, nats_server, tmp_path_factory) -> Iterator[Walk]:
    folder = tmp_path_factory.mktemp("bad")
    with a_world(nats, nats_server.url, request.param, folder) as world:
        adapter = world.stack.app.url_map.bind("localhost")
        yield Walk(world, world.store, adapter, nats)


@pytest.fixture(params=DATABASES)
def own_walk(request, nats, nats_server, tmp_path) -> Iterator[Walk]:
    """A world of the test's own: each half of the hostile walk builds one (about 4 s, beside
    a walk of minutes), so the halves may run on two workers at once (tests/support/parallel.py)
    and neither sees what the other changed."""
    with a_world(nats, nats_server.url, request.param, tmp_path) as world:
        adapter = world.stack.app.url_map.bind("localhost")
        yield Walk(world, world.store, adapter, nats)


def half_of(door: Door) -> int:
    """Which half of the hostile walk tries `door`: by its rule, the same in every world."""
    return zlib.crc32(door.rule.encode()) % 2


@pytest.mark.parametrize("half", (0, 1), ids=("half0", "half1"))
def test_hostile_fields_are_refused_clearly_and_change_nothing(own_walk: Walk, half: int):
    """Every door in one of the two halves (by its rule; the two together try every door)."""
    walk = own_walk
    names = query_names()
    started = time.monotonic()
    for door in doors(walk):
        if half_of(door) != half:
            continue
        for n, (fields, what) in enumerate(hostile_forms(door, names)):
            walk.send(door, door.path, fields, what, htmx=n % 2 == 1)
    assert walk.sent, f"half {half} of the walk tried no door"
    assert not walk.failures, "\n".join(walk.failures[:40])
    took = time.monotonic() - started
    print(f"{walk.sent} hostile requests ({walk.accepted} POSTs accepted) in {took:.1f} s")


def test_odd_path_parameters_are_refused_clearly_and_change_nothing(walk: Walk):
    for door in doors(walk):
        for n, path in enumerate(odd_paths(door, walk)):
            walk.send(door, path, list(door.fields), f"path {path[:80]!r}", htmx=n % 2 == 1)
    assert not walk.failures, "\n".join(walk.failures[:40])


def test_a_body_too_big_or_not_a_form_is_refused_clearly(walk: Walk):
    """Past the frontend's MAX_BODY: 413, the house's page; JSON or a file sent where a
    form goes reads as an empty form (422 or the page again), never a 5xx."""
    for door in doors(walk):
        if door.method != "POST":
            continue
        client = walk.world.client(door.who)
        before = walk.quiet()
        huge = client.post(door.path, data={"key": "k", "title": "x" * 1_100_000})
        assert huge.status_code == 413, door.rule
        assert "error-page" in huge.get_data(as_text=True)
        json_body = client.post(door.path, json={"title": ["\u0000"], "capacity": {"a": 1}})
        upload = (io.BytesIO(b"\x00\xff" * 1000), "a\x00.bin")
        with_file = client.post(door.path, data={**dict(door.fields), "title": upload})
        statuses = [answer.status_code for answer in (json_body, with_file)]
        assert max(statuses) < 500, f"{door.rule}: {statuses}"
        if min(statuses) >= 400:
            assert walk.quiet() == before, f"{door.rule}: refused, yet the log moved"


def test_the_walk_reaches_the_forms_of_the_pages(walk: Walk):
    """The forms are read from the pages: planning's, the register's, a person's and the
    programme's are among them (else the walk would quietly try nothing)."""
    reached = {door.rule for door in doors(walk)}
    for rule in (
        "POST /plan",
        "POST /plan/<day_id>/slots/<slot_id>/sessions",
        "POST /days/<day_id>/sessions/<session_id>/walk-ins",
        "POST /people/<person_id>/days/<day_id>/<action>",
        "POST /days/<day_id>/attendance",
        "GET /people",
    ):
        assert rule in reached
    assert {"q", "school", "page", "sort", "told", "leader_q"} <= set(query_names())
