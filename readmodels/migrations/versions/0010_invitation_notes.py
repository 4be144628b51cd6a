"""networks: an invitation's answer may carry a note for the organiser

Revision ID: frontend_0010_invitation_notes
Revises: frontend_0009_invitation_answers
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0010_invitation_notes"
down_revision = "frontend_0009_invitation_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("network_invitation_answers") as table:
        table.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("network_invitation_answers") as table:
        table.drop_column("note")
