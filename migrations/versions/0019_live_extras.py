"""live extras: speed scoring in homework mode

live_players.served_at is when a homework player's next question (their `position`)
was first served to them, by the server's clock: an answer to it with speed scoring
counts from then, so the time between questions (the tab left alone) never costs
points, and a reload does not restart the clock. Empty while no question is served
(and for live games, whose clock is the game's).

Revision ID: 0019_live_extras
Revises: 0018_page_costs
Create Date: 2026-12-04 19:40:00

"""

import sqlalchemy as sa
from alembic import op

import quizapp.models.types

# revision identifiers, used by Alembic.
revision = "0019_live_extras"
down_revision = "0018_page_costs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("live_players", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("served_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("live_players", schema=None) as batch_op:
        batch_op.drop_column("served_at")
