"""Per-kind accuracy at a given predicted recall, from the learner's own review log (see
`domain.scheduling.calibration`): reviews of facts in review state, with the recall FSRS
predicted from the state before each one."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import Rating, StudyState, calibration
from quizapp.extensions import db
from quizapp.models import Deck, User
from quizapp.models.study import ReviewLog
from quizapp.services.study.settings import get_prefs

# The most recent reviews read: enough for every cell of the table (30 reviews a cell),
# and a bound on the page's cost whatever the history (the page says so).
MAX_REVIEWS = 10_000


def kind_accuracy(user: User, *, deck: Deck | None = None) -> dict[str, list[calibration.Cell]]:
    settings = get_prefs(user).scheduler(fuzzing=False)
    query = (
        select(
            ReviewLog.kind,
            ReviewLog.rating,
            ReviewLog.stability_before,
            ReviewLog.last_review_before,
            ReviewLog.reviewed_at,
        )
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.undone_at.is_(None),
            ReviewLog.state_before == StudyState.REVIEW.value,
        )
        .order_by(ReviewLog.reviewed_at.desc())
        .limit(MAX_REVIEWS)
    )
    if deck is not None:
        query = query.where(ReviewLog.deck_id == deck.id)

    recall = scheduling.recall_curve(settings)

    def triples():
        for kind, rating, stability, last, at in db.session.execute(query):
            if stability is None or last is None:
                continue
            yield kind, recall(stability, last, at), rating != Rating.Again

    return calibration.by_kind(triples())
