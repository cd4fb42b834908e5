"""deck media: images of a deck's facts (from Anki notes, or a fact's own picture)

Revision ID: 0012_deck_media
Revises: 0011_lti
Create Date: 2026-12-04 02:00:00

"""

from alembic import op
import sqlalchemy as sa

import quizapp.models.types


# revision identifiers, used by Alembic.
revision = "0012_deck_media"
down_revision = "0011_lti"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deck_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", quizapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deck_id"],
            ["decks.id"],
            name=op.f("fk_deck_images_deck_id_decks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deck_images")),
        sa.UniqueConstraint("deck_id", "name", name=op.f("uq_deck_images_deck_id_name")),
    )
    with op.batch_alter_table("deck_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deck_images_deck_id"), ["deck_id"], unique=False)


def downgrade():
    with op.batch_alter_table("deck_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deck_images_deck_id"))
    op.drop_table("deck_images")
