"""answer overrides: a teacher accepting a student's answer in an assignment's report

One row per accepted response (unique), with what it counted before; the response
and its attempt's score carry the new credit.

Revision ID: 0013_answer_overrides
Revises: 0012_deck_media
Create Date: 2026-12-04 02:00:00

"""

from alembic import op
import sqlalchemy as sa

import quizapp.models.types


# revision identifiers, used by Alembic.
revision = "0013_answer_overrides"
down_revision = "0012_deck_media"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("previous_correct", sa.Boolean(), nullable=False),
        sa.Column("previous_points", sa.Float(), nullable=False),
        sa.Column("created_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["quiz_responses.id"],
            name=op.f("fk_answer_overrides_response_id_quiz_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_answer_overrides_teacher_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_overrides")),
        sa.UniqueConstraint("response_id", name=op.f("uq_answer_overrides_response_id")),
    )
    with op.batch_alter_table("answer_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_overrides_teacher_id"), ["teacher_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("answer_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_overrides_teacher_id"))
    op.drop_table("answer_overrides")
