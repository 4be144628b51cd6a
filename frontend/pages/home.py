"""The home page, for the signed-in person: what is open to book now, what I have booked
(day by day, slot by slot), what is coming next, and what needs me (an unanswered "are you
coming", a waitlist place, a session I lead soon)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, g, render_template
from sqlalchemy import Row

from events.calendar import SCHOOL_TIME
from frontend.database import engine
from readmodels.trustdays import queries
from readmodels.trustdays.queries import Place
from services.trustdays.access import sees_drafts

home = Blueprint("home", __name__)
SOON = timedelta(days=14)
"""A session I lead this close is one to prepare for: the home page says so."""


@dataclass(frozen=True)
class MySlot:
    """One slot of a day, as it stands for me."""

    slot: Row
    seat: Row | None = None
    waiting: tuple[tuple[Row, int], ...] = ()
    """Sessions whose waitlist I am on, with my number in each queue."""
    leading: Row | None = None
    offered: bool = True
    """Whether any session of the slot is open (a slot whose sessions were all cancelled
    has nothing to book)."""

    @property
    def to_book(self) -> bool:
        taken = self.seat is not None or self.leading is not None
        return self.slot.kind == "breakout" and self.offered and not taken


@dataclass(frozen=True)
class MyDay:
    day: Row
    window: str
    """draft, cancelled, not_open, open or closed (readmodels.trustdays.queries.window)."""
    slots: list[MySlot] = field(default_factory=list)
    exempt: str | None = None
    """Why I am not expected on the day (the CPD manager's reason), or None."""

    @property
    def to_book(self) -> int:
        return 0 if self.exempt is not None else sum(1 for s in self.slots if s.to_book)

    @property
    def breakouts(self) -> int:
        return sum(1 for s in self.slots if s.slot.kind == "breakout" and s.offered)

    @property
    def mine(self) -> list[MySlot]:
        """The slots where I hold a seat, wait or lead."""
        return [s for s in self.slots if s.seat or s.waiting or s.leading]

    @property
    def expects_me(self) -> bool:
        """Whether I hold a seat or lead a session on the day."""
        return any(s.seat or s.leading for s in self.slots)

    @property
    def bookable(self) -> bool:
        return self.window == "open" and self.breakouts > 0


def my_slot(view: queries.SlotView, places: dict[str, Place], me: str) -> MySlot:
    live = [s for s in view.sessions if s.status == "open"]
    seat = next((s for s in view.sessions if _place(places, s) == "seat"), None)
    queued = [s for s in live if _place(places, s) == "waitlist"]
    waiting = tuple((s, places[s.session_id].position) for s in queued)
    leading = next((s for s in live if s.leader_id == me), None)
    return MySlot(view.slot, seat, waiting, leading, offered=bool(live))


def _place(places: dict[str, Place], session: Row) -> str | None:
    place = places.get(session.session_id)
    return place.place if place else None


def my_day(day: Row, places: dict[str, Place], me: str) -> MyDay:
    slots = [my_slot(view, places, me) for view in queries.timetable(engine(), day.day_id)]
    exempt = queries.exempt_people(engine(), day.day_id).get(me)
    return MyDay(day, queries.window(day), slots, exempt)


def school_today() -> date:
    return datetime.now(SCHOOL_TIME).date()


def needs_me(days: list[MyDay], answered: dict[str, Any], today: date) -> dict[str, list]:
    """What asks something of me: days I booked or lead on without saying whether I come
    (for the lunch numbers; asked once booking has opened), my waitlist places, and the
    sessions I lead in the coming fortnight."""
    live = [d for d in days if d.day.status == "published"]
    return {
        "unanswered": [
            d
            for d in live
            if d.window != "not_open" and d.expects_me and d.day.day_id not in answered
        ],
        "waiting": [(d, s, session, n) for d in live for s in d.slots for session, n in s.waiting],
        "leading": [
            (d, s) for d in live for s in d.slots if s.leading and d.day.date <= today + SOON
        ],
    }


@home.get("/")
def index() -> str:
    me, today = g.identity.person_id, school_today()
    listed = queries.listed_days(engine(), drafts=sees_drafts(g.identity))
    places = queries.places_of(engine(), me)
    coming = [my_day(day, places, me) for day in listed if day.date >= today]
    past = [day for day in listed if day.date < today]
    return render_template(
        "index.html",
        today=today,
        bookable=[d for d in coming if d.bookable],
        not_yet_open=[d for d in coming if d.window == "not_open"],
        booked=[d for d in coming if d.mine and d.day.status != "cancelled"],
        coming=coming,
        past=list(reversed(past)),
        needs=needs_me(coming, queries.attendance_of(engine(), me), today),
    )
