"""Studying with spaced repetition: the queue, answering, undo, settings.

A study item is one (user, fact) with one FSRS memory state; each review asks
the fact with one of its questions, rotating kinds (see `domain.study`).

The queue follows `scheduling.queue_order` (the reference) with one query per
part, each an index range over rows that are due: learning items by due, then
REVIEW items by how overdue they are relative to their stability, then NEW
items, within the day's limits. Only the next item is read, never the queue.

Answering is two steps. `check` grades an answer on the server and proposes a
rating, writing nothing; `answer` records the review with the rating the
learner confirmed (grading again: the browser is never trusted with the
verdict). A review is written once: the form carries a request id, unique per
user in the log, and the item version it was shown at, so a replayed form is a
no-op and an answer from a stale tab is refused. `undo` puts the item back
exactly as the log's "before" columns say and marks the log row undone.

Time is always an argument (`now`); views pass `utcnow()`.

Where each part lives: `settings` (limits, retention, timezone), `queue` (enroll,
next item, counts), `cards` (showing an item), `answering` (check, answer, undo).
Every public name is re-exported here, so callers write `study_service.answer(...)`.
"""

from quizapp.services.study.answering import (
    MAX_ANSWER_LENGTH,
    MAX_ELAPSED_MS,
    AnswerResult,
    Feedback,
    StaleAnswer,
    answer,
    check,
    last_review,
    undo,
)
from quizapp.services.study.cards import QUESTION_ID, Card, card, page
from quizapp.services.study.queue import (
    LEARNING_STATES,
    Counts,
    Enrolment,
    counts,
    enroll,
    enrolment,
    epoch_days,
    next_item,
)
from quizapp.services.study.settings import (
    MAX_DAILY_LIMIT,
    MAX_LEECH_THRESHOLD,
    TIMEZONE_NAME,
    Prefs,
    deck_limits,
    get_prefs,
    set_browser_timezone,
    timezone_names,
    update_deck_limits,
    update_settings,
    valid_timezone,
)

__all__ = [
    "LEARNING_STATES",
    "MAX_ANSWER_LENGTH",
    "MAX_DAILY_LIMIT",
    "MAX_ELAPSED_MS",
    "MAX_LEECH_THRESHOLD",
    "QUESTION_ID",
    "TIMEZONE_NAME",
    "AnswerResult",
    "Card",
    "Counts",
    "Enrolment",
    "Feedback",
    "Prefs",
    "StaleAnswer",
    "answer",
    "card",
    "check",
    "counts",
    "deck_limits",
    "enroll",
    "enrolment",
    "epoch_days",
    "get_prefs",
    "last_review",
    "next_item",
    "page",
    "set_browser_timezone",
    "timezone_names",
    "undo",
    "update_deck_limits",
    "update_settings",
    "valid_timezone",
]
