"""The trust days' projection: PD days, their sessions with seats taken and people waiting,
everyone's places, register marks and who comes to the day.

Seat and waitlist events name only the person and the session: the day and the slot come
from the subject they were appended to (read with the trust days' `parse_subject`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from events.envelope import RecordedEvent
from events.projection import Handler, Projection
from readmodels.trustdays.tables import (
    pd_attendees,
    pd_days,
    pd_exemptions,
    pd_marks,
    pd_places,
    pd_sessions,
    pd_slots,
)
from services.trustdays.events import parse_subject  # (and registers the event types)

SLOT_FIELDS = ("kind", "title", "speaker", "starts", "ends")
DAY_FIELDS = ("date", "academic_year", "term", "title", "theme", "venue", "opens", "closes")
SESSION_FIELDS = (
    *("title", "description", "community", "room", "capacity"),
    *("audience", "phase", "mode"),
)


TOUCH_DAY = (
    update(pd_days).where(pd_days.c.day_id == bindparam("key")).values(version=bindparam("seq"))
)


def touching_the_day(handler: Handler) -> Handler:
    """Every change on a day moves its version, which its open pages poll for."""

    def handle(connection: Connection, event: RecordedEvent) -> None:
        handler(connection, event)
        day_id = parse_subject(event.subject).day_id
        connection.execute(TOUCH_DAY, {"key": day_id, "seq": event.seq})

    return handle


def changed(event: RecordedEvent) -> dict[str, Any]:
    return {"version": event.seq, "changed_at": event.occurred_at}


# The day
def day_planned(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    day = {f: data[f] for f in DAY_FIELDS}
    connection.execute(
        insert(pd_days),
        {"day_id": data["day_id"], **day, "status": "draft", "sequence": 0, **changed(event)},
    )
    for slot in data["slots"]:
        connection.execute(insert(pd_slots), {"day_id": data["day_id"], **slot})


def notice(
    connection: Connection, table: Table, key: str, event: RecordedEvent, **values: Any
) -> None:
    """A change calendars must notice (SEQUENCE rises) to the row of `table` whose `key`
    column holds the event's value of it."""
    connection.execute(
        update(table)
        .where(table.c[key] == event.data[key])
        .values(sequence=table.c.sequence + 1, **changed(event), **values)
    )


def change_day(connection: Connection, event: RecordedEvent, **values: Any) -> None:
    notice(connection, pd_days, "day_id", event, **values)


def day_updated(connection: Connection, event: RecordedEvent) -> None:
    change_day(connection, event, **{f: event.data[f] for f in DAY_FIELDS})


def slot_added(connection: Connection, event: RecordedEvent) -> None:
    connection.execute(insert(pd_slots), dict(event.data))


def slot_changed(connection: Connection, event: RecordedEvent) -> None:
    """New times or titles: the day and every session in the slot are changed for the
    calendars (their SEQUENCE and Last-Modified move)."""
    data = event.data
    connection.execute(
        update(pd_slots)
        .where(pd_slots.c.slot_id == data["slot_id"])
        .values(**{f: data[f] for f in SLOT_FIELDS})
    )
    change_day(connection, event)
    notice_sessions_of(connection, data["slot_id"], event)


def slot_removed(connection: Connection, event: RecordedEvent) -> None:
    """Off the timetable: its row goes, its sessions are cancelled (the seats and waitlist
    places in them are released by the slot's own events, after the reaction closes it)."""
    slot_id = event.data["slot_id"]
    connection.execute(delete(pd_slots).where(pd_slots.c.slot_id == slot_id))
    change_day(connection, event)
    notice_sessions_of(connection, slot_id, event, status="cancelled")


def notice_sessions_of(
    connection: Connection, slot_id: str, event: RecordedEvent, **values: Any
) -> None:
    connection.execute(
        update(pd_sessions)
        .where(pd_sessions.c.slot_id == slot_id)
        .values(sequence=pd_sessions.c.sequence + 1, **changed(event), **values)
    )


def day_published(connection: Connection, event: RecordedEvent) -> None:
    change_day(connection, event, status="published")


def day_cancelled(connection: Connection, event: RecordedEvent) -> None:
    change_day(connection, event, status="cancelled")


