"""page costs 2: the window of reviews the statistics' right-answers-by-kind table reads

The table reads the learner's last 10,000 reviews of learnt facts (not undone, in review
before), newest first. Two partial indexes hold exactly those reviews, in that order and
with the columns the table computes from, for all decks and per deck: the window is one
walk of a covering index, without a look-up of each review's row (about 2 ms of the
100,000-review learner's page).

Revision ID: 0021_page_costs2
Revises: 0020_deck_quiz_kinds
Create Date: 2026-12-06 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_page_costs2"
down_revision = "0020_deck_quiz_kinds"
branch_labels = None
depends_on = None

WINDOW = "undone_at IS NULL AND state_before = 'review'"
# The window's order, the columns the table reads, and those of WINDOW: SQLite takes an
# index as covering only when it holds every column the query names.
COLUMNS = [
    "reviewed_at",
    "id",
    "kind",
    "rating",
    "stability_before",
    "last_review_before",
    "elapsed_days",
    "undone_at",
    "state_before",
]
INDEXES = {
    "ix_review_logs_recall_window": ["user_id", *COLUMNS],
    "ix_review_logs_deck_recall_window": ["user_id", "deck_id", *COLUMNS],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "review_logs",
            columns,
            sqlite_where=sa.text(WINDOW),
            postgresql_where=sa.text(WINDOW),
        )


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="review_logs")
