"""page costs: background jobs kept in the database (an FSRS refit off the request),
indexes for a deck page's order and subjects, answers counted on quiz attempts, the
elapsed days of each review

jobs holds work too long for a request, queued by it and done by whichever runner
(`quizapp jobs run`, started by `quizapp serve`) claims it first: one unfinished job of
a kind per user (a partial unique index), a lease so that a job whose runner died is
claimed again. facts gets two indexes: a deck page's 50 facts in page order, and the
first subjects of a deck, read without sorting the deck. quiz_attempts gets `answered`
and `last_answer_at` (its responses' count and latest time, kept by each answer from now
on and counted here from the responses stored before), so the gradebook reads attempts
and not every answer. review_logs gets `elapsed_days` (whole days from the review
before, set at insert from now on and counted here for the stored reviews): the
statistics compute each past review's recall in SQL without date arithmetic per row.

Revision ID: 0018_page_costs
Revises: 0017_quiz_kinds
Create Date: 2026-12-04 19:00:00

"""

import sqlalchemy as sa
from alembic import op

import quizapp.models.types

# revision identifiers, used by Alembic.
revision = "0018_page_costs"
down_revision = "0017_quiz_kinds"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("queued_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", quizapp.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_jobs_unfinished",
        "jobs",
        ["kind", "user_id"],
        unique=True,
        sqlite_where=sa.text("finished_at IS NULL"),
        postgresql_where=sa.text("finished_at IS NULL"),
    )
    op.create_index("ix_jobs_unfinished_queued", "jobs", ["finished_at", "queued_at"])
    op.create_index(
        "ix_facts_deck_order", "facts", ["deck_id", "subject_name", "relation", "key"]
    )
    op.create_index("ix_facts_deck_subjects", "facts", ["deck_id", "subject_name", "subject"])
    # Plain ALTER TABLE, not a batch copy: on SQLite a copy drops the old table, and with
    # foreign keys on that deletes every attempt's questions and answers (cascade).
    op.add_column(
        "quiz_attempts", sa.Column("answered", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "quiz_attempts",
        sa.Column("last_answer_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=True),
    )
    _count_elapsed_days()
    # One statement on either database: the count and the latest time of each attempt's
    # responses, through its questions.
    op.execute(
        """
        UPDATE quiz_attempts SET
            answered = (
                SELECT count(*) FROM quiz_responses r
                JOIN quiz_questions q ON q.id = r.attempt_question_id
                WHERE q.attempt_id = quiz_attempts.id
            ),
            last_answer_at = (
                SELECT max(r.answered_at) FROM quiz_responses r
                JOIN quiz_questions q ON q.id = r.attempt_question_id
                WHERE q.attempt_id = quiz_attempts.id
            )
        """
    )


# Whole days from last_review_before to reviewed_at, at least 0, exact to the
# microsecond (the same as services.study.sql.whole_days, frozen here).
_ELAPSED = {
    "sqlite": (
        "max(0, ((CAST(strftime('%s', substr(reviewed_at, 1, 19)) AS INTEGER) * 1000000"
        " + CAST(substr(reviewed_at, 21, 6) AS INTEGER))"
        " - (CAST(strftime('%s', substr(last_review_before, 1, 19)) AS INTEGER) * 1000000"
        " + CAST(substr(last_review_before, 21, 6) AS INTEGER))) / 86400000000)"
    ),
    "postgresql": (
        "greatest(0, floor(extract(epoch from (reviewed_at - last_review_before)) / 86400))"
    ),
}


def _count_elapsed_days():
    op.add_column("review_logs", sa.Column("elapsed_days", sa.Integer(), nullable=True))
    elapsed = _ELAPSED[op.get_bind().dialect.name]
    op.execute(
        f"UPDATE review_logs SET elapsed_days = {elapsed} WHERE last_review_before IS NOT NULL"
    )


def downgrade():
    op.execute("ALTER TABLE review_logs DROP COLUMN elapsed_days")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL): no copy of the table, whose
    # drop would cascade to the attempts' questions and answers.
    op.execute("ALTER TABLE quiz_attempts DROP COLUMN last_answer_at")
    op.execute("ALTER TABLE quiz_attempts DROP COLUMN answered")
    op.drop_index("ix_facts_deck_subjects", table_name="facts")
    op.drop_index("ix_facts_deck_order", table_name="facts")
    op.drop_index("ix_jobs_unfinished_queued", table_name="jobs")
    op.drop_index("uq_jobs_unfinished", table_name="jobs")
    op.drop_table("jobs")