# Sessions
def session_values(data: Any) -> dict[str, Any]:
    leader = data["leader"]
    return {
        **{f: data[f] for f in SESSION_FIELDS},
        "leader_id": leader["person_id"],
        "leader_name": leader["name"],
        "leader_bio": leader["bio"],
        "join_link": data["join_link"],
        "network_id": data.get("network_id"),
    }


def session_added(connection: Connection, event: RecordedEvent) -> None:
    day_id, slot_id, _ = parse_subject(event.subject)
    row = {
        "session_id": event.data["session_id"],
        "day_id": day_id,
        "slot_id": slot_id,
        **session_values(event.data),
        "booked": 0,
        "waiting": 0,
        "status": "open",
        "sequence": 0,
        **changed(event),
    }
    connection.execute(insert(pd_sessions), row)


def session_updated(connection: Connection, event: RecordedEvent) -> None:
    notice(connection, pd_sessions, "session_id", event, **session_values(event.data))


def session_cancelled(connection: Connection, event: RecordedEvent) -> None:
    notice(connection, pd_sessions, "session_id", event, status="cancelled")


# Places: seats and waitlists
SESSION = pd_sessions.c
COUNT_PLACES = (
    update(pd_sessions)
    .where(SESSION.session_id == bindparam("key"))
    .values(
        booked=SESSION.booked + bindparam("seats"),
        waiting=SESSION.waiting + bindparam("waits"),
        version=bindparam("seq"),
    )
)
PLACE = pd_places.c
MOVE_PLACE = (
    update(pd_places)
    .where(PLACE.session_id == bindparam("key"), PLACE.person_id == bindparam("person"))
    .values(
        place=bindparam("to"),
        reason=bindparam("why"),
        sequence=PLACE.sequence + 1,
        changed_at=bindparam("at"),
    )
)
ADD_PLACE = insert(pd_places)


def put_place(to: str, reason: str = "") -> Handler:
    """A person's place in a session, put at `to` (a row the first time), with the event's
    reason or else `reason` (a seat from the waitlist is "promoted": the overview's freed
    seats)."""

    def handle(connection: Connection, event: RecordedEvent) -> None:
        data, (day_id, slot_id, _) = event.data, parse_subject(event.subject)
        why = data.get("reason", reason)
        place = {"key": data["session_id"], "person": data["person_id"], "at": event.occurred_at}
        moved = connection.execute(MOVE_PLACE, {**place, "to": to, "why": why})
        if moved.rowcount == 0:
            row = {
                "session_id": data["session_id"],
                "person_id": data["person_id"],
                "day_id": day_id,
                "slot_id": slot_id,
                "place": to,
                "reason": why,
                "queued_seq": event.seq,
                "sequence": 0,
                "changed_at": event.occurred_at,
            }
            connection.execute(ADD_PLACE, row)

    return handle


REQUEUE = (
    update(pd_places)
    .where(PLACE.session_id == bindparam("key"), PLACE.person_id == bindparam("person"))
    .values(queued_seq=bindparam("seq"))
)
join_waitlist = put_place("waitlist")


def waitlist_joined(connection: Connection, event: RecordedEvent) -> None:
    """Back of the queue, also for someone who waited here before."""
    join_waitlist(connection, event)
    place = {"key": event.data["session_id"], "person": event.data["person_id"]}
    connection.execute(REQUEUE, {**place, "seq": event.seq})


leave_waitlist = put_place("left")


def waitlist_left(connection: Connection, event: RecordedEvent) -> None:
    """Off the waitlist. Someone who left it because they moved into that session holds
    a seat there already: only the count of people waiting changes."""
    data = event.data
    row = connection.execute(
        pd_places.select().where(
            PLACE.session_id == data["session_id"], PLACE.person_id == data["person_id"]
        )
    ).one()
    if row.place == "waitlist":
        leave_waitlist(connection, event)


PLACES: dict[str, tuple[Handler, int, int]] = {
    "SessionBooked": (put_place("seat"), +1, 0),
    "PromotedFromWaitlist": (put_place("seat", "promoted"), +1, -1),
    "BookingCancelled": (put_place("cancelled"), -1, 0),
    "WaitlistJoined": (waitlist_joined, 0, +1),
    "WaitlistLeft": (waitlist_left, 0, -1),
}
"""Each place event: its change to the person's place, and how it moves the session's seats
taken and people waiting."""


