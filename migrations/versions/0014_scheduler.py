"""scheduler: FSRS parameters fitted per learner, leeches, suspend and bury, "I was right"

study_exams holds a learner's exam date and recall target per deck; study_settings gets
load balancing and light weekdays ("Easy Days").

parameter_fits holds each run of the optimiser (parameters, reviews used, log loss and
RMSE before and after); study_settings.fsrs_parameters the parameters in use, and the
leech settings. study_items get leech/suspended/buried_until; review_logs.claimed_right
marks a typed answer the learner overrode as right.

Revision ID: 0014_scheduler
Revises: 0013_answer_overrides
Create Date: 2026-12-04 01:50:00

"""

import sqlalchemy as sa
from alembic import op

import quizapp.models.types

# revision identifiers, used by Alembic.
revision = "0014_scheduler"
down_revision = "0013_answer_overrides"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "parameter_fits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fitted_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=True),
        sa.Column("log_loss_before", sa.Float(), nullable=True),
        sa.Column("log_loss_after", sa.Float(), nullable=True),
        sa.Column("rmse_before", sa.Float(), nullable=True),
        sa.Column("rmse_after", sa.Float(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_parameter_fits_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter_fits")),
    )
    with op.batch_alter_table("parameter_fits", schema=None) as batch_op:
        batch_op.create_index("ix_parameter_fits_user_fitted", ["user_id", "fitted_at"])

    with op.batch_alter_table("study_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fsrs_parameters", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("leech_threshold", sa.Integer(), server_default="8", nullable=False)
        )
        batch_op.add_column(
            sa.Column("leech_suspend", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("load_balance", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("easy_days", sa.String(length=7), server_default="", nullable=False)
        )

    op.create_table(
        "study_exams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("exam_on", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("updated_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("share_on", sa.Date(), nullable=True),
        sa.Column("share", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deck_id"], ["decks.id"], name=op.f("fk_study_exams_deck_id_decks")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_study_exams_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_exams")),
        sa.UniqueConstraint("user_id", "deck_id", name=op.f("uq_study_exams_user_id_deck_id")),
    )
    with op.batch_alter_table("study_exams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_study_exams_deck_id"), ["deck_id"], unique=False)

    with op.batch_alter_table("study_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leech", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("suspended", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "buried_until", quizapp.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("reset_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_study_items_user_suspended", ["user_id", "suspended"])
        batch_op.create_index("ix_study_items_user_buried", ["user_id", "buried_until"])

    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_right", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_column("claimed_right")
    with op.batch_alter_table("study_items", schema=None) as batch_op:
        batch_op.drop_index("ix_study_items_user_buried")
        batch_op.drop_index("ix_study_items_user_suspended")
        batch_op.drop_column("reset_at")
        batch_op.drop_column("buried_until")
        batch_op.drop_column("suspended")
        batch_op.drop_column("leech")
    with op.batch_alter_table("study_exams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_exams_deck_id"))
    op.drop_table("study_exams")
    with op.batch_alter_table("study_settings", schema=None) as batch_op:
        batch_op.drop_column("easy_days")
        batch_op.drop_column("load_balance")
        batch_op.drop_column("leech_suspend")
        batch_op.drop_column("leech_threshold")
        batch_op.drop_column("fsrs_parameters")
    with op.batch_alter_table("parameter_fits", schema=None) as batch_op:
        batch_op.drop_index("ix_parameter_fits_user_fitted")
    op.drop_table("parameter_fits")
