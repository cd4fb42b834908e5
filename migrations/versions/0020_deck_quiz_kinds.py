"""deck quiz kinds: the kinds made from facts (estimate, order) each deck offers

decks.quiz_kinds ("estimate,order", "" for none) is found by `sync_deck` with the
questions it is found from, so a deck page's quiz form reads it instead of building
every estimate and order question of the deck (0.6 s at 10,000 facts). Empty (NULL)
until the deck's next sync (`quizapp questions load`, an edit); until then the app works
it out once per deck version and process.

Revision ID: 0020_deck_quiz_kinds
Revises: 0019_live_extras
Create Date: 2026-12-04 20:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_deck_quiz_kinds"
down_revision = "0019_live_extras"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decks", sa.Column("quiz_kinds", sa.String(length=300), nullable=True))


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL), not a batch copy: dropping
    # the old decks table would cascade to every deck's facts and questions.
    op.execute("ALTER TABLE decks DROP COLUMN quiz_kinds")
