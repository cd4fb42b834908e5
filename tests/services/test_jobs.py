"""Background jobs in the database: a refit queued by a request and done by a runner
(`quizapp jobs run`), once per learner, claimed by one runner only, claimed again when
its runner died, retried and then marked failed when it raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models.jobs import DONE, FAILED, QUEUED, RUNNING, Job
from quizapp.models.study import ParameterFit
from quizapp.services import jobs
from quizapp.services.study import parameters
from tests.conftest import count_rows

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def job_of(user) -> Job:
    db.session.expire_all()
    return db.session.scalar(select(Job).where(Job.user_id == user.id).order_by(Job.id.desc()))


def test_a_job_is_queued_once_per_learner_until_it_is_done(make_user):
    user, other = make_user(), make_user()
    assert jobs.queue(jobs.REFIT, user.id, NOW)
    assert not jobs.queue(jobs.REFIT, user.id, NOW + timedelta(seconds=1))  # waiting already
    assert jobs.queue(jobs.REFIT, other.id, NOW)
    assert count_rows(Job) == 2
    assert jobs.run_pending(lambda: NOW) == 2
    assert job_of(user).state == DONE and job_of(user).finished_at == NOW
    assert count_rows(ParameterFit) == 2  # too few reviews: a run that says so, each
    assert jobs.queue(jobs.REFIT, user.id, NOW)  # done: another may be queued
    with pytest.raises(ValueError, match="no job kind"):
        jobs.queue("nope", user.id, NOW)


def test_a_claimed_job_is_not_claimed_again_until_its_lease_runs_out(make_user):
    user = make_user()
    jobs.queue(jobs.REFIT, user.id, NOW)
    claimed = jobs.claim(NOW)
    assert claimed.state == RUNNING and claimed.attempts == 1
    assert jobs.claim(NOW + timedelta(minutes=1)) is None  # another runner finds nothing
    assert jobs.run_next(lambda: NOW + timedelta(minutes=1)) is None
    # Its runner died: once the lease is over, a runner takes it and does it.
    later = NOW + jobs.LEASE + timedelta(seconds=1)
    done = jobs.run_next(lambda: later)
    assert done.id == claimed.id and done.state == DONE and done.attempts == 2
    assert count_rows(ParameterFit) == 1


def test_a_failing_job_is_retried_then_marked_failed_with_its_error(make_user, monkeypatch):
    user = make_user()
    calls = []

    def broken(user, now):
        calls.append(now)
        raise RuntimeError("the optimiser broke")

    monkeypatch.setattr(parameters, "refit", broken)
    jobs.queue(jobs.REFIT, user.id, NOW)
    first = jobs.run_next(lambda: NOW)
    assert first.state == QUEUED and first.error == "RuntimeError: the optimiser broke"
    assert jobs.run_pending(lambda: NOW) == jobs.MAX_ATTEMPTS - 1
    job = job_of(user)
    assert job.state == FAILED and job.attempts == jobs.MAX_ATTEMPTS and job.finished_at == NOW
    assert len(calls) == jobs.MAX_ATTEMPTS
    assert jobs.unfinished(jobs.REFIT, user.id) is None  # a later session may queue again


def test_the_runner_command_does_the_waiting_jobs(app, make_user):
    user = make_user()
    jobs.queue(jobs.REFIT, user.id, NOW)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) done" in result.output
    assert job_of(user).state == DONE
    assert count_rows(ParameterFit) == 1


def test_the_runner_outlives_the_database_being_away(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    calls = []

    class Stop(Exception):
        pass

    def run_next(now):
        calls.append(now)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        raise Stop

    monkeypatch.setattr(jobs, "run_next", run_next)
    monkeypatch.setattr(jobs.time, "sleep", lambda seconds: None)
    with pytest.raises(Stop):
        jobs.run_forever(0.1)
    assert len(calls) == 2  # logged, waited, and looked again
