"""What the networks service knows of others' facts, folded from the log (events/foreign.py):
the directory's people, schools and posts (a network's members follow the posts, so a role
change changes membership), the trust year (terms, each school's own terms and closures),
the trust days' PD days, and its own networks and meetings (for "other meetings that share
a member"). Each part is one subject (or one wildcard of subjects) with a pure fold; `Facts`
puts them together and answers what the finder asks. In a Flask request `facts_now()`; in
a reactor `FactsReader` (the same folds on the reactor's store, as of the event).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.envelope import RecordedEvent
from events.foreign import ForeignFacts
from events.store import EventStore
from services.directory.events import TRUST_SUBJECT
from services.networks.calendar import Calendar, Year, closed_days
from services.networks.facts_folds import (
    Directory,
    MeetingFact,
    NetworkFact,
    TrustYear,
    fold_directory,
    fold_meetings,
    fold_networks,
    fold_pd_days,
    fold_year,
)
from services.networks.finder import Booking, Invitee, one_slot
from services.trustyear.events import england_bank_holidays

__all__ = ["Facts", "FactsReader", "MeetingFact", "NetworkFact", "facts_now", "noun_of"]

NOUNS = {"headteacher": "head", "senco": "SENCO", "ceo": "CEO"}

SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...], Any, Any]] = {
    "directory": (
        TRUST_SUBJECT,
        (
            "SchoolAdded",
            "SchoolUpdated",
            "PersonJoined",
            "PersonUpdated",
            "PersonRejoined",
            "PersonLeft",
            "PostTaken",
            "PostLeft",
        ),
        Directory(),
        fold_directory,
    ),
    "year": (
        ("trustyear", ">"),
        ("YearSet", "SchoolTermsSet", "ClosureAdded", "ClosureRemoved"),
        TrustYear(),
        fold_year,
    ),
    "pd_days": (
        ("trustdays", "day", "*"),
        ("DayPlanned", "DayUpdated", "DayCancelled"),
        {},
        fold_pd_days,
    ),
    "networks": (
        ("networks", "network", "*"),
        ("NetworkFormed", "NetworkUpdated", "NetworkClosed"),
        {},
        fold_networks,
    ),
    "meetings": (
        ("networks", "meeting", "*"),
        (
            "PollOpened",
            "MeetingConfirmed",
            "MeetingScheduled",
            "MeetingMoved",
            "MeetingCancelled",
            "ActionRaised",
            "ActionUpdated",
        ),
        {},
        fold_meetings,
    ),
}
"""Each part of the facts: its subject's tokens, the event types it folds, the empty view
and the fold."""


def noun_of(post: str) -> str:
    """What a post's holder is called in a clash ("3 heads invited")."""
    return NOUNS.get(post, "lead" if post.endswith("_lead") else "person")


