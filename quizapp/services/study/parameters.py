"""FSRS parameters fitted to a learner's own reviews: on demand ("Optimise" on the
settings page) and on its own once enough new reviews came in. Either way a background
job (`services.jobs`: the button queues one, the end of a study session queues one when
a refit is due), done by a job runner, never in a request: a fit takes about 10 s of CPU
at a million reviews.

Each run is one `ParameterFit` row (reviews used, log loss and RMSE before and after on
the learner's reviews); the parameters in use are copied to `StudySettings` so the
study hot path reads them with the settings it reads anyway. A fit replaces the
parameters in use only when it predicts the learner's reviews better (lower log loss);
with too few reviews the defaults stay and the row says how many more are needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true

from quizapp.domain.scheduling import optimizer
from quizapp.domain.scheduling import workload as workload_domain
from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.study import ParameterFit, ReviewLog, StudyItem, StudySettings
from quizapp.services import jobs, write_transaction
from quizapp.services.study.settings import get_prefs


@dataclass(frozen=True)
class FitReport:
    """What the settings page shows about a learner's parameters."""

    fit: ParameterFit | None  # the latest run, None if never run
    parameters: tuple[float, ...] | None  # in use; None: the defaults
    adopted: bool  # the latest run's parameters are the ones in use
    refit_since: datetime | None = None  # a refit on its own queued or running since

    @property
    def missing(self) -> int:
        """More long-term reviews needed before a first fit (0 once there are enough)."""
        if self.fit is None or self.fit.parameters is not None:
            return 0
        return max(optimizer.MIN_REVIEWS - self.fit.reviews, 0)


def _logged_reviews(user_id: int):
    # Reviews before a fact's reset belong to a memory the learner started over.
    reset = (
        select(StudyItem.id, StudyItem.reset_at)
        .where(StudyItem.user_id == user_id, StudyItem.reset_at.is_not(None))
        .subquery()
    )
    rows = db.session.execute(
        select(ReviewLog.item_id, ReviewLog.reviewed_at, ReviewLog.rating)
        .outerjoin(reset, reset.c.id == ReviewLog.item_id)
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.undone_at.is_(None),
            (reset.c.reset_at.is_(None)) | (ReviewLog.reviewed_at > reset.c.reset_at),
        )
    )
    return (optimizer.LoggedReview(item_id, at, rating) for item_id, at, rating in rows)


def latest_fit(user: User) -> ParameterFit | None:
    return db.session.scalar(
        select(ParameterFit)
        .where(ParameterFit.user_id == user.id)
        .order_by(ParameterFit.fitted_at.desc(), ParameterFit.id.desc())
        .limit(1)
    )


def report(user: User) -> FitReport:
    fit = latest_fit(user)
    in_use = get_prefs(user).parameters
    adopted = (
        fit is not None
        and fit.parameters is not None
        and in_use is not None
        and tuple(json.loads(fit.parameters)) == in_use
    )
    job = _fit_on_its_way(user)
    return FitReport(fit, in_use, adopted, None if job is None else job.queued_at)


_FIT_JOBS = (jobs.REFIT, jobs.OPTIMISE)


def _fit_on_its_way(user: User):
    """The learner's queued or running fit (either kind of job), if any."""
    return next(
        (job for kind in _FIT_JOBS if (job := jobs.unfinished(kind, user.id)) is not None), None
    )


def queue_optimise(user: User, now: datetime) -> bool:
    """Queue the fit the learner asked for ("Optimise"): `optimise`, as a job.

    Returns:
        Whether it was queued now (False: a fit of either kind is on its way already,
        whose result will be the same reviews' fit).
    """
    if _fit_on_its_way(user) is not None:
        return False
    return jobs.queue(jobs.OPTIMISE, user.id, now)


def optimise(user: User, now: datetime, *, automatic: bool = False) -> ParameterFit:
    """Fit FSRS parameters to the user's review log and use them if they predict better.

    Args:
        user: The learner.
        now: When (stored as the fit's date).
        automatic: Started by a refit job (`queue_refit_if_due`), not by the learner.

    Returns:
        The stored run: with parameters, or without (too few reviews; `reviews` says
        how many long-term reviews there were).
    """
    prefs = get_prefs(user)
    training = optimizer.training_items(_logged_reviews(user.id), prefs.timezone)
    result = optimizer.optimise(training, prefs.parameters)
    with write_transaction() as session:
        if isinstance(result, optimizer.TooFewReviews):
            fit = ParameterFit(
                user_id=user.id, fitted_at=now, reviews=result.reviews, automatic=automatic
            )
            session.add(fit)
            return fit
        fit = ParameterFit(
            user_id=user.id,
            fitted_at=now,
            reviews=result.reviews,
            parameters=json.dumps(result.parameters),
            log_loss_before=result.log_loss_before,
            log_loss_after=result.log_loss_after,
            rmse_before=result.rmse_before,
            rmse_after=result.rmse_after,
            automatic=automatic,
        )
        session.add(fit)
        if result.log_loss_after <= result.log_loss_before:
            settings = session.get(StudySettings, user.id)
            if settings is None:
                settings = StudySettings(
                    user_id=user.id,
                    desired_retention=prefs.desired_retention,
                    new_per_day=prefs.new_per_day,
                    reviews_per_day=prefs.reviews_per_day,
                    timezone_chosen=prefs.timezone_chosen,
                    updated_at=now,
                )
                session.add(settings)
            settings.fsrs_parameters = fit.parameters
    return fit


def refit_due(user: User) -> bool:
    """Whether enough reviews came in since the last run for a refit on its own.

    Cheap: it counts only the reviews since the last run (an index range), an upper
    bound of the long-term reviews added, and stops counting at what is needed.
    """
    last = latest_fit(user)
    since = true() if last is None else ReviewLog.reviewed_at > last.fitted_at
    needed = optimizer.reviews_before_refit(
        None if last is None else last.reviews, last is not None and last.parameters is not None
    )
    new_reviews = db.session.scalar(
        select(func.count()).select_from(
            select(ReviewLog.id)
            .where(ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None), since)
            .limit(needed)
            .subquery()
        )
    )
    return new_reviews >= needed


def queue_refit_if_due(user: User, now: datetime) -> bool:
    """Queue a refit on its own (a background job, `services.jobs`) when one is due.

    The fit itself grows with the log (about 10 s of CPU at a million reviews), so it
    is never done in the request that finds it due.

    Returns:
        Whether a refit was queued now (False: not due, or queued already).
    """
    if _fit_on_its_way(user) is not None or not refit_due(user):
        return False
    return jobs.queue(jobs.REFIT, user.id, now)


def refit(user: User, now: datetime) -> ParameterFit:
    """The refit job (run by `services.jobs`): `optimise`, marked automatic."""
    return optimise(user, now, automatic=True)


def workload(user: User) -> tuple[tuple[workload_domain.Workload, ...], float]:
    """A simulated year of study at each retention for this learner, and the retention
    they have chosen (see `domain.scheduling.workload`)."""
    prefs = get_prefs(user)
    facts = db.session.scalar(
        select(func.count(StudyItem.id)).where(
            StudyItem.user_id == user.id, StudyItem.suspended.is_(False)
        )
    )
    return (
        workload_domain.simulate(
            prefs.parameters or optimizer.DEFAULT_PARAMETERS,
            facts or 0,
            prefs.new_per_day,
            prefs.reviews_per_day,
            prefs.desired_retention,
        ),
        prefs.desired_retention,
    )
