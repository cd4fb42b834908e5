"""Spaced repetition on top of the `fsrs` library (FSRS-6).

The unit of memory is a study item: one (user, fact) pair with one FSRS memory
state. This package converts between the stored state (`MemoryState`) and
`fsrs.Card`, lets `fsrs` do all of the scheduling, and adds the rules around it
that are the app's own: the study day that ends at 4 a.m. local time, the order
of the study queue with its daily limits, the rating proposed for a typed or
choice answer, and the labels on the rating buttons.

Everything here is pure: the current time is always an argument, nothing is
mutated, and there is no flask or sqlalchemy. All datetimes are UTC-aware; the
user's timezone is only used to find where a study day begins.

Where each part lives: `states` (StudyState, MemoryState, settings, limits), `reviews`
(the fsrs wrapper: review, preview, retrievability, proposed rating, lapse), `days`
(the 4 a.m. study day), `queue` (overdue priority, queue order), `optimizer` (FSRS
parameters fitted to a learner's reviews), `workload` (what each retention costs),
`exam` (facts to bring forward before an exam), `balance` (load balancing, easy days).
Every public name is re-exported here, so callers write `scheduling.review(...)`.
"""

from fsrs import Rating

from quizapp.domain.scheduling import balance, calibration, exam, optimizer, workload
from quizapp.domain.scheduling.days import day_end, day_start, study_date
from quizapp.domain.scheduling.queue import overdue_priority, queue_order
from quizapp.domain.scheduling.reviews import (
    FAST_ANSWER_SECONDS,
    elapsed_days,
    forgetting_curve,
    format_interval,
    is_leech,
    lapse_now,
    preview_intervals,
    propose_rating,
    recall_curve,
    retrievability,
    review,
)
from quizapp.domain.scheduling.states import (
    DEFAULT_DESIRED_RETENTION,
    DEFAULT_LEECH_THRESHOLD,
    DEFAULT_LIMITS,
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    MAX_DESIRED_RETENTION,
    MIN_DESIRED_RETENTION,
    ROLLOVER_HOUR,
    DailyLimits,
    MemoryState,
    SchedulerSettings,
    StudyState,
)

__all__ = [
    "DEFAULT_DESIRED_RETENTION",
    "DEFAULT_LEECH_THRESHOLD",
    "DEFAULT_LIMITS",
    "DEFAULT_NEW_PER_DAY",
    "DEFAULT_REVIEWS_PER_DAY",
    "FAST_ANSWER_SECONDS",
    "MAX_DESIRED_RETENTION",
    "MIN_DESIRED_RETENTION",
    "ROLLOVER_HOUR",
    "DailyLimits",
    "MemoryState",
    "Rating",
    "SchedulerSettings",
    "StudyState",
    "balance",
    "calibration",
    "day_end",
    "day_start",
    "elapsed_days",
    "exam",
    "forgetting_curve",
    "format_interval",
    "is_leech",
    "lapse_now",
    "optimizer",
    "overdue_priority",
    "preview_intervals",
    "propose_rating",
    "queue_order",
    "recall_curve",
    "retrievability",
    "review",
    "study_date",
    "workload",
]