def counted(put: Handler, seats: int, waits: int) -> Handler:
    """A place event's handler: its place, then the session's counts."""

    def handle(connection: Connection, event: RecordedEvent) -> None:
        put(connection, event)
        counts = {"key": event.data["session_id"], "seats": seats, "waits": waits}
        connection.execute(COUNT_PLACES, {**counts, "seq": event.seq})

    return handle


class Tally:
    """A batch's place events' counts and day versions, written once per session and day.
    Only place events are tallied; other handlers may read or write these columns, so the
    tally is written before each of them (the rows end as one event at a time leaves them)."""

    def __init__(self) -> None:
        self.sessions: dict[str, list[int]] = {}
        self.days: dict[str, int] = {}

    def add(self, event: RecordedEvent, seats: int, waits: int) -> None:
        counts = self.sessions.setdefault(event.data["session_id"], [0, 0, 0])
        counts[0], counts[1], counts[2] = counts[0] + seats, counts[1] + waits, event.seq
        self.days[parse_subject(event.subject).day_id] = event.seq

    def write(self, connection: Connection) -> None:
        if self.sessions:
            connection.execute(
                COUNT_PLACES,
                [
                    {"key": key, "seats": seats, "waits": waits, "seq": seq}
                    for key, (seats, waits, seq) in self.sessions.items()
                ],
            )
        if self.days:
            connection.execute(
                TOUCH_DAY, [{"key": key, "seq": seq} for key, seq in self.days.items()]
            )
        self.sessions, self.days = {}, {}


PLACES_OF = select(PLACE.session_id, PLACE.person_id, PLACE.place).where(
    PLACE.person_id.in_(bindparam("people", expanding=True))
)
"""The places of some people (by the person's index: a session's too would make SQLite
look up every session and person pair)."""
WRITE_PLACE = (
    update(pd_places)
    .where(PLACE.session_id == bindparam("key"), PLACE.person_id == bindparam("person"))
    .values(
        place=bindparam("to"),
        reason=bindparam("why"),
        queued_seq=func.coalesce(bindparam("queued", type_=BigInteger), PLACE.queued_seq),
        sequence=PLACE.sequence + bindparam("changes", type_=Integer),
        changed_at=bindparam("at"),
    )
)


class Places:
    """A run of place events' rows: the rows they touch read in one query, changed in
    memory as the handlers one at a time would change them, and written with one
    executemany of updates and one of inserts (issue 14: two statements per booking were
    most of the projector's CPU in the rush)."""

    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []

    def add(self, event: RecordedEvent) -> None:
        self.events.append(event)

    def write(self, connection: Connection) -> None:
        if not self.events:
            return
        events, self.events = self.events, []
        keys = {(e.data["session_id"], e.data["person_id"]) for e in events}
        found = connection.execute(PLACES_OF, {"people": sorted({p for _, p in keys})})
        stored = {(row[0], row[1]): row[2] for row in found if (row[0], row[1]) in keys}
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        """Each touched row as it ends: new ones whole, stored ones as their update."""
        for event in events:
            data = event.data
            key = (data["session_id"], data["person_id"])
            row = rows.get(key)
            place = row["to"] if row is not None else stored.get(key)
            if event.type == "WaitlistLeft":
                if place is None:
                    raise LookupError(f"no place of {key} to leave the waitlist from")
                if place != "waitlist":
                    continue  # moved into that session: a seat there already
            to, reason = PUTS[event.type]
            why = data.get("reason", reason)
            queued = event.seq if event.type == "WaitlistJoined" else None
            if row is None and place is None:  # a new row
                day_id, slot_id, _ = parse_subject(event.subject)
                row = {"new": True, "day_id": day_id, "slot_id": slot_id, "changes": 0}
                queued = event.seq
            elif row is None:
                row = {"new": False, "changes": 1, "queued": None}
            else:
                row["changes"] += 1
            row.update(to=to, why=why, at=event.occurred_at)
            if queued is not None:
                row["queued"] = queued
            rows[key] = row
        updates = [
            {
                "key": session_id,
                "person": person_id,
                "to": row["to"],
                "why": row["why"],
                "queued": row["queued"],
                "changes": row["changes"],
                "at": row["at"],
            }
            for (session_id, person_id), row in rows.items()
            if not row["new"]
        ]
        inserts = [
            {
                "session_id": session_id,
                "person_id": person_id,
                "day_id": row["day_id"],
                "slot_id": row["slot_id"],
                "place": row["to"],
                "reason": row["why"],
                "queued_seq": row["queued"],
                "sequence": row["changes"],
                "changed_at": row["at"],
            }
            for (session_id, person_id), row in rows.items()
            if row["new"]
        ]
        if updates:
            connection.execute(WRITE_PLACE, updates)
        if inserts:
            connection.execute(ADD_PLACE, inserts)


