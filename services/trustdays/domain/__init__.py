"""The trust days' deciders, one a module: a PD day (`day`), each slot of its timetable
(`slot`: the aggregate of the booking rush) and each person's day (`attendee`), with what
they share (`common`). Importers name them from here."""

from services.trustdays.domain.attendee import Attendee, AttendeeDecider, ConfirmAttendance
from services.trustdays.domain.common import Window, rejected
from services.trustdays.domain.day import (
    AddSlot,
    CancelDay,
    Day,
    DayDecider,
    DayRecord,
    PlanDay,
    PublishDay,
    Slot,
    UpdateDay,
)
from services.trustdays.domain.slot import (
    AddSession,
    Book,
    CancelPlace,
    CancelSession,
    CloseSlot,
    Leader,
    MarkAttendance,
    Move,
    PlacePerson,
    Session,
    SlotDecider,
    SlotState,
    UpdateSession,
)

__all__ = [
    "AddSession",
    "AddSlot",
    "Attendee",
    "AttendeeDecider",
    "Book",
    "CancelDay",
    "CancelPlace",
    "CancelSession",
    "CloseSlot",
    "ConfirmAttendance",
    "Day",
    "DayDecider",
    "DayRecord",
    "Leader",
    "MarkAttendance",
    "Move",
    "PlacePerson",
    "PlanDay",
    "PublishDay",
    "Session",
    "Slot",
    "SlotDecider",
    "SlotState",
    "UpdateDay",
    "UpdateSession",
    "Window",
    "rejected",
]
