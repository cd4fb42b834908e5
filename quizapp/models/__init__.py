"""ORM tables, one module per feature; import them all here so Alembic sees them."""

from quizapp.models.deck import Deck, Fact, Question, Visibility
from quizapp.models.live import GameState, LiveAnswer, LiveGame, LivePlayer, LiveQuestion
from quizapp.models.study import StudyItem
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import Role, User

__all__ = [
    "Deck",
    "Fact",
    "GameState",
    "LiveAnswer",
    "LiveGame",
    "LivePlayer",
    "LiveQuestion",
    "Question",
    "Role",
    "StudyItem",
    "UTCDateTime",
    "User",
    "Visibility",
    "utcnow",
]
