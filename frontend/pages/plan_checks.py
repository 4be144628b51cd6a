"""What a PD day must have before staff see it (a `must`: publishing waits for it), and
what is worth a look first, for the planning page's check list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from readmodels.trustdays import queries as pd_queries


def checklist(day: Row, slots: list[pd_queries.SlotView]) -> list[dict[str, Any]]:
    """What must be true before staff see the day (`must`), and what is worth a look."""
    breakouts = [v for v in slots if v.slot.kind == "breakout"]
    empty = [v.slot.title for v in breakouts if not any(s.status == "open" for s in v.sessions)]
    keynotes = [v.slot for v in slots if v.slot.kind == "keynote"]
    no_link = [
        s.title
        for v in slots
        for s in v.sessions
        if s.mode == "online" and s.status == "open" and not getattr(s, "join_link", "")
    ]
    return [
        check(bool(breakouts), "The timetable has a breakout slot.", must=True),
        check(not empty, "Every breakout slot has a session.", "Without sessions: ", empty, True),
        check(day.closes > datetime.now(UTC), "Booking has not closed yet.", must=True),
        check(
            all(getattr(k, "speaker", "") for k in keynotes),
            "Every keynote names its speaker.",
        ),
        check(not no_link, "Every online session has its join link.", "Without one: ", no_link),
    ]


def check(ok: bool, said: str, which: str = "", names: list[str] | None = None, must=False):
    detail = f"{which}{', '.join(names)}." if names and not ok else ""
    return {"ok": ok, "said": said, "detail": detail, "must": must}
