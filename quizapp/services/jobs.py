"""Background jobs in the database: queued by a request, done by a runner.

Work too long for a request (an FSRS refit of a learner's parameters: about 10 s of CPU
at a million reviews) is a `Job` row. Runners (`quizapp jobs run`, one started by each
`quizapp serve`, any number on any machine that reaches the database) claim the oldest
unfinished job with one conditional UPDATE, so two runners never take the same job; a
job whose runner died is claimed again when its lease runs out. No broker: the table is
the queue.

The kinds and what each does are one registry, `_handlers`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exc, or_, select, update

from quizapp.extensions import db
from quizapp.models import User, utcnow
from quizapp.models.jobs import DONE, FAILED, QUEUED, RUNNING, Job
from quizapp.services import write_transaction

REFIT = "fsrs_refit"  # on its own, after enough new reviews
OPTIMISE = "fsrs_optimise"  # asked for by the learner (the settings page's "Optimise")
# A running job is claimed again after this without being finished (its runner died).
# Far longer than any job: a refit of a million reviews takes about 10 s.
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 3

log = logging.getLogger(__name__)


def _handlers() -> dict[str, Callable[[User, datetime], object]]:
    # Imported here: the study services queue jobs through this module.
    from quizapp.services.study import parameters

    return {REFIT: parameters.refit, OPTIMISE: parameters.optimise}


def queue(kind: str, user_id: int, now: datetime) -> bool:
    """Queue a job of `kind` for the user, unless one is unfinished already.

    Returns:
        Whether a job was queued.
    """
    if kind not in _handlers():
        raise ValueError(f"no job kind {kind!r}")
    try:
        with write_transaction() as session:
            if unfinished(kind, user_id) is not None:
                return False
            session.add(Job(kind=kind, user_id=user_id, state=QUEUED, queued_at=now, attempts=0))
    except exc.IntegrityError:  # queued at the same moment elsewhere (PostgreSQL)
        return False
    return True


def unfinished(kind: str, user_id: int) -> Job | None:
    """The user's queued or running job of this kind, if any."""
    return db.session.scalar(
        select(Job).where(Job.kind == kind, Job.user_id == user_id, Job.finished_at.is_(None))
    )


def _claimable(now: datetime):
    return (Job.finished_at.is_(None), or_(Job.state == QUEUED, Job.lease_until < now))


def claim(now: datetime) -> Job | None:
    """Take the oldest job no runner holds, for this runner; None when there is none."""
    candidates = db.session.scalars(
        select(Job.id).where(*_claimable(now)).order_by(Job.queued_at, Job.id).limit(10)
    ).all()
    for job_id in candidates:
        with write_transaction() as session:
            taken = session.execute(
                update(Job)
                .where(Job.id == job_id, *_claimable(now))
                .values(
                    state=RUNNING,
                    started_at=now,
                    lease_until=now + LEASE,
                    attempts=Job.attempts + 1,
                )
            ).rowcount
        if taken == 1:  # another runner may have taken it between the two statements
            return db.session.get(Job, job_id)
    return None


def run_next(now: Callable[[], datetime] = utcnow) -> Job | None:
    """Claim one job and do it. A job that raises is queued again, and marked failed
    (with its error) after `MAX_ATTEMPTS`.

    Returns:
        The job done (or failed), None when none was waiting.
    """
    job = claim(now())
    if job is None:
        return None
    job_id, kind, user_id = job.id, job.kind, job.user_id
    try:
        user = db.session.get(User, user_id)
        if user is not None:  # a user deleted since: nothing to do
            _handlers()[kind](user, now())
    except Exception as error:  # recorded on the job, shown, retried
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        _finish(job_id, now(), error=f"{type(error).__name__}: {error}")
    else:
        _finish(job_id, now())
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _finish(job_id: int, now: datetime, *, error: str | None = None) -> None:
    with write_transaction() as session:
        job = session.get(Job, job_id)
        job.error = error
        if error is None:
            job.state, job.finished_at = DONE, now
        elif job.attempts >= MAX_ATTEMPTS:
            job.state, job.finished_at = FAILED, now
        else:
            job.state, job.lease_until = QUEUED, None


def run_pending(now: Callable[[], datetime] = utcnow) -> int:
    """Do every job waiting now (for `quizapp jobs run --once` and tests)."""
    done = 0
    while run_next(now) is not None:
        done += 1
    return done


def run_forever(poll_seconds: float, now: Callable[[], datetime] = utcnow) -> None:
    """The runner's loop: a job as soon as one waits, else a look every `poll_seconds`.
    The database being away for a while (a restart, a lock held too long) is logged and
    tried again: the runner outlives it."""
    while True:
        try:
            done = run_next(now)
        except exc.OperationalError:
            log.exception("job runner: the database is unavailable; trying again")
            db.session.remove()
            done = None
        if done is None:
            db.session.remove()  # no connection held while idle
            time.sleep(poll_seconds)
