"""networks: answers to meeting invitations (accepted, declined)

Revision ID: frontend_0009_invitation_answers
Revises: frontend_0008_notifications
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0009_invitation_answers"
down_revision = "frontend_0008_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_invitation_answers",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("answer", sa.String(10), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("network_invitation_answers")
