"""accounts: login sessions (one row per log-in, so log-out ends it on the server) and
teacher requests

login_sessions replaces users.auth_stamp (one value per user, which could only end
every session at once, and log-out did not change it). users.teacher_requested_at
marks a sign-up as a teacher waiting for an administrator
(QUIZAPP_TEACHER_SIGNUP=approval).

Revision ID: 0010_accounts
Revises: 0009_assignments
Create Date: 2026-12-03 16:40:00

"""

from alembic import op
import sqlalchemy as sa

import quizapp.models.types


# revision identifiers, used by Alembic.
revision = "0010_accounts"
down_revision = "0009_assignments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_login_sessions_secret_hash")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    # Existing sessions named the stamp; without it they find no one (everyone logs in
    # again once after the upgrade).
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("auth_stamp")
        batch_op.add_column(
            sa.Column(
                "teacher_requested_at",
                quizapp.models.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("teacher_requested_at")
        batch_op.add_column(
            sa.Column("auth_stamp", sa.String(length=32), nullable=False, server_default="0")
        )

    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))

    op.drop_table("login_sessions")
