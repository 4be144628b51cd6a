"""log stats: events per type

Revision ID: frontend_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0001"
down_revision = None
branch_labels = ("frontend",)
depends_on = "events_0001"


def upgrade() -> None:
    op.create_table(
        "log_event_counts",
        sa.Column("type", sa.String(200), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("log_event_counts")
