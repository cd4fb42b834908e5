"""Answering a study card and undoing it: `check` grades and proposes a rating without
writing; `answer` records the review once (request id, item version) and counts it in
its study day (`review_days`); `undo` puts the item back as the log's "before" columns
say and takes the count back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp.domain import grading, scheduling
from quizapp.domain import questions as questions_domain
from quizapp.domain.responses import MAX_TYPED_LENGTH as MAX_ANSWER_LENGTH  # noqa: F401
from quizapp.domain.responses import ResponseRefused, read_response
from quizapp.domain.scheduling import (
    MemoryState,
    Rating,
    StudyState,
)
from quizapp.extensions import db
from quizapp.models import Question, User
from quizapp.models.study import ReviewLog, StudyItem
from quizapp.services import NotFound, ServiceError, is_request_id, review_days, write_transaction
from quizapp.services.study.balancing import balanced
from quizapp.services.study.cards import Card, _active_question, _own_item, _shown
from quizapp.services.study.settings import Prefs, get_prefs

# Longer than this is a learner who walked away: the time is capped, not trusted.
MAX_ELAPSED_MS = 10 * 60 * 1000


class StaleAnswer(ServiceError):
    """The item moved on since the page was shown (another tab, a double submit)."""

    status = 409


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer, before the learner confirms a rating."""

    card: Card
    response: str | tuple[str, ...] | None
    judgement: grading.Judgement | None  # None: the learner only revealed the answer
    proposed: Rating | None
    elapsed_ms: int
    # The learner said "I was right" to a typed answer judged wrong.
    claimed_right: bool = False

    @property
    def revealed(self) -> bool:
        return self.judgement is None

    @property
    def can_claim(self) -> bool:
        """Whether "I was right" is offered: a typed answer the grader judged wrong."""
        return _may_claim(self.card.question, self.judgement) and not self.claimed_right


def _may_claim(question: questions_domain.Question, judgement: grading.Judgement | None) -> bool:
    # Only typed answers: a choice is right or wrong by the options, not by the grader.
    return judgement is not None and not judgement.correct and not question.choices


def _clean_response(
    question: questions_domain.Question, response: str | Sequence[str] | None
) -> str | tuple[str, ...] | None:
    """Validate what the learner sent; None means "show me the answer" (no attempt)."""
    try:
        return read_response(question.choices, question.kind == "multiple_select", response)
    except ResponseRefused as refused:
        raise ServiceError(f"{refused} Reload the page.") from None


def _clean_elapsed(elapsed_ms: object) -> int:
    if isinstance(elapsed_ms, bool) or not isinstance(elapsed_ms, int):
        raise ServiceError("The answer time must be a whole number of milliseconds.")
    return min(max(elapsed_ms, 0), MAX_ELAPSED_MS)


def _judge(
    question: questions_domain.Question,
    response: str | tuple[str, ...] | None,
    elapsed_ms: int,
    claimed_right: bool = False,
) -> tuple[grading.Judgement | None, Rating | None, bool]:
    """The verdict, the proposed rating, and whether a claim of "I was right" holds
    (it does on a typed answer judged wrong, and then the rating is a right answer's)."""
    if response is None:
        return None, None, False
    judgement = grading.judge(question, response)
    claimed = claimed_right and _may_claim(question, judgement)
    proposed = scheduling.propose_rating(
        judgement.correct or claimed, elapsed_ms / 1000, question.kind
    )
    return judgement, proposed, claimed


def _shown_card(user: User, item_id: object, question_id: object, version: object, now):
    item = _own_item(user, item_id)
    if version != item.version:
        raise StaleAnswer("You already answered this fact (in another tab?). Here is the next one.")
    return _shown(item, _active_question(item, question_id), get_prefs(user), now)


