"""checkpoints notify: on PostgreSQL a moved checkpoint NOTIFYs the pages waiting to read
their writes (events/checkpoint_watch.py), at the projector's commit; nothing on SQLite

Revision ID: events_0003
Revises: events_0002
"""

from alembic import op

revision = "events_0003"
down_revision = "events_0002"
branch_labels = None
depends_on = None

CHANNEL = "staffroom_checkpoints"  # events.checkpoint_watch.CHANNEL, as it was then


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION projection_checkpoints_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER projection_checkpoints_notify
        AFTER INSERT OR UPDATE ON projection_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION projection_checkpoints_notify()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER projection_checkpoints_notify ON projection_checkpoints")
    op.execute("DROP FUNCTION projection_checkpoints_notify()")