PUTS = {
    "SessionBooked": ("seat", ""),
    "PromotedFromWaitlist": ("seat", "promoted"),
    "BookingCancelled": ("cancelled", ""),
    "WaitlistJoined": ("waitlist", ""),
    "WaitlistLeft": ("left", ""),
}
"""Each place event's place, and its reason when the event gives none (as PLACES's handlers)."""


def fold(connection: Connection, events: Sequence[RecordedEvent]) -> None:
    """A batch in one go: as the handlers one at a time, with place events' rows written
    together and their counts tallied; both written before any other event's handler (it
    may read or write them)."""
    tally, places = Tally(), Places()
    for event in events:
        if event.type in PLACES:
            _, seats, waits = PLACES[event.type]
            places.add(event)
            tally.add(event, seats, waits)
        else:
            places.write(connection)
            tally.write(connection)
            trustdays.handlers[event.type](connection, event)
    places.write(connection)
    tally.write(connection)


# The register and the day
def upsert(connection: Connection, table: Table, key: dict[str, Any], values: dict) -> None:
    """Update the row at `key`, or insert it. A table with a `sequence` counts the changes."""
    # Projections apply under the checkpoint's lock, so update-then-insert cannot race.
    where = [table.c[column] == value for column, value in key.items()]
    counted = {"sequence": table.c.sequence + 1} if "sequence" in table.c else {}
    if connection.execute(update(table).where(*where).values(**values, **counted)).rowcount == 0:
        connection.execute(insert(table), {**key, **values, **({"sequence": 0} if counted else {})})


def attendance_marked(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    key = {"session_id": data["session_id"], "person_id": data["person_id"]}
    values = {
        "day_id": parse_subject(event.subject).day_id,
        "mark": data["mark"],
        "cpd_minutes": data["cpd_minutes"],
        "walk_in": data["walk_in"],
        "marked_at": event.occurred_at,
    }
    upsert(connection, pd_marks, key, values)


def attendance_confirmed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    values = {
        "school_id": data["school_id"],
        "attending": data["attending"],
        "dietary": data["dietary"],
        "changed_at": event.occurred_at,
    }
    upsert(
        connection, pd_attendees, {"day_id": data["day_id"], "person_id": data["person_id"]}, values
    )


def exemption_changed(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    key = {"day_id": data["day_id"], "person_id": data["person_id"]}
    if not data["exempt"]:
        where = (pd_exemptions.c[column] == value for column, value in key.items())
        connection.execute(delete(pd_exemptions).where(*where))
        return
    upsert(
        connection,
        pd_exemptions,
        key,
        {"reason": data["reason"], "changed_at": event.occurred_at},
    )


def nothing(connection: Connection, event: RecordedEvent) -> None:
    """The event changes no row of its own (it still moves the day's version)."""


HANDLERS: dict[str, Callable[[Connection, RecordedEvent], None]] = {
    "DayUpdated": day_updated,
    "SlotAdded": slot_added,
    "SlotChanged": slot_changed,
    "SlotRemoved": slot_removed,
    "DayPublished": day_published,
    "DayCancelled": day_cancelled,
    "SessionAdded": session_added,
    "SessionUpdated": session_updated,
    "SessionCancelled": session_cancelled,
    "SlotClosed": nothing,
    **{name: counted(*place) for name, place in PLACES.items()},
    "AttendanceMarked": attendance_marked,
    "ExemptionChanged": exemption_changed,
}

trustdays = Projection(
    name="trustdays",
    tables=[pd_days, pd_slots, pd_sessions, pd_places, pd_marks, pd_attendees, pd_exemptions],
    handlers={
        "DayPlanned": day_planned,
        **{name: touching_the_day(handler) for name, handler in HANDLERS.items()},
        "DayAttendanceConfirmed": attendance_confirmed,
    },
    fold=fold,
)
