"""Who accepted and who declined a dated meeting's invitation (InvitationAnswered): one row
an invitee, the latest answer; a move asks everyone again, so it clears the meeting's rows.
Shown to the organiser on the meeting's page; read by the notifications' sender (an answer
changed since is not told)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Engine, Row, String, Table, Text, delete, select

from events.db import UtcDateTime
from events.envelope import RecordedEvent
from readmodels import metadata
from readmodels.directory.tables import people
from readmodels.networks.rows import replace_rows

network_invitation_answers = Table(
    "network_invitation_answers",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("answer", String(10), nullable=False),  # services.networks.events.INVITATION_ANSWERS
    Column("answered_at", UtcDateTime(), nullable=False),
    Column("note", Text(), nullable=False, server_default=""),  # for the organiser (optional)
)
ANSWER = network_invitation_answers.c


def invitation_answered(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    key = {"meeting_id": data["meeting_id"], "person_id": data["person_id"]}
    row = {"answer": data["answer"], "answered_at": event.occurred_at, "note": data.get("note", "")}
    replace_rows(connection, network_invitation_answers, key, [row])


def asked_again(connection: Connection, event: RecordedEvent) -> None:
    """A meeting moved: its invitees are asked again (the answers were for the old date)."""
    connection.execute(
        delete(network_invitation_answers).where(ANSWER.meeting_id == event.data["meeting_id"])
    )


def invitation_answers(engine: Engine, meeting_id: str) -> list[Row]:
    """Each answer to the meeting's invitation, with who gave it, accepted first then by name."""
    query = (
        select(ANSWER.person_id, ANSWER.answer, ANSWER.answered_at, ANSWER.note, people.c.name)
        .outerjoin(people, people.c.person_id == ANSWER.person_id)
        .where(ANSWER.meeting_id == meeting_id)
        .order_by(ANSWER.answer, people.c.name, ANSWER.person_id)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def answer_and_note(engine: Engine, meeting_id: str, person_id: str) -> Row | None:
    """The person's answer (answer, note, answered_at), or None."""
    query = select(ANSWER.answer, ANSWER.note, ANSWER.answered_at).where(
        ANSWER.meeting_id == meeting_id, ANSWER.person_id == person_id
    )
    with engine.connect() as connection:
        return connection.execute(query).first()


def answer_of(engine: Engine, meeting_id: str, person_id: str) -> str | None:
    query = select(ANSWER.answer).where(
        ANSWER.meeting_id == meeting_id, ANSWER.person_id == person_id
    )
    with engine.connect() as connection:
        found: str | None = connection.scalar(query)
        return found
