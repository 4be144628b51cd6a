"""The frontend's authorization matrix: every page and form against every role, through the
app as the gateway reaches it (a signed identity, or none). A is allowed (2xx, or a 303 back
to the page), D denied (401 without an identity, 403 with one), N not found (404: a draft
day is the CPD manager's alone, a feed token must be someone's current one), R let through
and then refused by a rule of the day (409).

One world per database for the whole module (tests/support/world.py): two schools, a
published PD day today and a draft one, everyone booked where a cell needs a seat. A
leaver's browser reaches the frontend with no identity (the gateway signs only people still
in the trust: see tests/gateway/test_who_may.py), and their calendar feeds stop.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.config import Settings
from events.store import StreamSettings
from frontend import create_app
from readmodels.networks import queries
from readmodels.trustdays import queries as pd_queries
from services.notifications import invitations, unsubscribe
from tests.support.databases import DATABASES
from tests.support.identity import SECRET_KEY
from tests.support.matrix import cells
from tests.support.meetings import a_network, a_poll
from tests.support.network_rows import a_series, an_action
from tests.support.pages import links_of
from tests.support.world import WITHOUT_IDENTITY, World, a_world

LONDON = ZoneInfo("Europe/London")
WHO = ("none", "ta", "tb", "sl", "osl", "head", "cpdl", "nl", "cpdm", "ceo", "admin", "leaver")
"""No identity; a teacher of school A, of school B; the leader of the session, of another
session; A's headteacher and school CPD lead; a network lead; the CPD manager; the CEO; a
trust admin; someone who has left."""

MATRIX = """
route                                   none ta tb sl osl head cpdl nl cpdm ceo admin leaver
GET /                                   D    A  A  A  A   A    A    A  A    A   A     D
GET /operator                           D    D  D  D  D   D    D    D  D    D   A     D
GET /staff                              D    D  D  D  D   A    A    D  A    A   A     D
GET /staff, another school              D    D  D  D  D   D    D    D  A    A   A     D
GET /days/<id>                          D    A  A  A  A   A    A    A  A    A   A     D
GET /days/<draft>                       D    N  N  N  N   N    N    N  A    N   N     D
GET /days/<id>/live                     D    A  A  A  A   A    A    A  A    A   A     D
GET /days/<draft>/live                  D    N  N  N  N   N    N    N  A    N   N     D
POST book                               D    A  A  A  A   A    A    A  A    A   A     D
POST book, draft                        D    N  N  N  N   N    N    N  R    N   N     D
POST cancel my seat                     D    A  A  A  A   A    A    A  A    A   A     D
POST move my seat                       D    A  A  A  A   A    A    A  A    A   A     D
POST place someone                      D    D  D  D  D   D    D    D  A    D   D     D
POST no such action                     D    N  N  N  N   N    N    N  N    N   N     D
GET /my-cpd                             D    A  A  A  A   A    A    A  A    A   A     D
POST attendance                         D    A  A  A  A   A    A    A  A    A   A     D
POST attendance, draft                  D    N  N  N  N   N    N    N  R    N   N     D
POST nudge to book, no such day         D    D  D  D  D   D    D    D  N    D   D     D
POST nudge to book, draft               D    D  D  D  D   D    D    D  R    D   D     D
POST /my-cpd/feed-token                 D    A  A  A  A   A    A    A  A    A   A     D
GET register                            D    D  D  A  D   D    D    D  A    D   D     D
GET register, draft                     D    N  N  N  N   N    N    N  A    N   N     D
POST register mark                      D    D  D  A  D   D    D    D  A    D   D     D
POST walk-ins                           D    D  D  A  D   D    D    D  A    D   D     D
POST register cancel a booking          D    D  D  D  D   D    D    D  A    D   D     D
POST register all present               D    D  D  A  D   D    D    D  A    D   D     D
GET overview                            D    D  D  D  D   A    A    D  A    A   A     D
GET overview, draft                     D    D  D  D  D   N    N    D  A    N   N     D
GET not-booked.csv                      D    D  D  D  D   A    A    D  A    A   A     D
GET not-booked.csv, draft               D    D  D  D  D   N    N    D  A    N   N     D
GET overview, another school            D    D  D  D  D   D    D    D  A    A   A     D
GET overview live                       D    D  D  D  D   A    A    D  A    A   A     D
GET overview live, draft                D    D  D  D  D   N    N    D  A    N   N     D
GET programme.xlsx                      D    D  D  D  D   A    A    D  A    A   A     D
GET bookings.csv                        D    D  D  D  D   A    A    D  A    A   A     D
GET registers.xlsx                      D    D  D  D  D   A    A    D  A    A   A     D
GET export, draft                       D    D  D  D  D   N    N    D  A    N   N     D
GET export, no such one                 D    D  D  D  D   N    N    D  N    N   N     D
GET printable register                  D    D  D  A  D   D    D    D  A    D   D     D
GET printable register, draft           D    N  N  N  N   N    N    N  A    N   N     D
GET mine.ics, my token                  N    A  A  A  A   A    A    A  A    A   A     N
GET pd-days.ics, my token               N    A  A  A  A   A    A    A  A    A   A     N
GET session .ics, my seat               D    A  A  A  A   A    A    A  A    A   A     D
GET session .ics, no place              D    N  N  N  N   N    N    N  N    N   N     D
GET /people                             D    D  D  D  D   A    A    D  A    D   D     D
GET /people, another school             D    D  D  D  D   D    D    D  A    D   D     D
GET /people/<id>                        D    D  D  D  D   A    A    D  A    D   D     D
GET /people/<id>, another school        D    D  D  D  D   D    D    D  A    D   D     D
POST people place                       D    D  D  D  D   D    D    D  A    D   D     D
POST people cancel                      D    D  D  D  D   D    D    D  A    D   D     D
POST people exemption                   D    D  D  D  D   D    D    D  A    D   D     D
GET /plan                               D    D  D  D  D   D    D    D  A    D   D     D
POST /plan                              D    D  D  D  D   D    D    D  A    D   D     D
GET /plan/leaders                       D    D  D  D  D   D    D    D  A    D   D     D
GET /plan/<draft>                       D    D  D  D  D   D    D    D  A    D   D     D
POST /plan/<day>, no such day           D    D  D  D  D   D    D    D  N    D   D     D
POST add slot, no such day              D    D  D  D  D   D    D    D  N    D   D     D
POST change slot, no such day           D    D  D  D  D   D    D    D  N    D   D     D
GET remove slot                         D    D  D  D  D   D    D    D  A    D   D     D
POST remove slot, no such day           D    D  D  D  D   D    D    D  N    D   D     D
GET new session                         D    D  D  D  D   D    D    D  A    D   D     D
POST add session, no such day           D    D  D  D  D   D    D    D  N    D   D     D
GET copy a session                      D    D  D  D  D   D    D    D  A    D   D     D
GET change session                      D    D  D  D  D   D    D    D  A    D   D     D
POST change session, no such day        D    D  D  D  D   D    D    D  N    D   D     D
POST cancel session, no such day        D    D  D  D  D   D    D    D  N    D   D     D
GET copy day                            D    D  D  D  D   D    D    D  A    D   D     D
POST copy day, no such day              D    D  D  D  D   D    D    D  N    D   D     D
POST publish, no such day               D    D  D  D  D   D    D    D  N    D   D     D
POST cancel day, no such day            D    D  D  D  D   D    D    D  N    D   D     D
GET find dates                          D    D  D  D  D   D    D    A  A    A   A     D
POST open poll, no such network         D    N  N  N  N   N    N    N  N    N   N     D
GET poll                                D    A  A  A  A   A    A    A  A    A   A     D
POST vote, no such meeting              D    N  N  N  N   N    N    N  N    N   N     D
POST nudge, no such meeting             D    N  N  N  N   N    N    N  N    N   N     D
POST close poll, no such meeting        D    N  N  N  N   N    N    N  N    N   N     D
GET confirm a date                      D    D  D  D  D   D    D    A  A    A   A     D
POST confirm, no such meeting           D    N  N  N  N   N    N    N  N    N   N     D
GET meeting                             D    A  A  A  A   A    A    A  A    A   A     D
GET meeting, one-to-one                 D    D  D  D  D   A    D    D  D    A   D     D
POST agenda, no such meeting            D    N  N  N  N   N    N    N  N    N   N     D
POST minutes, no such meeting           D    N  N  N  N   N    N    N  N    N   N     D
POST action, no such meeting            D    N  N  N  N   N    N    N  N    N   N     D
POST action status, no such meeting     D    N  N  N  N   N    N    N  N    N   N     D
POST meeting register, no such meeting  D    N  N  N  N   N    N    N  N    N   N     D
POST move meeting, no such meeting      D    N  N  N  N   N    N    N  N    N   N     D
POST cancel meeting, no such meeting    D    N  N  N  N   N    N    N  N    N   N     D
GET /networks                           D    A  A  A  A   A    A    A  A    A   A     D
GET /networks/new                       D    D  D  D  D   D    D    A  A    A   A     D
POST /networks, a form to put right     D    D  D  D  D   D    D    I  I    I   I     D
GET /networks/<id>                      D    A  A  A  A   A    A    A  A    A   A     D
GET /networks/<id>, one-to-one          D    N  N  N  N   A    N    A  A    A   A     D
GET /networks/<id>/edit                 D    D  D  D  D   D    D    A  A    A   A     D
POST /networks/<id>, no such network    D    D  D  D  D   D    D    N  N    N   N     D
POST close network, no such network     D    D  D  D  D   D    D    N  N    N   N     D
GET plan a series                       D    D  D  D  D   D    D    A  A    A   A     D
POST plan a series, no such network     D    N  N  N  N   N    N    N  N    N   N     D
GET book a meeting                      D    D  D  D  D   D    D    A  A    A   A     D
POST book a meeting, no such network    D    N  N  N  N   N    N    N  N    N   N     D
GET /series/<id>                        D    A  A  A  A   A    A    A  A    A   A     D
POST move in series, no such meeting    D    D  D  D  D   D    D    N  N    N   N     D
POST cancel in series, no such meeting  D    D  D  D  D   D    D    N  N    N   N     D
POST end series, no such series         D    N  N  N  N   N    N    N  N    N   N     D
GET /compliance                         D    D  D  D  D   D    D    A  A    A   A     D
GET /my-actions                         D    A  A  A  A   A    A    A  A    A   A     D
POST action done, no such action        D    N  N  N  N   N    N    N  N    N   N     D
GET /actions/overdue                    D    D  D  D  D   A    D    A  A    A   A     D
GET /actions/overdue, another school    D    D  D  D  D   N    D    A  A    A   A     D
GET /year                               D    A  A  A  A   A    A    A  A    A   A     D
GET /year/<id>                          D    A  A  A  A   A    A    A  A    A   A     D
GET /year/<id>/terms                    D    D  D  D  D   D    D    D  A    D   A     D
POST year terms, a form to put right    D    D  D  D  D   D    D    D  I    D   I     D
GET a school's dates                    D    A  A  A  A   A    A    A  A    A   A     D
POST add a date, a form to put right    D    D  D  D  D   I    I    D  I    D   I     D
POST remove a date, no such date        D    D  D  D  D   N    N    D  N    D   N     D
POST import, no file                    D    D  D  D  D   I    I    D  I    D   I     D
GET a school's own terms                D    D  D  D  D   A    A    D  A    D   A     D
POST school terms, a form to put right  D    D  D  D  D   I    I    D  I    D   I     D
POST give a post, a form to put right   D    D  D  D  D   I    I    D  I    D   D     D
POST take away a post, not held         D    D  D  D  D   N    N    D  N    D   D     D
GET /me/messages                        D    A  A  A  A   A    A    A  A    A   A     D
GET a teacher's messages                D    A  D  D  D   D    D    D  A    D   A     D
GET a day's messages                    D    D  D  D  D   D    D    D  A    D   A     D
GET a meeting's messages                D    D  D  D  D   D    D    A  A    A   A     D
GET a meeting's messages, one-to-one    D    D  D  D  D   D    D    D  A    A   A     D
GET a meeting's messages, no such one   D    N  N  N  N   N    N    N  N    N   N     D
GET /operator/messages                  D    D  D  D  D   D    D    D  D    D   A     D
POST release, no such message           D    D  D  D  D   D    D    D  D    D   N     D
GET /operator/mail                      D    D  D  D  D   D    D    D  D    D   A     D
GET /operator/mail/<key>, no such key   D    D  D  D  D   D    D    D  D    D   N     D
GET /me/notifications                   D    A  A  A  A   A    A    A  A    A   A     D
POST /me/notifications                  D    A  A  A  A   A    A    A  A    A   A     D
GET an unsubscribe link                 A    A  A  A  A   A    A    A  A    A   A     A
GET a forged unsubscribe link           N    N  N  N  N   N    N    N  N    N   N     N
POST an unsubscribe link                A    A  A  A  A   A    A    A  A    A   A     A
GET an invitation link                  A    A  A  A  A   A    A    A  A    A   A     A
GET a forged invitation link            N    N  N  N  N   N    N    N  N    N   N     N
GET a poll's link as an invitation's    N    N  N  N  N   N    N    N  N    N   N     N
POST an invitation link, no answer      I    I  I  I  I   I    I    I  I    I   I     I
POST an invitation link, note too long  I    I  I  I  I   I    I    I  I    I   I     I
POST invitation, no such meeting        D    N  N  N  N   N    N    N  N    N   N     D
GET a poll link                         A    A  A  A  A   A    A    A  A    A   A     A
GET a forged poll link                  N    N  N  N  N   N    N    N  N    N   N     N
GET an invitation's link as a poll's    N    N  N  N  N   N    N    N  N    N   N     N
POST a poll link, comment too long      I    I  I  I  I   I    I    I  I    I   I     I
POST a forged poll link                 N    N  N  N  N   N    N    N  N    N   N     N
"""
EXPECTED = {"A": range(200, 400), "N": (404,), "R": (409,), "I": (422,)}


def parse(matrix: str) -> list[tuple[str, str, str]]:
    return cells(matrix, WHO)


@pytest.fixture(scope="module", params=DATABASES)
def world(request, nats, nats_server, tmp_path_factory) -> Iterator[World]:
    with a_world(nats, nats_server.url, request.param, tmp_path_factory.mktemp("who")) as built:
        yield built


Request = tuple[str, str, dict]


def get(path: str) -> Callable[[World, str], Request]:
    return lambda w, who: ("GET", path.format(day=w.day, draft=w.draft), {})


def act(action: str, session: str, draft: bool = False) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        day = w.draft if draft else w.day
        form = {"key": uuid.uuid4().hex, "email": "placed@example.sch.uk"}
        return "POST", f"{day.session(session)}/{action}", {"data": form}

    return request


def attendance(draft: bool) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        day = w.draft if draft else w.day
        return "POST", f"/days/{day.day_id}/attendance", {"data": {"attending": "yes"}}

    return request


def on_register(path: str, form: Callable[[World, str], dict]) -> Callable[[World, str], Request]:
    return lambda w, who: (
        "POST",
        w.day.session("led") + path.format(ids=w.ids),
        {"data": form(w, who)},
    )


def feed(name: str) -> Callable[[World, str], Request]:
    return lambda w, who: ("GET", f"/feeds/{w.token(who)}/{name}", {})


def walk_in(w: World, who: str) -> dict:
    return {"person_id": w.ids.get(f"walk-in-{who}", w.ids["attendee"])}


REQUESTS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /": ("GET /", get("/")),
    "GET /operator": ("GET /operator", get("/operator")),
    "GET /staff": ("GET /staff", get("/staff")),
    "GET /staff, another school": ("GET /staff", get("/staff?school=school-b")),
    "GET /days/<id>": ("GET /days/<day_id>", get("/days/{day.day_id}")),
    "GET /days/<draft>": ("GET /days/<day_id>", get("/days/{draft.day_id}")),
    "GET /days/<id>/live": ("GET /days/<day_id>/live", get("/days/{day.day_id}/live")),
    "GET /days/<draft>/live": ("GET /days/<day_id>/live", get("/days/{draft.day_id}/live")),
    "POST book": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("book", "bookable"),
    ),
    "POST book, draft": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("book", "bookable", draft=True),
    ),
    "POST cancel my seat": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("cancel", "to cancel"),
    ),
    "POST move my seat": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("move", "to move to"),
    ),
    "POST place someone": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("place-someone", "open"),
    ),
    "POST no such action": (
        "POST /days/<day_id>/sessions/<session_id>/<action>",
        act("steal", "open"),
    ),
    "GET /my-cpd": ("GET /my-cpd", get("/my-cpd")),
    "POST attendance": ("POST /days/<day_id>/attendance", attendance(draft=False)),
    "POST attendance, draft": ("POST /days/<day_id>/attendance", attendance(draft=True)),
    "POST nudge to book, no such day": (
        "POST /days/<day_id>/nudges",
        lambda w, who: ("POST", "/days/none/nudges", {"data": {"key": uuid.uuid4().hex}}),
    ),
    "POST nudge to book, draft": (
        "POST /days/<day_id>/nudges",
        lambda w, who: (
            "POST",
            f"/days/{w.draft.day_id}/nudges",
            {"data": {"key": uuid.uuid4().hex}},
        ),
    ),
    "POST /my-cpd/feed-token": (
        "POST /my-cpd/feed-token",
        lambda w, who: ("POST", "/my-cpd/feed-token", {"data": {"key": uuid.uuid4().hex}}),
    ),
    "GET register": (
        "GET /days/<day_id>/sessions/<session_id>/register",
        lambda w, who: ("GET", f"{w.day.session('led')}/register", {}),
    ),
    "GET register, draft": (
        "GET /days/<day_id>/sessions/<session_id>/register",
        lambda w, who: ("GET", f"{w.draft.session('led')}/register", {}),
    ),
    "POST register mark": (
        "POST /days/<day_id>/sessions/<session_id>/register/<person_id>",
        on_register("/register/{ids[attendee]}", lambda w, who: {"mark": "present"}),
    ),
    "POST walk-ins": (
        "POST /days/<day_id>/sessions/<session_id>/walk-ins",
        on_register("/walk-ins", walk_in),
    ),
    "POST register cancel a booking": (
        "POST /days/<day_id>/sessions/<session_id>/register/<person_id>/cancel",
        on_register("/register/{ids[cancelled]}/cancel", lambda w, who: {"key": "cancel"}),
    ),
    "POST register all present": (
        "POST /days/<day_id>/sessions/<session_id>/all-present",
        on_register("/all-present", lambda w, who: {}),
    ),
    "GET overview": ("GET /days/<day_id>/overview", get("/days/{day.day_id}/overview")),
    "GET overview, draft": ("GET /days/<day_id>/overview", get("/days/{draft.day_id}/overview")),
    "GET not-booked.csv": (
        "GET /days/<day_id>/not-booked.csv",
        get("/days/{day.day_id}/not-booked.csv"),
    ),
    "GET not-booked.csv, draft": (
        "GET /days/<day_id>/not-booked.csv",
        get("/days/{draft.day_id}/not-booked.csv"),
    ),
    "GET overview, another school": (
        "GET /days/<day_id>/overview",
        get("/days/{day.day_id}/overview?school=school-b"),
    ),
    "GET overview live": (
        "GET /days/<day_id>/overview/live",
        get("/days/{day.day_id}/overview/live"),
    ),
    "GET overview live, draft": (
        "GET /days/<day_id>/overview/live",
        get("/days/{draft.day_id}/overview/live"),
    ),
    "GET programme.xlsx": (
        "GET /days/<day_id>/exports/<name>.<fmt>",
        get("/days/{day.day_id}/exports/programme.xlsx"),
    ),
    "GET bookings.csv": (
        "GET /days/<day_id>/exports/<name>.<fmt>",
        get("/days/{day.day_id}/exports/bookings.csv"),
    ),
    "GET registers.xlsx": (
        "GET /days/<day_id>/exports/<name>.<fmt>",
        get("/days/{day.day_id}/exports/registers.xlsx"),
    ),
    "GET export, draft": (
        "GET /days/<day_id>/exports/<name>.<fmt>",
        get("/days/{draft.day_id}/exports/bookings.csv"),
    ),
    "GET export, no such one": (
        "GET /days/<day_id>/exports/<name>.<fmt>",
        get("/days/{day.day_id}/exports/secrets.csv"),
    ),
    "GET printable register": (
        "GET /days/<day_id>/sessions/<session_id>/printable-register",
        lambda w, who: ("GET", f"{w.day.session('led')}/printable-register", {}),
    ),
    "GET printable register, draft": (
        "GET /days/<day_id>/sessions/<session_id>/printable-register",
        lambda w, who: ("GET", f"{w.draft.session('led')}/printable-register", {}),
    ),
    "GET mine.ics, my token": ("GET /feeds/<token>/mine.ics", feed("mine.ics")),
    "GET pd-days.ics, my token": ("GET /feeds/<token>/pd-days.ics", feed("pd-days.ics")),
    "GET session .ics, my seat": (
        "GET /days/<day_id>/sessions/<session_id>.ics",
        lambda w, who: ("GET", f"{w.day.session('kept')}.ics", {}),
    ),
    "GET session .ics, no place": (
        "GET /days/<day_id>/sessions/<session_id>.ics",
        lambda w, who: ("GET", f"{w.day.session('led')}.ics", {}),
    ),
}


def people_page(path: str, form: dict | None = None) -> Callable[[World, str], Request]:
    """The people pages, about "found" (of school A) or tb (of school B): the CPD manager
    places "found" on the session "open" and marks them exempt from the day."""

    def request(w: World, who: str) -> Request:
        ids = {"found": w.ids["found"], "other": w.ids["tb"], "day": w.day.day_id}
        ids["open"] = w.day.sessions["open"]
        if form is None:
            return "GET", path.format(**ids), {}
        data = {name: value.format(**ids) for name, value in form.items()}
        return "POST", path.format(**ids), {"data": {"key": uuid.uuid4().hex, **data}}

    return request


ACTING_FOR = "POST /people/<person_id>/days/<day_id>/<action>"
PEOPLE: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /people": ("GET /people", people_page("/people")),
    "GET /people, another school": ("GET /people", people_page("/people?school=school-b")),
    "GET /people/<id>": ("GET /people/<person_id>", people_page("/people/{found}")),
    "GET /people/<id>, another school": (
        "GET /people/<person_id>",
        people_page("/people/{other}"),
    ),
    "POST people place": (
        ACTING_FOR,
        people_page("/people/{found}/days/{day}/place", {"session_id": "{open}"}),
    ),
    "POST people cancel": (  # without htmx: the page that asks once, nothing changed yet
        ACTING_FOR,
        people_page("/people/{found}/days/{day}/cancel", {"session_id": "{open}"}),
    ),
    "POST people exemption": (
        ACTING_FOR,
        people_page(
            "/people/{found}/days/{day}/exemption", {"exempt": "yes", "reason": "Part-time"}
        ),
    ),
}
REQUESTS |= PEOPLE


def planning(method: str, path: str, form: dict | None = None) -> Callable[[World, str], Request]:
    """A planning page or form: on the draft day (its slot of the session "open"), or on no
    day at all for a change, so the matrix changes nothing but the one day it plans."""

    def request(w: World, who: str) -> Request:
        session_id = w.draft.sessions["open"]
        found = pd_queries.find_session(w.stack.engine, w.draft.day_id, session_id)
        assert found is not None
        ids = {"draft": w.draft.day_id, "slot": found.slot_id, "session": session_id}
        return method, path.format(**ids), {"data": {"key": uuid.uuid4().hex, **(form or {})}}

    return request


NEW_DAY = {"date": (datetime.now(LONDON) + timedelta(days=40)).date().isoformat(), "title": "T"}
NEW_DAY |= {"theme": "Th", "venue": "V", "keynote_starts": "09:00", "keynote_ends": "10:00"}
PLANNING: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /plan": ("GET /plan", planning("GET", "/plan")),
    "POST /plan": ("POST /plan", planning("POST", "/plan", NEW_DAY)),
    "GET /plan/leaders": ("GET /plan/leaders", planning("GET", "/plan/leaders?leader_q=ta")),
    "GET /plan/<draft>": ("GET /plan/<day_id>", planning("GET", "/plan/{draft}")),
    "POST /plan/<day>, no such day": ("POST /plan/<day_id>", planning("POST", "/plan/none")),
    "POST add slot, no such day": (
        "POST /plan/<day_id>/slots",
        planning("POST", "/plan/none/slots"),
    ),
    "POST change slot, no such day": (
        "POST /plan/<day_id>/slots/<slot_id>",
        planning("POST", "/plan/none/slots/{slot}"),
    ),
    "GET remove slot": (
        "GET /plan/<day_id>/slots/<slot_id>/remove",
        planning("GET", "/plan/{draft}/slots/{slot}/remove"),
    ),
    "POST remove slot, no such day": (
        "POST /plan/<day_id>/slots/<slot_id>/remove",
        planning("POST", "/plan/none/slots/{slot}/remove", {"reason": "R"}),
    ),
    "GET new session": (
        "GET /plan/<day_id>/slots/<slot_id>/sessions/new",
        planning("GET", "/plan/{draft}/slots/{slot}/sessions/new"),
    ),
    "POST add session, no such day": (
        "POST /plan/<day_id>/slots/<slot_id>/sessions",
        planning("POST", "/plan/none/slots/{slot}/sessions"),
    ),
    "GET copy a session": (
        "GET /plan/<day_id>/slots/<slot_id>/copy",
        planning("GET", "/plan/{draft}/slots/{slot}/copy"),
    ),
    "GET change session": (
        "GET /plan/<day_id>/sessions/<session_id>",
        planning("GET", "/plan/{draft}/sessions/{session}"),
    ),
    "POST change session, no such day": (
        "POST /plan/<day_id>/sessions/<session_id>",
        planning("POST", "/plan/none/sessions/{session}"),
    ),
    "POST cancel session, no such day": (
        "POST /plan/<day_id>/sessions/<session_id>/cancel",
        planning("POST", "/plan/none/sessions/{session}/cancel", {"reason": "R"}),
    ),
    "GET copy day": ("GET /plan/<day_id>/copy", planning("GET", "/plan/{draft}/copy")),
    "POST copy day, no such day": (
        "POST /plan/<day_id>/copies",
        planning("POST", "/plan/none/copies", NEW_DAY),
    ),
    "POST publish, no such day": (
        "POST /plan/<day_id>/publish",
        planning("POST", "/plan/none/publish"),
    ),
    "POST cancel day, no such day": (
        "POST /plan/<day_id>/cancel",
        planning("POST", "/plan/none/cancel", {"reason": "R"}),
    ),
}
REQUESTS |= PLANNING


def meetings_world(w: World) -> dict[str, str]:
    """A network led by nl (ta and tb members) with a poll and a confirmed meeting, and the
    CEO's one-to-one with A's headteacher, in the read model (made once per world)."""
    if "poll" not in w.ids:
        ids, engine = w.ids, w.stack.engine
        network = a_network(engine, ids["nl"], [ids["ta"], ids["tb"]])
        invitees = [(ids["ta"], True), (ids["tb"], True)]
        w.ids["poll"], options = a_poll(engine, network, ids["nl"], invitees)
        w.ids["option"], w.ids["network"] = options[0], network
        w.ids["meeting"], _ = a_poll(engine, network, ids["nl"], invitees, status="confirmed")
        one_to_one = a_network(engine, ids["ceo"], [ids["head"]], private=True)
        w.ids["one_to_one"], _ = a_poll(
            engine, one_to_one, ids["ceo"], [(ids["head"], True)], status="confirmed"
        )
    return w.ids


def on_meetings(
    method: str, path: str, form: dict | None = None
) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        shown = path.format(**meetings_world(w))
        return (
            method,
            shown,
            {"data": {"key": uuid.uuid4().hex, **(form or {})}} if form is not None else {},
        )

    return request


NO_MEETING = "/meetings/none"
MEETINGS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET find dates": (
        "GET /networks/<network_id>/find-dates",
        on_meetings("GET", "/networks/{network}/find-dates"),
    ),
    "POST open poll, no such network": (
        "POST /networks/<network_id>/polls",
        on_meetings("POST", "/networks/none/polls", {}),
    ),
    "GET poll": ("GET /meetings/<meeting_id>/poll", on_meetings("GET", "/meetings/{poll}/poll")),
    "POST vote, no such meeting": (
        "POST /meetings/<meeting_id>/poll/votes",
        on_meetings("POST", NO_MEETING + "/poll/votes", {"tap": "x:yes"}),
    ),
    "POST nudge, no such meeting": (
        "POST /meetings/<meeting_id>/poll/nudges",
        on_meetings("POST", NO_MEETING + "/poll/nudges", {}),
    ),
    "POST close poll, no such meeting": (
        "POST /meetings/<meeting_id>/poll/close",
        on_meetings("POST", NO_MEETING + "/poll/close", {}),
    ),
    "GET confirm a date": (
        "GET /meetings/<meeting_id>/poll/confirm",
        on_meetings("GET", "/meetings/{poll}/poll/confirm?option={option}"),
    ),
    "POST confirm, no such meeting": (
        "POST /meetings/<meeting_id>/poll/confirm",
        on_meetings("POST", NO_MEETING + "/poll/confirm", {"option": "x", "venue": "V"}),
    ),
    "GET meeting": ("GET /meetings/<meeting_id>", on_meetings("GET", "/meetings/{meeting}")),
    "GET meeting, one-to-one": (
        "GET /meetings/<meeting_id>",
        on_meetings("GET", "/meetings/{one_to_one}"),
    ),
    "POST agenda, no such meeting": (
        "POST /meetings/<meeting_id>/agenda",
        on_meetings("POST", NO_MEETING + "/agenda", {}),
    ),
    "POST minutes, no such meeting": (
        "POST /meetings/<meeting_id>/minutes",
        on_meetings("POST", NO_MEETING + "/minutes", {"text": "T"}),
    ),
    "POST action, no such meeting": (
        "POST /meetings/<meeting_id>/actions",
        on_meetings("POST", NO_MEETING + "/actions", {"text": "T"}),
    ),
    "POST action status, no such meeting": (
        "POST /meetings/<meeting_id>/actions/<action_id>",
        on_meetings("POST", NO_MEETING + "/actions/none", {"status": "done"}),
    ),
    "POST meeting register, no such meeting": (
        "POST /meetings/<meeting_id>/register/<person_id>",
        on_meetings("POST", NO_MEETING + "/register/{ta}", {"mark": "present"}),
    ),
    "POST move meeting, no such meeting": (
        "POST /meetings/<meeting_id>/move",
        on_meetings("POST", NO_MEETING + "/move", {"reason": "R"}),
    ),
    "POST cancel meeting, no such meeting": (
        "POST /meetings/<meeting_id>/cancel",
        on_meetings("POST", NO_MEETING + "/cancel", {"reason": "R"}),
    ),
}
REQUESTS |= MEETINGS


def networks_world(w: World) -> dict[str, str]:
    """The meetings' world, with a series of its network and an action of its meeting
    (ta's, for school A, overdue)."""
    ids = meetings_world(w)
    if "series" not in ids:
        engine = w.stack.engine
        ids["series"] = a_series(engine, ids["network"], ids["nl"])
        ids["action"] = an_action(engine, ids["meeting"], ids["network"], ids["ta"], ["school-a"])
        ids["one_to_one_network"] = next(
            n.network_id for n in queries.networks_for(engine, ids["ceo"]) if n.private
        )
    return ids


def on_networks(
    method: str, path: str, form: dict | None = None
) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        shown = path.format(**networks_world(w))
        options = {"data": {"key": uuid.uuid4().hex, **(form or {})}} if method == "POST" else {}
        return method, shown, options

    return request


NETWORKS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /networks": ("GET /networks", on_networks("GET", "/networks")),
    "GET /networks/new": ("GET /networks/new", on_networks("GET", "/networks/new")),
    "POST /networks, a form to put right": (
        "POST /networks",
        on_networks("POST", "/networks", {"name": "", "kind": "subject"}),
    ),
    "GET /networks/<id>": (
        "GET /networks/<network_id>",
        on_networks("GET", "/networks/{network}"),
    ),
    "GET /networks/<id>, one-to-one": (
        "GET /networks/<network_id>",
        on_networks("GET", "/networks/{one_to_one_network}"),
    ),
    "GET /networks/<id>/edit": (
        "GET /networks/<network_id>/edit",
        on_networks("GET", "/networks/{network}/edit"),
    ),
    "POST /networks/<id>, no such network": (
        "POST /networks/<network_id>",
        on_networks("POST", "/networks/none", {"name": "N"}),
    ),
    "POST close network, no such network": (
        "POST /networks/<network_id>/close",
        on_networks("POST", "/networks/none/close", {"reason": "R"}),
    ),
    "GET plan a series": (
        "GET /networks/<network_id>/series/new",
        on_networks("GET", "/networks/{network}/series/new"),
    ),
    "POST plan a series, no such network": (
        "POST /networks/<network_id>/series",
        on_networks("POST", "/networks/none/series", {"do": "check"}),
    ),
    "GET book a meeting": (
        "GET /networks/<network_id>/meetings/new",
        on_networks("GET", "/networks/{network}/meetings/new"),
    ),
    "POST book a meeting, no such network": (
        "POST /networks/<network_id>/meetings",
        on_networks("POST", "/networks/none/meetings", {"title": "T"}),
    ),
    "GET /series/<id>": ("GET /series/<series_id>", on_networks("GET", "/series/{series}")),
    "POST move in series, no such meeting": (
        "POST /series/<series_id>/meetings/<meeting_id>/move",
        on_networks("POST", "/series/{series}/meetings/none/move", {"reason": "R"}),
    ),
    "POST cancel in series, no such meeting": (
        "POST /series/<series_id>/meetings/<meeting_id>/cancel",
        on_networks("POST", "/series/{series}/meetings/none/cancel", {"reason": "R"}),
    ),
    "POST end series, no such series": (
        "POST /series/<series_id>/end",
        on_networks("POST", "/series/none/end", {"reason": "R"}),
    ),
    "GET /compliance": ("GET /compliance", on_networks("GET", "/compliance")),
    "GET /my-actions": ("GET /my-actions", on_networks("GET", "/my-actions")),
    "POST action done, no such action": (
        "POST /my-actions/<action_id>/done",
        on_networks("POST", "/my-actions/none/done", {}),
    ),
    "GET /actions/overdue": ("GET /actions/overdue", on_networks("GET", "/actions/overdue")),
    "GET /actions/overdue, another school": (
        "GET /actions/overdue",
        on_networks("GET", "/actions/overdue?school=school-b"),
    ),
}
REQUESTS |= NETWORKS


