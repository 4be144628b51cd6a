"""What the programme shows one person: the sessions their filters and search leave, those
for them first; their choices slot by slot; the slots they lead; which cards a tap changed.

Pure functions of the read model's rows and the person's places, so the full page, a
tapped card and the live poll cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import abort

from events.calendar import SCHOOL_TIME
from frontend.for_me import Suits
from readmodels.trustdays.queries import Place, SlotView
from services.trustdays.events import AUDIENCES, COMMUNITIES

SEARCH_MAX = 100
KNOWN_MAX = 60
"""Waitlist places a live poll may say it knew of (a person holds one per session)."""


@dataclass(frozen=True)
class Shown:
    """The filters of the page, from its query string or a form's hidden fields."""

    community: str = ""
    audience: str = ""
    q: str = ""
    hide_full: bool = False

    @classmethod
    def of(cls, source: Mapping[str, str]) -> Shown:
        """Unknown communities and audiences show all; a search too long is a 422."""
        q = " ".join(source.get("q", "").split())
        if len(q) > SEARCH_MAX:
            abort(422, f"Search: keep it to {SEARCH_MAX} characters.")
        community = source.get("community", "")
        audience = source.get("audience", "")
        return cls(
            community=community if community in COMMUNITIES else "",
            audience=audience if audience in AUDIENCES else "",
            q=q,
            hide_full=source.get("hide_full") in ("1", "on", "true"),
        )

    def query(self) -> dict[str, str]:
        """As query-string fields (for links, the poll and forms' hidden fields)."""
        fields = {"community": self.community, "audience": self.audience, "q": self.q}
        shown = {name: value for name, value in fields.items() if value}
        return {**shown, "hide_full": "1"} if self.hide_full else shown

    def narrowed(self) -> bool:
        return bool(self.community or self.audience or self.q or self.hide_full)


def seats_left(session: Any) -> int:
    return int(session.capacity - session.booked)


def matches(session: Any, shown: Shown, places: Mapping[str, Place]) -> bool:
    """Whether the filters leave the session on the page. A session the person holds a
    place in stays, full or not."""
    if shown.community and session.community != shown.community:
        return False
    if shown.audience and session.audience not in (shown.audience, "all"):
        return False
    mine = session.session_id in places
    if shown.hide_full and not mine and (seats_left(session) <= 0 or session.status != "open"):
        return False
    if shown.q:
        about = " ".join(
            (
                session.title,
                session.description,
                session.leader_name,
                session.room,
                COMMUNITIES.get(session.community, ""),
            )
        ).lower()
        return all(word in about for word in shown.q.lower().split())
    return True


def arrange(
    views: Iterable[SlotView], shown: Shown, places: Mapping[str, Place], suits: Suits
) -> list[SlotView]:
    """Each slot with the sessions the filters leave, those for the person first."""
    return [
        SlotView(
            view.slot,
            sorted(
                (s for s in view.sessions if matches(s, shown, places)),
                key=lambda s: (not suits.session(s), s.title.lower()),
            ),
        )
        for view in views
    ]


def counts(views: Iterable[SlotView], shown: Iterable[SlotView]) -> dict[str, int]:
    """Sessions in all and on the page (for "Showing 12 of 60 sessions")."""
    return {
        "total": sum(len(v.sessions) for v in views),
        "shown": sum(len(v.sessions) for v in shown),
    }


def led_in_slots(views: Iterable[SlotView], person_id: str) -> dict[str, Any]:
    """Slot to the open session the person leads in it: they cannot book in that slot."""
    return {
        session.slot_id: session
        for view in views
        for session in view.sessions
        if session.leader_id == person_id and session.status == "open"
    }


@dataclass
class Choice:
    """The person's choice in one breakout slot, for the summary at the top."""

    slot: Any
    seat: Any = None
    waiting: list[tuple[Any, int]] = field(default_factory=list)
    """Each session they wait for, with their number in its queue."""
    leads: Any = None


def choices(views: Iterable[SlotView], places: Mapping[str, Place], led: Mapping) -> list[Choice]:
    summary = []
    for view in views:
        if view.slot.kind == "keynote":
            continue
        choice = Choice(view.slot, leads=led.get(view.slot.slot_id))
        for session in view.sessions:
            place = places.get(session.session_id)
            if place and place.place == "seat":
                choice.seat = session
            elif place:
                choice.waiting.append((session, place.position))
        summary.append(choice)
    return summary


@dataclass
class Changed:
    """What a tap changed besides its own card: whole cards, and cards whose button alone
    changed."""

    cards: list[Any] = field(default_factory=list)
    buttons: list[Any] = field(default_factory=list)


def changed_by_a_tap(
    view: SlotView,
    tapped: str,
    held_before: str | None,
    held_after: str | None,
    places: Mapping[str, Place],
) -> Changed:
    """The other cards of the slot a tap changed. When the person got, lost or moved their
    seat in the slot: the card of a move (its seats) and those they wait for (what a freed
    seat there means for them) whole; every other card's button ("Book" and "Move here"
    swap) when they got or lost it. Nothing else when only a waitlist place changed."""
    if held_before == held_after:
        return Changed()
    others = [s for s in view.sessions if s.session_id != tapped]
    whole = {held_before, held_after} | {s.session_id for s in others if s.session_id in places}
    cards = [s for s in others if s.session_id in whole]
    if (held_before is None) == (held_after is None):
        return Changed(cards)
    return Changed(cards, [s for s in others if s.session_id not in whole])


def known_waiting(values: list[str]) -> list[str]:
    """The waitlist places an open page showed (the live poll sends them back)."""
    return [value for value in values[:KNOWN_MAX] if 0 < len(value) <= 36]


def promoted(known: Iterable[str], places: Mapping[str, Place]) -> list[str]:
    """Sessions the person waited for on the open page and now has a seat in."""
    return [sid for sid in known if (place := places.get(sid)) and place.place == "seat"]


def today_at_school() -> date:
    return datetime.now(SCHOOL_TIME).date()


def is_past(day: Any) -> bool:
    return bool(day.date < today_at_school())
