"""sign-ins (the gateway's server-side sessions) and identity links (the directory's IdentityLinked)

Revision ID: frontend_0004_gateway
Revises: frontend_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0004_gateway"
down_revision = "frontend_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_ins",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "identity_links",
        sa.Column("issuer", sa.String(300), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("identity_links")
    op.drop_table("sign_ins")