def check(
    user: User,
    *,
    item_id: int,
    question_id: str,
    version: int,
    response: str | Sequence[str] | None,
    elapsed_ms: int,
    now: datetime,
    claimed_right: bool = False,
) -> Feedback:
    """Grade an answer and propose a rating. Writes nothing.

    With `claimed_right` ("I was right" on a typed answer judged wrong) the rating
    proposed is a right answer's; asking again gives the same feedback.

    Raises:
        NotFound: Not one of the user's items.
        StaleAnswer: The item was answered since the page was made.
        ServiceError: The question is not this fact's, or the answer is malformed.
    """
    shown = _shown_card(user, item_id, question_id, version, now)
    cleaned = _clean_response(shown.question, response)
    elapsed = _clean_elapsed(elapsed_ms)
    judgement, proposed, claimed = _judge(shown.question, cleaned, elapsed, claimed_right)
    return Feedback(shown, cleaned, judgement, proposed, elapsed, claimed)


@dataclass(frozen=True)
class AnswerResult:
    """The stored review; `replayed` when the request had been recorded before."""

    log: ReviewLog
    replayed: bool


def _existing(user_id: int, request_id: str) -> ReviewLog | None:
    return db.session.scalar(
        select(ReviewLog).where(ReviewLog.user_id == user_id, ReviewLog.request_id == request_id)
    )


def _rating(value: object) -> Rating:
    if isinstance(value, bool) or not isinstance(value, int) or value not in range(1, 5):
        raise ServiceError("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    return Rating(value)


def answer(
    user: User,
    *,
    item_id: int,
    question_id: str,
    version: int,
    request_id: str,
    rating: int,
    response: str | Sequence[str] | None,
    elapsed_ms: int,
    now: datetime,
    fuzzing: bool = True,
    claimed_right: bool = False,
) -> AnswerResult:
    """Record a review rated `rating` and reschedule the item.

    Args:
        user: The learner.
        item_id: Their study item.
        question_id: The question that was shown (one of the fact's active ones).
        version: The item's version when the question was shown.
        request_id: The form's id; the same id again records nothing more.
        rating: 1-4, as the learner confirmed it.
        response: What they answered (graded again here), None if they only revealed it.
        elapsed_ms: How long they took.
        now: When the review happens.
        fuzzing: Whether fsrs may spread the interval a little (off in tests).
        claimed_right: The learner said "I was right" (logged as an override; ignored
            unless the answer is typed and judged wrong).

    Returns:
        The review, and whether it had been recorded already.

    Raises:
        NotFound: Not one of the user's items.
        StaleAnswer: The item was answered since the page was made (another tab).
        ServiceError: Bad rating, request id, question or answer.
    """
    rating = _rating(rating)
    if not is_request_id(request_id):
        raise ServiceError("The form is missing its request id. Reload the page.")
    elapsed = _clean_elapsed(elapsed_ms)
    prefs = get_prefs(user)
    settings = prefs.scheduler(fuzzing)
    try:
        with write_transaction() as session:
            item = _locked_item(session, user, item_id)
            existing = _existing(user.id, request_id)
            if existing is not None:
                if existing.item_id != item.id:
                    raise ServiceError("This form was already used for another fact.")
                return AnswerResult(existing, replayed=True)
            if version != item.version:
                raise StaleAnswer(
                    "You already answered this fact (in another tab?). Here is the next one."
                )
            question_row = _active_question(item, question_id)
            question = questions_domain.Question.from_dict(question_row.payload)
            cleaned = _clean_response(question, response)
            judgement, _, claimed = _judge(question, cleaned, elapsed, claimed_right)
            before = item.memory
            if settings.enable_fuzzing and prefs.load_balance:
                # Balancing takes the place of fsrs's uniform fuzz, within the same range.
                unfuzzed = replace(settings, enable_fuzzing=False)
                after = scheduling.review(before, rating, now, unfuzzed, item_id=item.id)
                after = balanced(
                    session,
                    user.id,
                    item.id,
                    prefs,
                    after,
                    now,
                    maximum_interval=settings.maximum_interval,
                )
            else:
                after = scheduling.review(before, rating, now, settings, item_id=item.id)
            log = _review_log(
                item,
                question_row,
                before,
                after,
                request_id=request_id,
                rating=int(rating),
                answer=None if cleaned is None else _answer_text(cleaned),
                correct=None if judgement is None else judgement.correct,
                elapsed_ms=elapsed,
                reviewed_at=now,
                claimed_right=claimed,
            )
            session.add(log)
            review_days.record(session, log, prefs.timezone)
            _reschedule(item, before, after, rating, question_row.kind, prefs)
            session.flush()
            return AnswerResult(log, replayed=False)
    except IntegrityError:
        # Two requests with one request id raced; the other one won and was committed.
        existing = _existing(user.id, request_id)
        if existing is None:
            raise
        return AnswerResult(existing, replayed=True)


def _locked_item(session, user: User, item_id: object) -> StudyItem:
    """The user's item, locked: on PostgreSQL a second tab waits here, then sees the new
    version; SQLite's BEGIN IMMEDIATE already serialises writers."""
    item = (
        session.scalar(
            select(StudyItem)
            .where(StudyItem.id == item_id, StudyItem.user_id == user.id)
            .with_for_update()
        )
        if isinstance(item_id, int) and not isinstance(item_id, bool)
        else None
    )
    if item is None:
        raise NotFound("There is no such study item.")
    return item


def _review_log(
    item: StudyItem,
    question_row: Question,
    before: MemoryState,
    after: MemoryState,
    **answered: Any,
) -> ReviewLog:
    """The log row of a review: what was answered, and the item as it was (what `undo`
    restores) and as it is now."""
    return ReviewLog(
        user_id=item.user_id,
        item_id=item.id,
        fact_id=item.fact_id,
        deck_id=item.deck_id,
        question_id=question_row.id,
        kind=question_row.kind,
        **answered,
        state_before=before.state.value,
        step_before=before.step,
        stability_before=before.stability,
        difficulty_before=before.difficulty,
        due_before=before.due,
        last_review_before=before.last_review,
        reps_before=item.reps,
        lapses_before=item.lapses,
        last_kind_before=item.last_kind,
        state_after=after.state.value,
        step_after=after.step,
        stability_after=after.stability,
        difficulty_after=after.difficulty,
        due_after=after.due,
    )


def _reschedule(
    item: StudyItem,
    before: MemoryState,
    after: MemoryState,
    rating: Rating,
    kind: str,
    prefs: Prefs,
) -> None:
    item.set_memory(after)
    item.reps += 1
    if before.state is StudyState.REVIEW and rating == Rating.Again:
        item.lapses += 1
        if scheduling.is_leech(item.lapses, prefs.leech_threshold) and not item.leech:
            item.leech = True
            item.suspended = prefs.leech_suspend
    item.last_kind = kind
    item.version += 1


def _answer_text(response: str | tuple[str, ...]) -> str:
    return response if isinstance(response, str) else "\n".join(response)


# --- undo -------------------------------------------------------------------------------------


def _latest(user_id: int) -> ReviewLog | None:
    return db.session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )


