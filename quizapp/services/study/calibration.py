"""Per-kind accuracy at a given predicted recall, from the learner's own review log (see
`domain.scheduling.calibration`): reviews of facts in review state, with the recall FSRS
predicted from the state before each one.

Counted in the database: the recall of each review (`sql.curve`, fsrs's curve), its band
and the sums per kind and band are one aggregate query over the most recent reviews, so
the page reads a few dozen rows, not ten thousand (tests/services/test_stats_costs.py
compares it with the review-by-review computation in Python).
"""

from __future__ import annotations

import itertools

from sqlalchemy import Integer, bindparam, case, func, select

from quizapp.domain.scheduling import Rating, StudyState, calibration
from quizapp.models import Deck, User
from quizapp.models.study import ReviewLog
from quizapp.services.study import sql
from quizapp.services.study.settings import Prefs, get_prefs

# The most recent reviews read (not undone, of learnt facts, newest first, the id breaking
# ties of the same moment): enough for every cell of the table (30 reviews a cell), and a
# bound on the page's cost whatever the history (the page says so).
MAX_REVIEWS = 10_000


def _band(recall):
    """`calibration.band_of` in SQL. The bands follow one another (each starts where the
    one before ends), so one comparison a band says which it is."""
    bands = calibration.BANDS
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bands)), bands
    last = len(bands) - 1
    return case(
        (recall < bands[0][0], last),
        *((recall < high, index) for index, (_, high) in enumerate(bands)),
        else_=last,
    )


def _by_kind(one_deck: bool):
    """The table's query (a `sql.Prepared`), for all decks or one (`deck_id`)."""
    scope = [
        ReviewLog.user_id == bindparam("user_id"),
        ReviewLog.undone_at.is_(None),
        # Written into the SQL, not bound: a partial index of the window can serve only
        # a query that names its value.
        ReviewLog.state_before == bindparam("state", StudyState.REVIEW.value, literal_execute=True),
    ]
    if one_deck:
        scope.append(ReviewLog.deck_id == bindparam("deck_id"))
    learnt = ReviewLog.stability_before.is_not(None) & ReviewLog.last_review_before.is_not(None)
    # One subquery: the window, each review's recall and whether it counts. Its LIMIT
    # keeps SQLite from merging it into the grouping query, which would compute the
    # recall again at each of its uses in the band.
    recent = (
        select(
            ReviewLog.kind,
            ReviewLog.rating,
            sql.curve(
                ReviewLog.stability_before,
                ReviewLog.last_review_before,
                ReviewLog.reviewed_at,
                sql.FACTOR,
                sql.DECAY,
                elapsed=ReviewLog.elapsed_days,  # set at insert: no date arithmetic per row
            ).label("recall"),
            learnt.label("learnt"),  # the table counts reviews with a memory before
        )
        .where(*scope)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(bindparam("window", type_=Integer()))
        .subquery()
    )
    band = _band(recent.c.recall).label("band")
    return (
        select(
            recent.c.kind,
            band,
            func.count(),
            func.sum(case((recent.c.rating != int(Rating.Again), 1), else_=0)),
            func.sum(recent.c.recall),
        )
        .where(recent.c.learnt)
        .group_by(recent.c.kind, band)
    )


_BY_KIND = {
    one_deck: sql.Prepared(lambda one_deck=one_deck: _by_kind(one_deck))
    for one_deck in (False, True)
}


def kind_accuracy(
    user: User, *, deck: Deck | None = None, prefs: Prefs | None = None
) -> dict[str, list[calibration.Cell]]:
    """The table, for all decks or one. `prefs`: the user's, when the caller has them."""
    settings = (prefs or get_prefs(user)).scheduler(fuzzing=False)
    rows = _BY_KIND[deck is not None].execute(
        user_id=user.id,
        deck_id=None if deck is None else deck.id,
        window=MAX_REVIEWS,
        **sql.curve_values(settings),
    )
    return calibration.from_sums(
        (kind, index, reviews, right, predicted) for kind, index, reviews, right, predicted in rows
    )