def on_year(method: str, path: str, form: dict | None = None) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        options = {"data": {"key": uuid.uuid4().hex, **(form or {})}} if method == "POST" else {}
        return method, path, options

    return request


A_YEAR = "/year/2026-27"
SCHOOL_A = f"{A_YEAR}/schools/school-a"
YEAR: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /year": ("GET /year", on_year("GET", "/year")),
    "GET /year/<id>": ("GET /year/<year_id>", on_year("GET", A_YEAR)),
    "GET /year/<id>/terms": ("GET /year/<year_id>/terms", on_year("GET", f"{A_YEAR}/terms")),
    "POST year terms, a form to put right": (
        "POST /year/<year_id>/terms",
        on_year("POST", f"{A_YEAR}/terms", {"starts": ""}),
    ),
    "GET a school's dates": (
        "GET /year/<year_id>/schools/<school_id>",
        on_year("GET", SCHOOL_A),
    ),
    "POST add a date, a form to put right": (
        "POST /year/<year_id>/schools/<school_id>/closures",
        on_year("POST", f"{SCHOOL_A}/closures", {"kind": "party"}),
    ),
    "POST remove a date, no such date": (
        "POST /year/<year_id>/schools/<school_id>/closures/<closure_id>/remove",
        on_year("POST", f"{SCHOOL_A}/closures/none/remove", {}),
    ),
    "POST import, no file": (
        "POST /year/<year_id>/schools/<school_id>/import",
        on_year("POST", f"{SCHOOL_A}/import", {}),
    ),
    "GET a school's own terms": (
        "GET /year/<year_id>/schools/<school_id>/terms",
        on_year("GET", f"{SCHOOL_A}/terms"),
    ),
    "POST school terms, a form to put right": (
        "POST /year/<year_id>/schools/<school_id>/terms",
        on_year("POST", f"{SCHOOL_A}/terms", {"term1_starts": "soon"}),
    ),
}
REQUESTS |= YEAR


