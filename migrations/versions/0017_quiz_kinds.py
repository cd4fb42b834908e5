"""quiz kinds: estimate and order questions in assignments

assignments.built_questions holds the estimate and order questions of an
assignment's set, as made when it was made (keyed by the id of the deck question each
is made from): they are not rows of `questions`, and an order question's items depend
on the deck at that time. Empty (NULL) for assignments without them.

Revision ID: 0017_quiz_kinds
Revises: 0016_live_modes
Create Date: 2026-12-04 19:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_quiz_kinds"
down_revision = "0016_live_modes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("built_questions", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("built_questions")