def short_label(name: str) -> str:
    """ "Executive leadership group (ELG)" -> "ELG": a network's short name for reasons."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1].strip() or name
    return name


@dataclass(frozen=True)
class Facts:
    directory: Directory = field(default_factory=Directory)
    year: TrustYear = field(default_factory=TrustYear)
    pd_days: Mapping[str, tuple[date, str]] = field(default_factory=dict)
    networks: Mapping[str, NetworkFact] = field(default_factory=dict)
    meetings: Mapping[str, MeetingFact] = field(default_factory=dict)

    def member_ids(self, network_id: str) -> list[str]:
        """The network's members now: holders of its member posts, its named members and
        its facilitator (those still in the trust), in a stable order."""
        network = self.networks.get(network_id)
        if network is None:
            return []
        holders = self.directory.holders_of(network.member_posts)
        found = [*holders, *network.member_ids, network.facilitator_id]
        return [p for p in dict.fromkeys(found) if p in self.directory.people]

    def invitee(
        self, person_id: str, required: bool = True, network_id: str | None = None
    ) -> Invitee:
        """A person as the finder needs them: their school, and what they are to the network."""
        person = self.directory.people.get(person_id)
        network = self.networks.get(network_id or "")
        held = sorted(p for p, _ in self.directory.posts.get(person_id, frozenset()))
        if network is not None:
            held = [p for p in held if p in network.member_posts] or held
        nouns = {noun_of(p) for p in held}
        noun = nouns.pop() if len(nouns) == 1 else "person"
        return Invitee(person_id, person.school_id if person else None, required, noun)

    def members_of(self, network_id: str) -> list[Invitee]:
        return [self.invitee(p, True, network_id) for p in self.member_ids(network_id)]

    def invitees_of(self, meeting_id: str) -> list[Invitee]:
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return []
        return [self.invitee(p, r, meeting.network_id) for p, r in meeting.invitees]

    def invitees(self, pairs: Iterable[tuple[str, bool]], network_id: str | None) -> list[Invitee]:
        return [self.invitee(p, r, network_id) for p, r in pairs]

    def year_of(self, day: date) -> Year | None:
        for year in self.year.years.values():
            if year.starts <= day <= year.ends:
                return year
        return None

    def calendar(self, first: date, last: date) -> Calendar:
        """The days from `first` to `last` as the finder sees them."""
        years = [y for y in self.year.years.values() if y.starts <= last and first <= y.ends]
        closed: dict[str, dict[date, str]] = {}
        for school_id in self.directory.schools:
            shut: dict[date, str] = {}
            for year in years:
                own = self.year.school_terms.get((school_id, year.year_id), ())
                shut.update(closed_days(year, own, (), first, last))
            for (school, _), closures in self.year.closures.items():
                if school == school_id:  # a closure counts even in a year not yet set
                    shut.update(closed_days(None, (), closures.values(), first, last))
            closed[school_id] = shut
        pd = {d: title for d, title in self.pd_days.values() if first <= d <= last}
        return Calendar(
            bank_holidays=england_bank_holidays(first, last),
            pd_days=pd,
            closed=closed,
            school_names=self.directory.schools,
            year=self.year_of(first) or (years[0] if years else None),
        )

    def label_of(self, meeting: MeetingFact) -> str:
        """What a clash calls the meeting: its network's short name ("ELG"), else its title."""
        network = self.networks.get(meeting.network_id)
        return short_label(network.name) if network else meeting.title

    def bookings(self) -> list[Booking]:
        """Every confirmed meeting, as another meeting the finder must not clash with."""
        found = []
        for meeting in self.meetings.values():
            if meeting.status != "confirmed" or meeting.date is None:
                continue
            label = self.label_of(meeting)
            people = frozenset(p for p, _ in meeting.invitees)
            found.append(
                Booking(
                    meeting.meeting_id, label, meeting.date, meeting.starts, meeting.ends, people
                )
            )
        return found

    def recheck(
        self,
        day: date,
        starts: str,
        ends: str,
        invitees: Sequence[Invitee],
        meeting_id: str | None = None,
    ) -> list[str]:
        """What the finder's rules find against one date and time for these invitees (a
        closure, a PD day, another meeting sharing any of them; `meeting_id` not counted)."""
        calendar = self.calendar(day, day)
        return one_slot(day, starts, ends, invitees, calendar, self.bookings(), meeting_id)

    def held(self, network_id: str, first: date, last: date, skip: str | None = None) -> list[date]:
        """The dates of the network's confirmed meetings from `first` to `last`."""
        return sorted(
            m.date
            for m in self.meetings.values()
            if m.network_id == network_id
            and m.status == "confirmed"
            and m.date is not None
            and first <= m.date <= last
            and m.meeting_id != skip
        )


PARTS = tuple(SOURCES)


def assemble(views: Sequence[Any]) -> Facts:
    return Facts(**dict(zip(PARTS, views, strict=True)))


_FOREIGN = {
    name: ForeignFacts(*tokens, types=types, initial=initial, fold=fold)
    for name, (tokens, types, initial, fold) in SOURCES.items()
}


def facts_now(max_age: float | None = None) -> Facts:
    """The facts in a Flask request: each part at most a second old (`max_age` 0: the
    head of the log, for a re-check before a decision)."""
    return assemble([_FOREIGN[name].view(max_age) for name in PARTS])


@dataclass
class _Part:
    """One part of the facts as of a stream sequence, and the events of its subject read
    beyond it (a reaction behind the log reads each message once, not again per event)."""

    tokens: tuple[str, ...]
    types: frozenset[str]
    view: Any
    fold: Any
    read: int = 0
    """The stream sequence the subject has been read to."""
    ahead: list[RecordedEvent] = field(default_factory=list)

    async def as_of(self, store: EventStore, upto: int) -> Any:
        if self.read < upto:
            events, last = await store.load(store.subject(*self.tokens), self.read)
            self.ahead += [e for e in events if e.type in self.types]
            self.read = max(last, upto)  # the subject held nothing more when it was read
        due = [e for e in self.ahead if e.seq <= upto]
        if due:
            self.view, self.ahead = self.fold(self.view, due), self.ahead[len(due) :]
        return self.view


class FactsReader:
    """The same facts for asyncio code, as of a stream sequence: a reactor's event (what was
    true when it happened, so a reaction decides the same however late it runs, and on a
    replay), else the head of the log. The views are kept between calls and each message
    read once; an earlier sequence (an event delivered again) folds from the start. One a
    reaction (reactions.py): each goes through the log at its own pace."""

    def __init__(self) -> None:
        self._store: EventStore | None = None
        self._seq = 0
        self._parts = self._fresh()
        self._lock: asyncio.Lock | None = None

    @staticmethod
    def _fresh() -> list[_Part]:
        return [
            _Part(t, frozenset(types), initial, fold)
            for t, types, initial, fold in SOURCES.values()
        ]

    async def __call__(self, store: EventStore, event: RecordedEvent | None = None) -> Facts:
        upto = event.seq if event is not None else await store.last_seq()
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if store is not self._store or upto < self._seq:
                self._store, self._parts = store, self._fresh()
            self._seq = upto
            views = await asyncio.gather(*(part.as_of(store, upto) for part in self._parts))
        return assemble(views)
