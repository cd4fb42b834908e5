"""ORM tables, one module per feature; import them all here so Alembic sees them."""

from quizapp.models.deck import Deck, Fact, Question, Visibility
from quizapp.models.study import DeckStudyLimits, ReviewLog, StudyItem, StudySettings
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import Role, User

__all__ = [
    "Deck",
    "DeckStudyLimits",
    "Fact",
    "Question",
    "ReviewLog",
    "Role",
    "StudyItem",
    "StudySettings",
    "UTCDateTime",
    "User",
    "Visibility",
    "utcnow",
]
