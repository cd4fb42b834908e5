"""The optimiser's wiring: review logs into FSRS items, fixed logs giving fixed parameters,
the too-few-reviews path, when it runs again on its own, and the workload simulation.

Golden values computed with fsrs-rs-python 0.9.3 and fsrs 6.3.2 (the simulated log).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bench.synthetic_reviews import LEARNERS, simulate
from quizapp.domain.scheduling import (
    MemoryState,
    Rating,
    SchedulerSettings,
    StudyState,
    optimizer,
    review,
    workload,
)
from quizapp.domain.scheduling.optimizer import LoggedReview

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)

GOLDEN = (
    0.060526, 0.740298, 4.21797, 18.571428, 6.511695, 0.657568, 3.186, 0.013833, 1.713246,
    0.215001, 0.640327, 1.505537, 0.034601, 0.273486, 1.679531, 0.566797, 1.851614, 0.502176,
    0.074896, 0.08392, 0.100435,
)  # fmt: skip


@pytest.fixture(scope="module")
def golden_log():
    return simulate(LEARNERS[0], facts=120, days=300, seed=5)


def test_a_fixed_log_gives_fixed_parameters(golden_log):
    training = optimizer.training_items(golden_log, "UTC")
    assert (len(golden_log), training.reviews) == (1779, 1344)
    fit = optimizer.optimise(training)
    assert isinstance(fit, optimizer.Fit)
    assert fit.parameters == pytest.approx(GOLDEN, abs=1e-4)
    assert fit.reviews == 1344
    # Fitted to this learner, the parameters predict their reviews better than the defaults.
    assert fit.log_loss_after < fit.log_loss_before == pytest.approx(0.334299, abs=1e-5)
    assert fit.rmse_after < fit.rmse_before
    # Deterministic: the same log again, in another order, gives the same parameters.
    again = optimizer.optimise(optimizer.training_items(reversed(golden_log), "UTC"))
    assert again.parameters == fit.parameters


def test_before_is_measured_on_the_parameters_in_use(golden_log):
    training = optimizer.training_items(golden_log, "UTC")
    fit = optimizer.optimise(training, current=GOLDEN)
    assert fit.log_loss_before == pytest.approx(fit.log_loss_after, abs=1e-6)


def test_too_few_reviews_keep_the_defaults_and_say_how_many_more():
    log = [
        LoggedReview(item, T0 + timedelta(days=day), 3)
        for item in range(1, 11)
        for day in (0, 1, 3, 8)
    ]
    training = optimizer.training_items(log, "UTC")
    assert training.reviews == 30  # three reviews on later days per fact
    result = optimizer.optimise(training)
    assert result == optimizer.TooFewReviews(reviews=30, needed=optimizer.MIN_REVIEWS)
    assert result.missing == optimizer.MIN_REVIEWS - 30
    assert optimizer.optimise(optimizer.training_items([], "UTC")).missing == 400


def test_days_between_reviews_are_study_days_in_the_learners_timezone():
    # 23:00 and 01:30 the next night in Berlin are one study day (it ends at 4 a.m.);
    # the review at 05:00 is on the next one.
    berlin = [
        LoggedReview(1, datetime(2025, 3, 1, 22, tzinfo=UTC), 3),  # 23:00 local
        LoggedReview(1, datetime(2025, 3, 2, 0, 30, tzinfo=UTC), 3),  # 01:30 local
        LoggedReview(1, datetime(2025, 3, 2, 4, tzinfo=UTC), 3),  # 05:00 local
    ]
    training = optimizer.training_items(berlin, "Europe/Berlin")
    # The first two are one day (no item until a later day); the third is one day later.
    assert training.reviews == 1
    assert len(training.items) == 1
    # In Tokyo (UTC+9) the three are 07:00, 09:30 and 13:00 of one day: no later day.
    assert optimizer.training_items(berlin, "Asia/Tokyo").items == ()


def test_undone_order_and_same_day_steps_do_not_make_items_of_their_own():
    log = [
        LoggedReview(7, T0, 1),
        LoggedReview(7, T0 + timedelta(minutes=1), 3),
        LoggedReview(7, T0 + timedelta(minutes=11), 3),
        LoggedReview(7, T0 + timedelta(days=2), 3),
        LoggedReview(7, T0 + timedelta(days=2, minutes=5), 3),
    ]
    training = optimizer.training_items(log, "UTC")
    # Items from the first later-day review on: that one, and the same-day one after it.
    assert len(training.items) == 2
    assert training.reviews == len(training.evaluated) == 1


@pytest.mark.parametrize(
    ("reviews_at_fit", "fitted", "wait"),
    [(None, False, 400), (150, False, 250), (399, False, 1), (500, True, 400), (5000, True, 1000)],
)
def test_when_the_optimiser_runs_again_on_its_own(reviews_at_fit, fitted, wait):
    assert optimizer.reviews_before_refit(reviews_at_fit, fitted) == wait


def test_the_scheduler_uses_the_learners_parameters():
    state = MemoryState.new(T0)
    settings = SchedulerSettings(enable_fuzzing=False)
    fitted = SchedulerSettings(enable_fuzzing=False, parameters=GOLDEN)
    learnt_default = review(state, Rating.Good, T0, settings, item_id=1)
    learnt_fitted = review(state, Rating.Good, T0, fitted, item_id=1)
    assert learnt_fitted.stability == pytest.approx(GOLDEN[2], abs=1e-6)
    assert learnt_default.stability == pytest.approx(2.3065, abs=1e-6)
    assert learnt_fitted.state is StudyState.LEARNING


@pytest.mark.parametrize("bad", [(1.0,) * 20, (float("nan"),) * 21, ("x",) * 21])
def test_parameters_must_be_21_finite_numbers(bad):
    with pytest.raises(ValueError):
        SchedulerSettings(parameters=bad)


def test_workload_covers_every_retention_and_marks_the_cheapest():
    runs = workload.simulate(optimizer.DEFAULT_PARAMETERS, 300, 20, 200, 0.9)
    assert [w.retention for w in runs] == sorted(
        {0.70, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.9, 0.91, 0.94, 0.97}
    )
    assert all(len(w.reviews_per_day) == workload.DAYS for w in runs)
    # Higher retention costs more reviews over the year.
    assert runs[-1].total_reviews > runs[0].total_reviews
    cheapest = workload.best(runs)
    assert cheapest.seconds_per_fact == min(w.seconds_per_fact for w in runs)
    assert workload.simulate(optimizer.DEFAULT_PARAMETERS, 0, 20, 200) == ()
    assert workload.best(()) is None


def test_a_large_collection_is_simulated_at_scale():
    # Facts never introduced within the year change nothing.
    assert workload.simulate(optimizer.DEFAULT_PARAMETERS, 100_000, 5, 200) == (
        workload.simulate(optimizer.DEFAULT_PARAMETERS, 5 * workload.DAYS, 5, 200)
    )
    small = workload.simulate(optimizer.DEFAULT_PARAMETERS, 3000, 20, 200)
    large = workload.simulate(optimizer.DEFAULT_PARAMETERS, 30_000, 200, 2000)
    # Ten times the facts and the limits: ten times the reviews, the same cost per fact.
    for a, b in zip(small, large, strict=True):
        assert b.total_reviews == pytest.approx(10 * a.total_reviews, rel=0.01)
        assert b.seconds_per_fact == pytest.approx(a.seconds_per_fact)


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"])
def test_the_optimisers_study_days_are_study_date(tz):
    from quizapp.domain.scheduling import study_date
    from quizapp.domain.scheduling.optimizer import _study_days

    day_of = _study_days(tz)
    # Every quarter of an hour through the spring and autumn clock changes.
    starts = (3, 28), (4, 3), (10, 2), (10, 24)
    for start in (datetime(2025, month, day, tzinfo=UTC) for month, day in starts):
        for step in range(4 * 24 * 10):
            moment = start + timedelta(minutes=15 * step)
            assert day_of(moment) == study_date(moment, tz), moment