def last_review(user: User) -> ReviewLog | None:
    """The user's most recent review that has not been undone (what Undo takes back)."""
    return _latest(user.id)


def undo(user: User, review_id: int, now: datetime) -> ReviewLog:
    """Take back a review: the item gets exactly its state from before it.

    Only the user's most recent review can be undone; then the one before it, and
    so on. Undoing the same review twice (a double click) changes nothing more.

    Raises:
        NotFound: Not one of the user's reviews.
        StaleAnswer: It is not the most recent review any more.
    """
    with write_transaction() as session:
        log = None
        if isinstance(review_id, int) and not isinstance(review_id, bool):
            log = session.scalar(
                select(ReviewLog).where(ReviewLog.id == review_id, ReviewLog.user_id == user.id)
            )
        if log is None:
            raise NotFound("There is no such answer to undo.")
        if log.undone_at is not None:
            return log
        latest = _latest(user.id)
        if latest is None or latest.id != log.id:
            raise StaleAnswer("Only your most recent answer can be undone.")
        item = session.scalar(
            select(StudyItem).where(StudyItem.id == log.item_id).with_for_update()
        )
        item.set_memory(log.memory_before)
        item.reps = log.reps_before
        if item.leech and not scheduling.is_leech(
            log.lapses_before, get_prefs(user).leech_threshold
        ):
            # This review made it a leech: undone, it is not one (nor suspended as one).
            item.leech = False
            item.suspended = False
        item.lapses = log.lapses_before
        item.last_kind = log.last_kind_before
        item.version += 1
        log.undone_at = now
        review_days.record(session, log, get_prefs(user).timezone, sign=-1)
    return log