def on_person(path: str, form: dict) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        return "POST", path.format(**w.ids), {"data": {"key": uuid.uuid4().hex, **form}}

    return request


POSTS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "POST give a post, a form to put right": (
        "POST /people/<person_id>/posts",
        on_person("/people/{ta}/posts", {"post": "wizard"}),
    ),
    "POST take away a post, not held": (
        "POST /people/<person_id>/posts/<post>/remove",
        on_person("/people/{ta}/posts/senco/remove", {}),
    ),
}
REQUESTS |= POSTS


def unsubscribe_link(method: str, forged: bool = False) -> Callable[[World, str], Request]:
    def request(w: World, who: str) -> Request:
        token = unsubscribe.token(SECRET_KEY, w.ids["ta"], "day_reminder")
        return method, f"/notifications/unsubscribe/{token}{'x' if forged else ''}", {}

    return request


NOTIFICATIONS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET /me/messages": ("GET /me/messages", get("/me/messages")),
    "GET a teacher's messages": (
        "GET /people/<person_id>/messages",
        lambda w, who: ("GET", f"/people/{w.ids['ta']}/messages", {}),
    ),
    "GET a day's messages": ("GET /days/<day_id>/messages", get("/days/{day.day_id}/messages")),
    "GET a meeting's messages": (
        "GET /meetings/<meeting_id>/messages",
        on_meetings("GET", "/meetings/{meeting}/messages"),
    ),
    "GET a meeting's messages, one-to-one": (
        "GET /meetings/<meeting_id>/messages",
        on_meetings("GET", "/meetings/{one_to_one}/messages"),
    ),
    "GET a meeting's messages, no such one": (
        "GET /meetings/<meeting_id>/messages",
        on_meetings("GET", NO_MEETING + "/messages"),
    ),
    "GET /operator/messages": ("GET /operator/messages", get("/operator/messages")),
    "POST release, no such message": (
        "POST /operator/messages/<message_id>/release",
        lambda w, who: ("POST", "/operator/messages/no-such/release", {"data": {}}),
    ),
    "GET /operator/mail": ("GET /operator/mail", get("/operator/mail")),
    "GET /operator/mail/<key>, no such key": ("GET /operator/mail/<key>", get("/operator/mail/x")),
    "GET /me/notifications": ("GET /me/notifications", get("/me/notifications")),
    "POST /me/notifications": (
        "POST /me/notifications",
        lambda w, who: ("POST", "/me/notifications", {"data": {"day_reminder": "off"}}),
    ),
    "GET an unsubscribe link": ("GET /notifications/unsubscribe/<token>", unsubscribe_link("GET")),
    "GET a forged unsubscribe link": (
        "GET /notifications/unsubscribe/<token>",
        unsubscribe_link("GET", forged=True),
    ),
    "POST an unsubscribe link": (
        "POST /notifications/unsubscribe/<token>",
        unsubscribe_link("POST"),
    ),
}
REQUESTS |= NOTIFICATIONS


