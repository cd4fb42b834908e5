"""daily stats: review counts per user, deck and study day, kept with the reviews

review_days holds what the statistics page read from the whole log at every view;
review_day_zones the timezone each user's days are counted in. The upgrade counts
every existing review (not undone) once, in the user's timezone.

Revision ID: 0015_daily_stats
Revises: 0014_scheduler
Create Date: 2026-12-04 01:50:00

"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic import op
import sqlalchemy as sa

import quizapp.models.types
from quizapp.domain.study import daily_tallies


# revision identifiers, used by Alembic.
revision = "0015_daily_stats"
down_revision = "0014_scheduler"
branch_labels = None
depends_on = None


def upgrade():
    days = op.create_table(
        "review_days",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("mature", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deck_id"], ["decks.id"], name=op.f("fk_review_days_deck_id_decks")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_days_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "deck_id", "day", name=op.f("pk_review_days")),
    )
    with op.batch_alter_table("review_days", schema=None) as batch_op:
        batch_op.create_index("ix_review_days_user_day", ["user_id", "day"], unique=False)
    zones = op.create_table(
        "review_day_zones",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_day_zones_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_review_day_zones")),
    )
    _backfill(days, zones)


def _timezone(name):
    # As the app reads it: a timezone this machine does not know is UTC. Were the app's
    # check ever to disagree, the statistics count that user's log again at first view.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return "UTC"
    return name


def _backfill(days, zones):
    """Count every user's reviews (not undone), one user at a time."""
    conn = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("timezone"))
    logs = sa.table(
        "review_logs",
        sa.column("user_id"),
        sa.column("deck_id"),
        sa.column("reviewed_at", quizapp.models.types.UTCDateTime()),
        sa.column("undone_at"),
        sa.column("state_before"),
        sa.column("stability_before"),
        sa.column("rating"),
    )
    reviewers = sa.select(users.c.id, users.c.timezone).where(
        users.c.id.in_(sa.select(logs.c.user_id).distinct())
    )
    for user_id, timezone in conn.execute(reviewers).all():
        timezone = _timezone(timezone)
        reviews = conn.execute(
            sa.select(
                logs.c.reviewed_at,
                logs.c.deck_id,
                logs.c.state_before,
                logs.c.stability_before,
                logs.c.rating,
            ).where(logs.c.user_id == user_id, logs.c.undone_at.is_(None))
        )
        tallies = daily_tallies(reviews, timezone)
        conn.execute(zones.insert().values(user_id=user_id, timezone=timezone))
        if tallies:
            conn.execute(
                days.insert(),
                [
                    {
                        "user_id": user_id,
                        "deck_id": deck_id,
                        "day": day,
                        "reviews": counts[0],
                        "mature": counts[1],
                        "passed": counts[2],
                    }
                    for (deck_id, day), counts in tallies.items()
                ],
            )


def downgrade():
    op.drop_table("review_day_zones")
    with op.batch_alter_table("review_days", schema=None) as batch_op:
        batch_op.drop_index("ix_review_days_user_day")
    op.drop_table("review_days")
