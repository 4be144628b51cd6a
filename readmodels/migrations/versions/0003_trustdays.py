"""trust days: PD days, slots, sessions, places, marks, attendees; feed tokens

Revision ID: frontend_0003
Revises: frontend_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0003"
down_revision = "frontend_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pd_days",
        sa.Column("day_id", sa.String(36), primary_key=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("academic_year", sa.String(7), nullable=False),
        sa.Column("term", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("theme", sa.String(200), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("opens", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pd_slots",
        sa.Column("slot_id", sa.String(36), primary_key=True),
        sa.Column("day_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts", sa.String(5), nullable=False),
        sa.Column("ends", sa.String(5), nullable=False),
    )
    op.create_table(
        "pd_sessions",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("day_id", sa.String(36), nullable=False, index=True),
        sa.Column("slot_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("community", sa.String(30), nullable=False),
        sa.Column("leader_id", sa.String(36), nullable=True, index=True),
        sa.Column("leader_name", sa.String(200), nullable=False),
        sa.Column("room", sa.String(200), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("phase", sa.String(10), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("booked", sa.Integer, nullable=False),
        sa.Column("waiting", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pd_places",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
        sa.Column("day_id", sa.String(36), nullable=False, index=True),
        sa.Column("slot_id", sa.String(36), nullable=False),
        sa.Column("place", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("queued_seq", sa.BigInteger, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pd_marks",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
        sa.Column("day_id", sa.String(36), nullable=False, index=True),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("cpd_minutes", sa.Integer, nullable=False),
        sa.Column("walk_in", sa.Boolean, nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pd_attendees",
        sa.Column("day_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("school_id", sa.String(36), nullable=True),
        sa.Column("attending", sa.Boolean, nullable=False),
        sa.Column("dietary", sa.Text, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "feed_tokens",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feed_tokens")
    op.drop_table("pd_attendees")
    op.drop_table("pd_marks")
    op.drop_table("pd_places")
    op.drop_table("pd_sessions")
    op.drop_table("pd_slots")
    op.drop_table("pd_days")
