"""live modes: a lead-in before the options open, lobby control, teams, homework

live_games.options_at is when the current question's options open (the question is
shown first; speed scoring counts from here, answers before it are refused).
live_games.locked / approval / max_players are the host's lobby controls;
live_players.pending marks a player waiting for the host's approval; claim_hash a device
asking the host to let it back in under that player's name.
live_games.team_count (0: no teams) and live_players.team are team mode.
live_games.mode ("live" or "homework") and closes_at, and live_players.position (how
far a player got) are homework mode: a game taken at one's own pace until a deadline.
live_questions.question_id / fact_id may be empty: the host's own poll has neither.

Revision ID: 0016_live_modes
Revises: 0015_daily_stats
Create Date: 2026-12-04 01:40:00

"""

import sqlalchemy as sa
from alembic import op

import quizapp.models.types

# revision identifiers, used by Alembic.
revision = "0016_live_modes"
down_revision = "0015_daily_stats"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("live_games", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("options_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("max_players", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("team_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("mode", sa.String(length=10), nullable=False, server_default="live")
        )
        batch_op.add_column(
            sa.Column("closes_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("live_questions", schema=None) as batch_op:
        batch_op.alter_column("question_id", existing_type=sa.String(length=40), nullable=True)
        batch_op.alter_column("fact_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("live_players", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("team", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claim_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("position", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("live_players", schema=None) as batch_op:
        batch_op.drop_column("position")
        batch_op.drop_column("claim_hash")
        batch_op.drop_column("team")
        batch_op.drop_column("pending")
    op.execute("DELETE FROM live_questions WHERE question_id IS NULL OR fact_id IS NULL")
    with op.batch_alter_table("live_questions", schema=None) as batch_op:
        batch_op.alter_column("fact_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("question_id", existing_type=sa.String(length=40), nullable=False)
    with op.batch_alter_table("live_games", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("mode")
        batch_op.drop_column("team_count")
        batch_op.drop_column("max_players")
        batch_op.drop_column("approval")
        batch_op.drop_column("locked")
        batch_op.drop_column("options_at")
