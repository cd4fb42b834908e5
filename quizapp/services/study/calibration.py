"""Per-kind accuracy at a given predicted recall, from the learner's own review log (see
`domain.scheduling.calibration`): reviews of facts in review state, with the recall FSRS
predicted from the state before each one.

Counted in the database: the recall of each review (`sql.recall`, fsrs's curve), its band
and the sums per kind and band are one aggregate query over the most recent reviews, so
the page reads a few dozen rows, not ten thousand (tests/services/test_kind_accuracy.py
compares it with the review-by-review computation in Python).
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from quizapp.domain.scheduling import Rating, StudyState, calibration
from quizapp.extensions import db
from quizapp.models import Deck, User
from quizapp.models.study import ReviewLog
from quizapp.services.study import sql
from quizapp.services.study.settings import get_prefs

# The most recent reviews read: enough for every cell of the table (30 reviews a cell),
# and a bound on the page's cost whatever the history (the page says so).
MAX_REVIEWS = 10_000


def recent_reviews(user: User, deck: Deck | None):
    """The reviews the table counts: the last MAX_REVIEWS (not undone) of learnt facts,
    newest first (the id breaks ties of the same moment)."""
    query = (
        select(  # only what the table needs: the subquery carries every column it names
            ReviewLog.kind,
            ReviewLog.rating,
            ReviewLog.stability_before,
            ReviewLog.last_review_before,
            ReviewLog.reviewed_at,
            ReviewLog.elapsed_days,
        )
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.undone_at.is_(None),
            ReviewLog.state_before == StudyState.REVIEW.value,
        )
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(MAX_REVIEWS)
    )
    if deck is not None:
        query = query.where(ReviewLog.deck_id == deck.id)
    return query


def _band(recall):
    """`calibration.band_of` in SQL."""
    last = len(calibration.BANDS) - 1
    return case(
        *(
            ((recall >= low) & (recall < high), index)
            for index, (low, high) in enumerate(calibration.BANDS)
        ),
        else_=last,
    )


def kind_accuracy(user: User, *, deck: Deck | None = None) -> dict[str, list[calibration.Cell]]:
    settings = get_prefs(user).scheduler(fuzzing=False)
    recent = recent_reviews(user, deck).subquery()
    with_recall = (
        select(
            recent.c.kind,
            recent.c.rating,
            sql.recall(
                recent.c.stability_before,
                recent.c.last_review_before,
                recent.c.reviewed_at,
                settings,
                elapsed=recent.c.elapsed_days,  # set at insert: no date arithmetic per row
            ).label("recall"),
        )
        .where(recent.c.stability_before.is_not(None), recent.c.last_review_before.is_not(None))
        # A LIMIT keeps SQLite from merging this into the grouping query, which would
        # compute the recall again at each of its uses in the band.
        .limit(MAX_REVIEWS)
        .subquery()
    )
    band = _band(with_recall.c.recall).label("band")
    rows = db.session.execute(
        select(
            with_recall.c.kind,
            band,
            func.count(),
            func.sum(case((with_recall.c.rating != int(Rating.Again), 1), else_=0)),
            func.sum(with_recall.c.recall),
        ).group_by(with_recall.c.kind, band)
    )
    return calibration.from_sums(
        (kind, index, reviews, right, predicted) for kind, index, reviews, right, predicted in rows
    )