def invitation_link(
    method: str, forged: bool = False, form: dict | None = None, poll_token: bool = False
) -> Callable[[World, str], Request]:
    """ta's signed link to the confirmed meeting (`poll_token`: their poll link's token, which
    answers no invitation); ta is who it names, whoever is signed in, or nobody."""

    def request(w: World, who: str) -> Request:
        make = invitations.poll_token if poll_token else invitations.token
        token = make(SECRET_KEY, w.ids["ta"], meetings_world(w)["meeting"])
        return method, f"/invitations/{token}{'x' if forged else ''}", {"data": form or {}}

    return request


def poll_link(
    method: str, forged: bool = False, form: dict | None = None, invitation_token: bool = False
) -> Callable[[World, str], Request]:
    """ta's personal link to the open poll (`invitation_token`: an invitation's token)."""

    def request(w: World, who: str) -> Request:
        make = invitations.token if invitation_token else invitations.poll_token
        token = make(SECRET_KEY, w.ids["ta"], meetings_world(w)["poll"])
        return method, f"/polls/{token}{'x' if forged else ''}", {"data": form or {}}

    return request


INVITATIONS: dict[str, tuple[str, Callable[[World, str], Request]]] = {
    "GET an invitation link": ("GET /invitations/<token>", invitation_link("GET")),
    "GET a forged invitation link": (
        "GET /invitations/<token>",
        invitation_link("GET", forged=True),
    ),
    "GET a poll's link as an invitation's": (
        "GET /invitations/<token>",
        invitation_link("GET", poll_token=True),
    ),
    "POST an invitation link, no answer": ("POST /invitations/<token>", invitation_link("POST")),
    "POST an invitation link, note too long": (
        "POST /invitations/<token>",
        invitation_link("POST", form={"answer": "accepted", "note": "x" * 501}),
    ),
    "POST invitation, no such meeting": (
        "POST /meetings/<meeting_id>/invitation",
        on_meetings("POST", NO_MEETING + "/invitation", {"answer": "accepted"}),
    ),
    "GET a poll link": ("GET /polls/<token>", poll_link("GET")),
    "GET a forged poll link": ("GET /polls/<token>", poll_link("GET", forged=True)),
    "GET an invitation's link as a poll's": (
        "GET /polls/<token>",
        poll_link("GET", invitation_token=True),
    ),
    "POST a poll link, comment too long": (
        "POST /polls/<token>",
        poll_link("POST", form={"tap": "", "comment": "x" * 2001}),
    ),
    "POST a forged poll link": (
        "POST /polls/<token>",
        poll_link("POST", forged=True, form={"tap": ""}),
    ),
}
REQUESTS |= INVITATIONS


