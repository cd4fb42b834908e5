"""The end of a study session queues a refit of the learner's parameters (when enough
reviews came in), and the settings page's "Optimise" queues a fit, instead of fitting in
the request; the settings page says it is on its way, and the fit is there once a runner
did the job."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import update

from bench.synthetic_reviews import LEARNERS, simulate
from quizapp.extensions import db
from quizapp.models import StudyItem
from quizapp.models.jobs import DONE, Job
from quizapp.models.study import ParameterFit
from quizapp.services import jobs, study, write_transaction
from tests.conftest import count_rows
from tests.services.test_study_scheduler import insert_log


def test_a_session_end_queues_the_refit_and_a_runner_does_it(
    client, login, make_user, builtin_decks
):
    user = make_user()
    for deck in builtin_decks.values():
        study.enroll(user, deck, datetime(2025, 1, 1, tzinfo=UTC))
    insert_log(user, simulate(LEARNERS[0], facts=80, days=365, seed=3))
    with write_transaction() as session:  # nothing left to study: the session's end
        session.execute(update(StudyItem).values(suspended=True))
    login(client, user)

    page = client.get("/study/review").get_data(as_text=True)
    assert "being optimised on your latest reviews, in the background" in page
    assert count_rows(ParameterFit) == 0 and count_rows(Job) == 1  # queued, not fitted
    again = client.get("/study/review").get_data(as_text=True)
    assert "being optimised" not in again and count_rows(Job) == 1  # queued once
    settings = client.get("/study/settings").get_data(as_text=True)
    assert 'id="refit-queued"' in settings

    assert jobs.run_pending() == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(Job.state)) == DONE
    assert count_rows(ParameterFit) == 1
    settings = client.get("/study/settings").get_data(as_text=True)
    assert 'id="refit-queued"' not in settings and "fitted to your own reviews" in settings


def learner_with_a_year(client, login, make_user, builtin_decks):
    user = make_user()
    for deck in builtin_decks.values():
        study.enroll(user, deck, datetime(2025, 1, 1, tzinfo=UTC))
    insert_log(user, simulate(LEARNERS[0], facts=80, days=365, seed=3))
    login(client, user)
    return user


def test_optimise_queues_the_fit_and_the_settings_page_shows_its_result(
    client, login, make_user, builtin_decks
):
    user = learner_with_a_year(client, login, make_user, builtin_decks)
    response = client.post("/study/settings/optimise")
    assert response.status_code == 303 and response.headers["Location"].endswith("#memory-model")
    assert count_rows(ParameterFit) == 0  # nothing fitted in the request
    job = db.session.scalar(db.select(Job))
    assert (job.kind, job.user_id, job.state) == (jobs.OPTIMISE, user.id, "queued")
    page = client.get("/study/settings").get_data(as_text=True)
    assert "being optimised on your reviews, in the background" in page  # the flash
    assert 'id="refit-queued"' in page and "default FSRS parameters" in page

    again = client.post("/study/settings/optimise", follow_redirects=True)
    assert "already being optimised" in again.get_data(as_text=True)
    assert count_rows(Job) == 1  # once
    assert client.get("/study/review").status_code == 200  # the session's end: no refit too
    assert count_rows(Job) == 1

    assert jobs.run_pending() == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(Job.state)) == DONE
    fit = db.session.scalar(db.select(ParameterFit))
    assert fit.parameters is not None and not fit.automatic  # the learner asked for it
    page = client.get("/study/settings").get_data(as_text=True)
    assert 'id="refit-queued"' not in page and "fitted to your own reviews" in page
    assert 'table class="fit"' in page and "started on its own" not in page
    assert study.get_prefs(user).parameters == tuple(json.loads(fit.parameters))


def test_optimise_while_a_refit_waits_queues_nothing_more(client, login, make_user, builtin_decks):
    user = learner_with_a_year(client, login, make_user, builtin_decks)
    assert jobs.queue(jobs.REFIT, user.id, datetime.now(UTC))
    page = client.post("/study/settings/optimise", follow_redirects=True).get_data(as_text=True)
    assert "already being optimised" in page and 'id="refit-queued"' in page
    assert count_rows(Job) == 1
    assert jobs.run_pending() == 1 and count_rows(ParameterFit) == 1
