"""The pure folds of the networks' foreign facts (services/networks/facts.py): each takes
a view and newer events of its subject, in order, and gives the next view (a new one: a
view is never changed in place, other threads may be reading it)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from events.envelope import RecordedEvent
from services.networks.calendar import Closure, Term, Year
from services.trustyear.events import CLOSURE_KINDS

Post = tuple[str, str | None]
"""A post held, and at which school (None: the central team)."""


@dataclass(frozen=True)
class Person:
    name: str
    school_id: str | None


@dataclass(frozen=True)
class Directory:
    people: Mapping[str, Person] = field(default_factory=dict)
    """Those in the trust now."""
    schools: Mapping[str, str] = field(default_factory=dict)
    """school_id -> name."""
    posts: Mapping[str, frozenset[Post]] = field(default_factory=dict)

    def holders_of(self, posts: Collection[str]) -> list[str]:
        """Those in the trust who hold one of `posts` now (at any school), by id."""
        return sorted(
            person_id
            for person_id, held in self.posts.items()
            if person_id in self.people and any(post in posts for post, _ in held)
        )


def fold_directory(view: Directory, events: Sequence[RecordedEvent]) -> Directory:
    people, schools, posts = dict(view.people), dict(view.schools), dict(view.posts)
    for event in events:
        data = event.data
        if event.type in ("SchoolAdded", "SchoolUpdated"):
            schools[data["school_id"]] = data["name"]
        elif event.type in ("PersonJoined", "PersonUpdated", "PersonRejoined"):
            people[data["person_id"]] = Person(data["name"], data["school_id"])
        elif event.type == "PersonLeft":
            people.pop(data["person_id"], None)
            posts.pop(data["person_id"], None)  # a leaver leaves every post
        elif event.type in ("PostTaken", "PostLeft"):
            held = set(posts.get(data["person_id"], frozenset()))
            post = (data["post"], data["school_id"])
            if event.type == "PostTaken":
                held.add(post)
            else:
                held.discard(post)
            posts[data["person_id"]] = frozenset(held)
    return Directory(people, schools, posts)


@dataclass(frozen=True)
class TrustYear:
    years: Mapping[str, Year] = field(default_factory=dict)
    school_terms: Mapping[tuple[str, str], tuple[Term, ...]] = field(default_factory=dict)
    """(school_id, year_id) -> the school's own terms ([] or missing: the trust's)."""
    closures: Mapping[tuple[str, str], Mapping[str, Closure]] = field(default_factory=dict)
    """(school_id, year_id) -> closure_id -> the closure."""


def terms_of(records: Sequence[Mapping[str, object]]) -> tuple[Term, ...]:
    return tuple(
        Term(int(r["term"]), str(r["name"]), r["starts"], r["ends"])  # type: ignore[call-overload, arg-type]
        for r in records
    )


def closure_label(kind: str, label: str) -> str:
    """The words of a closure in a reason: every INSET day is "INSET day" (so two schools'
    count together); a holiday or a closure says its own label."""
    if kind == "inset" or not label.strip():
        return CLOSURE_KINDS.get(kind, "Closure")
    return label.strip()


def fold_year(view: TrustYear, events: Sequence[RecordedEvent]) -> TrustYear:
    years, own, closures = dict(view.years), dict(view.school_terms), dict(view.closures)
    for event in events:
        data = event.data
        if event.type == "YearSet":
            terms = terms_of(data["terms"])
            years[data["year_id"]] = Year(data["year_id"], data["starts"], data["ends"], terms)
            continue
        key = (data["school_id"], data["year_id"])
        if event.type == "SchoolTermsSet":
            own[key] = terms_of(data["terms"])
        elif event.type == "ClosureAdded":
            label = closure_label(data["kind"], data["label"])
            shut = {**closures.get(key, {})}
            shut[data["closure_id"]] = Closure(data["starts"], data["ends"], label)
            closures[key] = shut
        elif event.type == "ClosureRemoved":
            closures[key] = {
                k: c for k, c in closures.get(key, {}).items() if k != data["closure_id"]
            }
    return TrustYear(years, own, closures)


def fold_pd_days(
    view: Mapping[str, tuple[date, str]], events: Sequence[RecordedEvent]
) -> Mapping[str, tuple[date, str]]:
    """day_id -> (date, title) of every PD day planned and not cancelled."""
    days = dict(view)
    for event in events:
        if event.type == "DayCancelled":
            days.pop(event.data["day_id"], None)
        else:
            days[event.data["day_id"]] = (event.data["date"], event.data["title"])
    return days


@dataclass(frozen=True)
class NetworkFact:
    network_id: str
    name: str
    kind: str
    member_posts: frozenset[str]
    member_ids: tuple[str, ...]
    facilitator_id: str
    cadence_rule: str
    cadence_count: int
    minutes: int
    agenda_lead_id: str | None = None
    private: bool = False
    agenda_template: tuple[tuple[str, int], ...] = ()
    """(title, minutes) of each item every meeting's agenda starts from."""
    closed: bool = False


