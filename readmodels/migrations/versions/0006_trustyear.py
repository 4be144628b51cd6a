"""trust year: the years' terms, schools' own terms and closures; directory posts; the
network a PD-day session is a meeting of

Revision ID: frontend_0006_trustyear
Revises: frontend_0005_trustdays
"""

import sqlalchemy as sa
from alembic import op


revision = "frontend_0006_trustyear"
down_revision = "frontend_0005_trustdays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_years",
        sa.Column("year_id", sa.String(7), primary_key=True),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "year_terms",
        sa.Column("year_id", sa.String(7), primary_key=True),
        sa.Column("term", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
    )
    op.create_table(
        "school_terms",
        sa.Column("school_id", sa.String(36), primary_key=True),
        sa.Column("year_id", sa.String(7), primary_key=True),
        sa.Column("term", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
    )
    op.create_table(
        "school_closures",
        sa.Column("closure_id", sa.String(36), primary_key=True),
        sa.Column("school_id", sa.String(36), nullable=False, index=True),
        sa.Column("year_id", sa.String(7), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "directory_posts",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("post", sa.String(40), primary_key=True),
        sa.Column("school_id", sa.String(36), nullable=True, index=True),
    )
    op.add_column("pd_sessions", sa.Column("network_id", sa.String(36), nullable=True))
    op.create_index("ix_pd_sessions_network_id", "pd_sessions", ["network_id"])


def downgrade() -> None:
    op.drop_index("ix_pd_sessions_network_id", "pd_sessions")
    with op.batch_alter_table("pd_sessions") as table:
        table.drop_column("network_id")
    op.drop_table("directory_posts")
    op.drop_table("school_closures")
    op.drop_table("school_terms")
    op.drop_table("year_terms")
    op.drop_table("trust_years")
