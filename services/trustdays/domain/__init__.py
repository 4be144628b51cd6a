"""The trust days' deciders, one a module: a PD day (`day`), each slot of its timetable
(`slot`: the aggregate of the booking rush, with its state in `slot_state` and the rules of
seats and waitlists in `places`) and each person's day (`attendee`), with what they share
(`common`). Importers name them from here."""

from services.trustdays.domain.attendee import (
    Attendee,
    AttendeeDecider,
    ChangeExemption,
    ConfirmAttendance,
)
from services.trustdays.domain.common import Window, rejected
from services.trustdays.domain.day import (
    AddSlot,
    CancelDay,
    ChangeSlot,
    Day,
    DayDecider,
    DayRecord,
    PlanDay,
    PublishDay,
    RemoveSlot,
    Slot,
    UpdateDay,
)
from services.trustdays.domain.nudge import NudgeToBook
from services.trustdays.domain.slot import (
    AddSession,
    AddSessions,
    Book,
    CancelPlace,
    CancelSession,
    CloseSlot,
    MarkAttendance,
    Move,
    PlacePerson,
    SlotDecider,
    UpdateSession,
)
from services.trustdays.domain.slot_state import Leader, Session, SlotState

__all__ = [
    "AddSession",
    "AddSessions",
    "AddSlot",
    "Attendee",
    "AttendeeDecider",
    "Book",
    "CancelDay",
    "CancelPlace",
    "CancelSession",
    "ChangeExemption",
    "ChangeSlot",
    "CloseSlot",
    "ConfirmAttendance",
    "Day",
    "DayDecider",
    "DayRecord",
    "Leader",
    "MarkAttendance",
    "Move",
    "NudgeToBook",
    "PlacePerson",
    "PlanDay",
    "PublishDay",
    "RemoveSlot",
    "Session",
    "Slot",
    "SlotDecider",
    "SlotState",
    "UpdateDay",
    "UpdateSession",
    "Window",
    "rejected",
]