def fold_networks(
    view: Mapping[str, NetworkFact], events: Sequence[RecordedEvent]
) -> Mapping[str, NetworkFact]:
    networks = dict(view)
    for event in events:
        data = event.data
        if event.type == "NetworkClosed":
            if data["network_id"] in networks:
                networks[data["network_id"]] = replace(networks[data["network_id"]], closed=True)
            continue
        networks[data["network_id"]] = NetworkFact(
            network_id=data["network_id"],
            name=data["name"],
            kind=data["kind"],
            member_posts=frozenset(data["member_posts"]),
            member_ids=tuple(data["member_ids"]),
            facilitator_id=data["facilitator_id"],
            cadence_rule=data["cadence"]["rule"],
            cadence_count=data["cadence"]["count"],
            minutes=data["minutes"],
            agenda_lead_id=data.get("agenda_lead_id"),
            private=data.get("private", False),
            agenda_template=tuple((t["title"], t["minutes"]) for t in data["agenda_template"]),
        )
    return networks


@dataclass(frozen=True)
class MeetingFact:
    meeting_id: str
    network_id: str
    title: str
    organiser_id: str
    invitees: tuple[tuple[str, bool], ...]
    """(person_id, required)."""
    status: str = "polling"
    """"polling" (a poll, no date yet), "confirmed" or "cancelled"."""
    date: date | None = None
    starts: str = ""
    ends: str = ""
    series_id: str | None = None
    actions: tuple[tuple[str, str, str, str], ...] = ()
    """(action_id, text, owner_id, status) of each action raised at it."""

    def open_actions(self) -> list[tuple[str, str, str]]:
        """(action_id, text, owner_id) of its actions still open."""
        return [(a, text, owner) for a, text, owner, status in self.actions if status == "open"]


def fold_meetings(
    view: Mapping[str, MeetingFact], events: Sequence[RecordedEvent]
) -> Mapping[str, MeetingFact]:
    meetings = dict(view)
    for event in events:
        data = event.data
        meeting_id = data["meeting_id"]
        if event.type in ("PollOpened", "MeetingScheduled"):
            meetings[meeting_id] = MeetingFact(
                meeting_id,
                data["network_id"],
                data["title"],
                data["organiser_id"],
                tuple((i["person_id"], i["required"]) for i in data["invitees"]),
                series_id=data.get("series_id"),
            )
        if meeting_id not in meetings:
            continue
        if event.type in ("MeetingScheduled", "MeetingConfirmed", "MeetingMoved"):
            when = {"date": data["date"], "starts": data["starts"], "ends": data["ends"]}
            meetings[meeting_id] = replace(meetings[meeting_id], status="confirmed", **when)
        elif event.type == "MeetingCancelled":
            meetings[meeting_id] = replace(meetings[meeting_id], status="cancelled")
        elif event.type in ("ActionRaised", "ActionUpdated"):
            meetings[meeting_id] = with_action(meetings[meeting_id], event.type, data)
    return meetings


def with_action(meeting: MeetingFact, kind: str, data: Mapping[str, str]) -> MeetingFact:
    if kind == "ActionRaised":
        action = (data["action_id"], data["text"], data["owner_id"], "open")
        return replace(meeting, actions=(*meeting.actions, action))
    actions = tuple(
        (a, text, owner, data["status"] if a == data["action_id"] else status)
        for a, text, owner, status in meeting.actions
    )
    return replace(meeting, actions=actions)
