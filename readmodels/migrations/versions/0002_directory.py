"""directory: schools, people and their roles

Revision ID: frontend_0002
Revises: frontend_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "frontend_0002"
down_revision = "frontend_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("school_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("urn", sa.String(6), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False, unique=True),
        sa.Column("school_id", sa.String(36), nullable=True, index=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("subjects", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
    )
    op.create_table(
        "role_grants",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("role", sa.String(30), primary_key=True),
        sa.Column("school_id", sa.String(36), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("role_grants")
    op.drop_table("people")
    op.drop_table("schools")
