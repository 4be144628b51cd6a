"""networks: networks and their member rules, meetings with their polls (options, invitees,
votes, nudges), agenda, minutes, actions, register marks, series, clash alerts, and each
school's improvement plan priorities

Revision ID: frontend_0007_networks
Revises: frontend_0006_trustyear
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "frontend_0007_networks"
down_revision = "frontend_0006_trustyear"
branch_labels = None
depends_on = None
DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")

TABLES = (
    "networks",
    "network_posts",
    "network_people",
    "network_meetings",
    "network_options",
    "network_invitees",
    "network_votes",
    "network_answers",
    "network_nudges",
    "network_agenda",
    "network_minutes",
    "network_actions",
    "network_action_schools",
    "network_marks",
    "network_series",
    "network_clashes",
    "school_priorities",
)


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("network_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("facilitator_id", sa.String(36), nullable=False, index=True),
        sa.Column("agenda_lead_id", sa.String(36), nullable=True),
        sa.Column("cadence_rule", sa.String(20), nullable=False),
        sa.Column("cadence_count", sa.Integer, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("agenda_template", DOCUMENT, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("closed_reason", sa.Text, nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_posts",
        sa.Column("network_id", sa.String(36), primary_key=True),
        sa.Column("post", sa.String(40), primary_key=True, index=True),
    )
    op.create_table(
        "network_people",
        sa.Column("network_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
    )
    op.create_table(
        "network_meetings",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("network_id", sa.String(36), nullable=False, index=True),
        sa.Column("series_id", sa.String(36), nullable=True, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organiser_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("polled", sa.Boolean, nullable=False),
        sa.Column("close_reason", sa.String(20), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=False), nullable=True),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("option_id", sa.String(36), nullable=True),
        sa.Column("date", sa.Date, nullable=True, index=True),
        sa.Column("starts", sa.String(5), nullable=True),
        sa.Column("ends", sa.String(5), nullable=True),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("join_link", sa.Text, nullable=False),
        sa.Column("warnings", DOCUMENT, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("timed_seq", sa.BigInteger, nullable=False),
        sa.Column("dated", sa.Boolean, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_options",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("option_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("starts", sa.String(5), nullable=False),
        sa.Column("ends", sa.String(5), nullable=False),
    )
    op.create_table(
        "network_invitees",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
        sa.Column("required", sa.Boolean, nullable=False),
    )
    op.create_table(
        "network_votes",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(36), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_answers",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("option_id", sa.String(36), primary_key=True),
        sa.Column("answer", sa.String(12), nullable=False),
    )
    op.create_table(
        "network_nudges",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("times", sa.Integer, nullable=False),
        sa.Column("by_id", sa.String(36), nullable=False),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_agenda",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=True),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("action_id", sa.String(36), nullable=True),
    )
    op.create_table(
        "network_minutes",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_actions",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column("meeting_id", sa.String(36), nullable=False, index=True),
        sa.Column("network_id", sa.String(36), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False, index=True),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("priority_id", sa.String(36), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_action_schools",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column("school_id", sa.String(36), primary_key=True, index=True),
    )
    op.create_table(
        "network_marks",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True, index=True),
        sa.Column("school_id", sa.String(36), nullable=True),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_series",
        sa.Column("series_id", sa.String(36), primary_key=True),
        sa.Column("network_id", sa.String(36), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organiser_id", sa.String(36), nullable=False),
        sa.Column("every_weeks", sa.Integer, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("starts", sa.String(5), nullable=False),
        sa.Column("ends", sa.String(5), nullable=False),
        sa.Column("first", sa.Date, nullable=False),
        sa.Column("last", sa.Date, nullable=False),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("join_link", sa.Text, nullable=False),
        sa.Column("occurrences", DOCUMENT, nullable=False),
        sa.Column("skipped", DOCUMENT, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("end_reason", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "network_clashes",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "school_priorities",
        sa.Column("school_id", sa.String(36), primary_key=True),
        sa.Column("year_id", sa.String(7), primary_key=True),
        sa.Column("priority_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
