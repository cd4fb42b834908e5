"""Spaced-repetition state: one study item per (user, fact), its review log, study settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.domain.scheduling import (
    DEFAULT_DESIRED_RETENTION,
    DEFAULT_LEECH_THRESHOLD,
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    MemoryState,
    StudyState,
)
from quizapp.domain.scheduling import elapsed_days as scheduling_elapsed_days
from quizapp.extensions import db
from quizapp.models.deck import Fact
from quizapp.models.types import UTCDateTime, utcnow

# Retired facts are few: the study queue excludes them through this index (a short
# list read once per query) instead of looking up the fact of every due item.
Index("ix_facts_retired_at", Fact.__table__.c.retired_at)


class StudyItem(db.Model):
    """A user's memory of one fact (not of one phrasing of it)."""

    __tablename__ = "study_items"
    __table_args__ = (
        UniqueConstraint("user_id", "fact_id"),
        # The queue reads "this user's items due before t": keep that an index range scan.
        Index("ix_study_items_user_due", "user_id", "due"),
        # Each part of the queue (learning, review, new) is one range of these indexes,
        # and every column the queue and the counts read is in them, so they never read
        # the table: `id` makes (due, id), the order of the learning and new parts, the
        # index order (LIMIT 1 stops at the first entry); `stability` ranks due reviews
        # by how overdue they are; `fact_id` skips facts retired from their deck.
        Index(
            "ix_study_items_user_state_due", "user_id", "state", "due", "id", "stability", "fact_id"
        ),
        Index(
            "ix_study_items_user_deck_state_due",
            "user_id",
            "deck_id",
            "state",
            "due",
            "id",
            "stability",
            "fact_id",
        ),
        # The queue leaves out suspended and buried items: two short lists, one index each.
        Index("ix_study_items_user_suspended", "user_id", "suspended"),
        Index("ix_study_items_user_buried", "user_id", "buried_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"), index=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=StudyState.NEW.value)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Study reviews so far, and how many of them were lapses (Again on a REVIEW item).
    reps: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The kind of question shown last, so the next review asks the fact another way.
    last_kind: Mapped[str | None] = mapped_column(String(30))
    # Goes up by one with every study review and every undo, never down: a page shows
    # the version it was made from, and an answer from a stale page is refused.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Forgotten `leech_threshold` times (see StudySettings): tagged, and suspended if the
    # learner chose so. Suspended items and items buried until a moment leave the queue.
    leech: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    suspended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the learner last reset the fact to new: the optimiser reads only the reviews
    # after it (the memory before is gone, as Anki's "forget" cuts a card's history).
    reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def memory(self) -> MemoryState:
        return MemoryState(
            state=StudyState(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def set_memory(self, memory: MemoryState) -> None:
        self.state = memory.state.value
        self.step = memory.step
        self.stability = memory.stability
        self.difficulty = memory.difficulty
        self.due = memory.due
        self.last_review = memory.last_review


def _elapsed_days(context) -> int | None:
    row = context.get_current_parameters()
    last, at = row.get("last_review_before"), row.get("reviewed_at")
    return None if last is None or at is None else scheduling_elapsed_days(last, at)


_RECALL_WINDOW = "undone_at IS NULL AND state_before = 'review'"


class ReviewLog(db.Model):
    """One study review: what was asked, what was answered, and the state before and after.

    The "before" columns are everything undo needs to put the item back exactly.
    """

    __tablename__ = "review_logs"
    __table_args__ = (
        # A replayed form (double click, reload, retry after a lost response) carries the
        # same request id: the second insert is refused, so one answer is one review.
        UniqueConstraint("user_id", "request_id"),
        Index("ix_review_logs_user_reviewed", "user_id", "reviewed_at"),
        Index("ix_review_logs_user_deck_reviewed", "user_id", "deck_id", "reviewed_at"),
        # The window of the statistics' right answers by kind (services.study.calibration),
        # in its order with the columns it reads: one walk of an index, for all decks and
        # per deck (migration 0021_page_costs2).
        *(
            Index(
                name,
                *scope,
                "reviewed_at",
                "id",
                "kind",
                "rating",
                "stability_before",
                "last_review_before",
                "elapsed_days",
                "undone_at",  # named by the query: SQLite covers it only with them
                "state_before",
                sqlite_where=text(_RECALL_WINDOW),
                postgresql_where=text(_RECALL_WINDOW),
            )
            for name, scope in (
                ("ix_review_logs_recall_window", ("user_id",)),
                ("ix_review_logs_deck_recall_window", ("user_id", "deck_id")),
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("study_items.id", ondelete="CASCADE"), index=True
    )
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    question_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id"))
    kind: Mapped[str] = mapped_column(String(30))
    request_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)
    # What the learner answered (None: they only revealed the answer) and the verdict.
    answer: Mapped[str | None] = mapped_column(Text)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    # The learner said "I was right" to a typed answer judged wrong: `correct` stays the
    # grader's verdict, the rating is the one proposed for a right answer (or chosen).
    claimed_right: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    state_before: Mapped[str] = mapped_column(String(12))
    step_before: Mapped[int | None] = mapped_column(Integer)
    stability_before: Mapped[float | None] = mapped_column(Float)
    difficulty_before: Mapped[float | None] = mapped_column(Float)
    due_before: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whole days from last_review_before to reviewed_at (fsrs's t), set at insert from
    # those two (None without a last review): the statistics compute thousands of past
    # recalls in SQL from it. Rows stored before it existed were counted by 0018.
    elapsed_days: Mapped[int | None] = mapped_column(Integer, default=_elapsed_days)
    reps_before: Mapped[int] = mapped_column(Integer)
    lapses_before: Mapped[int] = mapped_column(Integer)
    last_kind_before: Mapped[str | None] = mapped_column(String(30))

    state_after: Mapped[str] = mapped_column(String(12))
    step_after: Mapped[int | None] = mapped_column(Integer)
    stability_after: Mapped[float] = mapped_column(Float)
    difficulty_after: Mapped[float] = mapped_column(Float)
    due_after: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def memory_before(self) -> MemoryState:
        return MemoryState(
            state=StudyState(self.state_before),
            step=self.step_before,
            stability=self.stability_before,
            difficulty=self.difficulty_before,
            due=self.due_before,
            last_review=self.last_review_before,
        )


class StudySettings(db.Model):
    """A user's study settings; a user without a row has the defaults.

    The timezone lives on `User.timezone` (one place for it); `timezone_chosen`
    says whether the user picked it, so the browser's guess never overrides a choice.
    """

    __tablename__ = "study_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    desired_retention: Mapped[float] = mapped_column(Float, default=DEFAULT_DESIRED_RETENTION)
    new_per_day: Mapped[int] = mapped_column(Integer, default=DEFAULT_NEW_PER_DAY)
    reviews_per_day: Mapped[int] = mapped_column(Integer, default=DEFAULT_REVIEWS_PER_DAY)
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The FSRS parameters in use (a JSON list of 21 numbers), copied from the latest
    # ParameterFit that replaced the defaults; None: the defaults.
    fsrs_parameters: Mapped[str | None] = mapped_column(Text)
    leech_threshold: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_LEECH_THRESHOLD, server_default=str(DEFAULT_LEECH_THRESHOLD)
    )
    leech_suspend: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Spread reviews within their fuzz range towards lighter days (only while fuzzing).
    load_balance: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Light weekdays ("Easy Days"), Monday 0: digits, such as "56" for the weekend.
    easy_days: Mapped[str] = mapped_column(String(7), default="", server_default="")


class StudyExam(db.Model):
    """A learner's exam on one deck: until that day the queue also brings forward the
    facts whose predicted recall on it would fall below the target."""

    __tablename__ = "study_exams"
    __table_args__ = (UniqueConstraint("user_id", "deck_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    exam_on: Mapped[date] = mapped_column(Date)
    target: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Today's share of at-risk facts (a JSON list of item ids), chosen by the study day's
    # first request and kept for that day (`share_on`), so it does not change as the
    # learner works through it and every worker process sees the same one.
    share_on: Mapped[date | None] = mapped_column(Date)
    share: Mapped[str | None] = mapped_column(Text)


class ParameterFit(db.Model):
    """One run of the FSRS optimiser on a learner's reviews: what it found and how well
    the parameters before and after predict that learner's own reviews."""

    __tablename__ = "parameter_fits"
    __table_args__ = (Index("ix_parameter_fits_user_fitted", "user_id", "fitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Long-term reviews in the log when it ran (the ones a fit learns from).
    reviews: Mapped[int] = mapped_column(Integer)
    # None when there were too few reviews and the defaults stayed.
    parameters: Mapped[str | None] = mapped_column(Text)
    log_loss_before: Mapped[float | None] = mapped_column(Float)
    log_loss_after: Mapped[float | None] = mapped_column(Float)
    rmse_before: Mapped[float | None] = mapped_column(Float)
    rmse_after: Mapped[float | None] = mapped_column(Float)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)


class DeckStudyLimits(db.Model):
    """A user's own daily limits for one deck, on top of their overall limits."""

    __tablename__ = "deck_study_limits"
    __table_args__ = (UniqueConstraint("user_id", "deck_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    new_per_day: Mapped[int] = mapped_column(Integer)
    reviews_per_day: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