def test_every_route_of_the_frontend_is_in_the_matrix():
    assert [route for route, _, _ in parse(MATRIX)][:: len(WHO)] == list(REQUESTS)
    app = create_app(Settings("nats://127.0.0.1:1", "sqlite://", StreamSettings(), SECRET_KEY), {})
    rules = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert {covered for covered, _ in REQUESTS.values()} == rules
    app.extensions["engine"].dispose()


@pytest.mark.parametrize(
    ("route", "who", "mark"),
    parse(MATRIX),
    ids=[f"{route}-{who}" for route, who, _ in parse(MATRIX)],
)
def test_who_may(world, route, who, mark):
    method, path, options = REQUESTS[route][1](world, who)
    answer = world.client(who).open(path, method=method, **options)
    said = answer.get_data()[:500].decode(errors="replace")  # an export is binary
    if mark == "D":
        assert answer.status_code == (401 if who in WITHOUT_IDENTITY else 403), said
    else:
        assert answer.status_code in EXPECTED[mark], f"{answer.status_code}: {said}"


def test_no_page_links_its_reader_to_a_page_they_may_not_open(world):
    """Every page a role may open (an A of the matrix) links that reader only to pages they
    may open: no breadcrumb to a private network's page (404) for a meeting's organiser who
    is not one of its members, no meeting (403) on the network page of a network leader who
    is not, no overview (403) on a session leader's printable register."""
    refused: dict[str, list[tuple[str, int]]] = {}
    followed: dict[tuple[str, str], int] = {}
    for route, who, mark in parse(MATRIX):
        if mark != "A" or who in WITHOUT_IDENTITY or not route.startswith("GET "):
            continue
        method, path, options = REQUESTS[route][1](world, who)
        page = world.client(who).open(path, method=method, **options)
        if page.mimetype != "text/html" or page.status_code != 200:
            continue
        html = page.get_data(as_text=True)
        for link in sorted(links_of(html)):
            if (who, link) not in followed:
                followed[who, link] = world.client(who).get(link).status_code
            if followed[who, link] in (403, 404):
                refused.setdefault(f"{route} ({who})", []).append((link, followed[who, link]))
    assert refused == {}
