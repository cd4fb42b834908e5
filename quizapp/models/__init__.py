"""ORM tables, one module per feature; import them all here so Alembic sees them."""

from quizapp.models.classroom import Assignment, ClassMembership, SchoolClass
from quizapp.models.deck import Deck, Fact, Question, Visibility
from quizapp.models.deck_media import DeckImage
from quizapp.models.jobs import Job
from quizapp.models.live import GameState, LiveAnswer, LiveGame, LivePlayer, LiveQuestion
from quizapp.models.lti import (
    LtiAccount,
    LtiCourse,
    LtiGradeSend,
    LtiLaunchValue,
    LtiPlatform,
    LtiResourceLink,
    LtiToolKey,
)
from quizapp.models.overrides import AnswerOverride
from quizapp.models.quiz import QuizAttempt, QuizQuestion, QuizResponse
from quizapp.models.review_days import ReviewDay, ReviewDayZone
from quizapp.models.study import (
    DeckStudyLimits,
    ParameterFit,
    ReviewLog,
    StudyExam,
    StudyItem,
    StudySettings,
)
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import LoginSession, Role, User
from quizapp.models.user_decks import DeckVersion, PendingImport

__all__ = [
    "AnswerOverride",
    "Assignment",
    "ClassMembership",
    "Deck",
    "DeckImage",
    "DeckStudyLimits",
    "DeckVersion",
    "Fact",
    "GameState",
    "Job",
    "LiveAnswer",
    "LiveGame",
    "LivePlayer",
    "LiveQuestion",
    "LoginSession",
    "LtiAccount",
    "LtiCourse",
    "LtiGradeSend",
    "LtiLaunchValue",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiToolKey",
    "ParameterFit",
    "PendingImport",
    "Question",
    "QuizAttempt",
    "QuizQuestion",
    "QuizResponse",
    "ReviewDay",
    "ReviewDayZone",
    "ReviewLog",
    "Role",
    "SchoolClass",
    "StudyExam",
    "StudyItem",
    "StudySettings",
    "UTCDateTime",
    "User",
    "Visibility",
    "utcnow",
]
