"""Background jobs kept in the database: work too long for a request (an FSRS refit of a
learner's parameters), queued by the request and done by whichever runner claims it
first (`services.jobs`; `quizapp jobs run`, started by `quizapp serve`). No broker: the
table is the queue, a claim is one conditional UPDATE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        # One unfinished job of a kind per user: a second request to queue it is a no-op.
        Index(
            "uq_jobs_unfinished",
            "kind",
            "user_id",
            unique=True,
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
        # Runners look for the oldest unfinished job.
        Index("ix_jobs_unfinished_queued", "finished_at", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A running job whose runner died is claimed again once its lease has run out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
