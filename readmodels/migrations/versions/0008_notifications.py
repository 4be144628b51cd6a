"""notifications: every message of every outbox (queued, sending, sent, failed, skipped,
bounced), bounced addresses, preferences

Revision ID: frontend_0008_notifications
Revises: frontend_0007_networks
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0008_notifications"
down_revision = "frontend_0007_networks"
branch_labels = None
depends_on = None
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_messages",
        sa.Column("message_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("service", sa.String(30), nullable=False),
        sa.Column("day_id", sa.String(36), nullable=True, index=True),
        sa.Column("slot_id", sa.String(36), nullable=True),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("meeting_id", sa.String(36), nullable=True, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("cause_id", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("due", MOMENT, nullable=False),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("claimed_at", MOMENT, nullable=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("skip_reason", sa.String(30), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("smtp_id", sa.String(255), nullable=False),
        sa.Column("queued_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.Column("changed_at", MOMENT, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_notification_messages_status_due", "notification_messages", ["status", "due"]
    )
    op.create_table(
        "notification_bounces",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("address", sa.String(320), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("bounced_at", MOMENT, nullable=False),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("choice", sa.String(10), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    op.drop_table("notification_bounces")
    op.drop_index("ix_notification_messages_status_due", "notification_messages")
    op.drop_table("notification_messages")
