"""projection failures: the event a projection stopped at, and why

Revision ID: events_0002
Revises: events_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projection_checkpoints", sa.Column("failed_seq", sa.BigInteger, nullable=True))
    op.add_column("projection_checkpoints", sa.Column("failure", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projection_checkpoints") as table:
        table.drop_column("failure")
        table.drop_column("failed_seq")
