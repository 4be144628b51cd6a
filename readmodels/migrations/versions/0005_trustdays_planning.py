"""trust days planning: a keynote's speaker, a session's join link and leader's bio,
exemptions from booking a day

Revision ID: frontend_0005_trustdays
Revises: frontend_0004_gateway
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0005_trustdays"
down_revision = "frontend_0004_gateway"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pd_slots", sa.Column("speaker", sa.Text, nullable=False, server_default=""))
    op.add_column(
        "pd_sessions", sa.Column("leader_bio", sa.Text, nullable=False, server_default="")
    )
    op.add_column("pd_sessions", sa.Column("join_link", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "pd_exemptions",
        sa.Column("day_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pd_exemptions")
    with op.batch_alter_table("pd_sessions") as table:
        table.drop_column("join_link")
        table.drop_column("leader_bio")
    with op.batch_alter_table("pd_slots") as table:
        table.drop_column("speaker")
