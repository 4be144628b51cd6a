"""An independent replay of a slot's log: it knows nothing of the deciders, and checks
every rule of booking after every event (used by the rush test and the rush benchmark)."""

from __future__ import annotations

from collections import defaultdict


def replay(events) -> dict[str, int]:
    """Walk the log as it happened, checking every rule after every event."""
    capacity: dict[str, int] = {}
    seats: dict[str, list[str]] = defaultdict(list)
    holder: dict[str, str] = {}
    waiting: dict[str, list[str]] = defaultdict(list)
    last_of_command = {event.seq: event for event in events}
    for event in events:
        data = event.data
        person, session = data.get("person_id"), data.get("session_id")
        match event.type:
            case "SessionAdded" | "SessionUpdated":
                capacity[session] = data["capacity"]
            case "SessionBooked":
                assert person not in holder, f"{person} holds two seats in one slot"
                assert person not in waiting[session], f"{person} booked while waiting"
                seats[session].append(person)
                holder[person] = session
            case "PromotedFromWaitlist":
                first = next(p for p in waiting[session] if p not in holder)
                assert person == first, f"{person} promoted before {first}"
                waiting[session].remove(person)
                seats[session].append(person)
                holder[person] = session
            case "BookingCancelled":
                seats[session].remove(person)
                del holder[person]
            case "WaitlistJoined":
                assert person not in waiting[session], f"{person} waits twice"
                assert len(seats[session]) >= capacity[session], "waitlisted with seats free"
                waiting[session].append(person)
            case "WaitlistLeft":
                waiting[session].remove(person)
        for session_id, held in seats.items():
            assert len(held) <= capacity[session_id], f"{session_id} over capacity"
        if event is not last_of_command.get(event.seq):
            continue  # a command's own events may pass through a freed seat on the way
        for session_id, queue in waiting.items():
            free = capacity.get(session_id, 0) - len(seats[session_id])
            eligible = [p for p in queue if p not in holder]
            assert not (free > 0 and eligible), f"{session_id} left a seat free with people waiting"
    return {session_id: len(held) for session_id, held in seats.items()}
