"""Gradebook arithmetic on small known datasets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.gradebook import (
    BANDS,
    BEST,
    LAST,
    AnswerRecord,
    AttemptSummary,
    LivePlay,
    Status,
    average,
    distribution,
    fact_stats,
    live_percent,
    live_results,
    outcome,
    question_stats,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
DUE = T0 + timedelta(days=7)


def attempt(n, score, *, finished=True, answered=None, late=False, max_score=10, day=0):
    started = T0 + timedelta(days=day, minutes=n)
    return AttemptSummary(
        attempt_id=n,
        started_at=started,
        finished_at=started + timedelta(minutes=5) if finished else None,
        last_answer_at=started + timedelta(minutes=5),
        score=score,
        max_score=max_score,
        answered=max_score if answered is None else answered,
        late=late,
    )


def outcome_of(attempts, scoring=BEST, accept_late=True, now=T0 + timedelta(days=1)):
    return outcome(attempts, scoring=scoring, due_at=DUE, accept_late=accept_late, now=now)


def test_no_attempt_is_not_started():
    result = outcome_of([])
    assert (result.status, result.counted, result.attempts) == (Status.NOT_STARTED, None, 0)


def test_open_attempt_is_in_progress():
    running = attempt(1, 3, finished=False, answered=3)
    result = outcome_of([running])
    assert result.status == Status.IN_PROGRESS
    assert result.open_attempt == running and result.percent is None


def test_best_or_last_counts():
    first, second = attempt(1, 8), attempt(2, 6)
    assert outcome_of([second, first], BEST).counted == first
    assert outcome_of([second, first], LAST).counted == second
    tie = attempt(3, 8)
    assert outcome_of([tie, first], BEST).counted == first  # ties go to the earlier


def test_best_compares_percent_not_points():
    small, big = attempt(1, 4, max_score=5), attempt(2, 6, max_score=10)
    assert outcome_of([small, big]).counted == small


def test_late_attempt_is_marked_late():
    result = outcome_of([attempt(1, 7, late=True)])
    assert result.status == Status.LATE and result.percent == 70.0


def test_refused_late_work_closes_an_open_attempt_at_the_due_date():
    partial = attempt(1, 2, finished=False, answered=3)
    after_due = DUE + timedelta(hours=1)
    closed = outcome_of([partial], accept_late=False, now=after_due)
    assert closed.status == Status.SUBMITTED and closed.counted == partial
    assert closed.open_attempt is None
    # Opened but never answered: nothing to count.
    empty = attempt(2, 0, finished=False, answered=0)
    assert outcome_of([empty], accept_late=False, now=after_due).status == Status.NOT_STARTED
    # When late work is accepted the attempt stays open.
    assert outcome_of([partial], accept_late=True, now=after_due).status == Status.IN_PROGRESS


def test_duration():
    assert attempt(1, 5).duration == timedelta(minutes=5)


def test_average_and_distribution():
    assert average([50.0, None, 100.0, 75.0]) == 75.0
    assert average([None]) is None
    bands = dict(distribution([0, 9.9, 10, 55, 90, 100, 100]))
    assert list(bands) == list(BANDS)
    assert bands["0–9"] == 2 and bands["10–19"] == 1 and bands["50–59"] == 1
    assert bands["90–100"] == 3
    assert sum(bands.values()) == 7


def record(qid, fact, given, correct, *, answered=True):
    return AnswerRecord(
        question_id=qid,
        fact_id=fact,
        prompt=f"Prompt {qid}",
        expected=f"Right {qid}",
        fact_label=f"Fact {fact}",
        answered=answered,
        given=given,
        correct=correct,
    )


@pytest.fixture
def records():
    # q1 (fact A): 1 of 4 right; two typed "bob" spellings are the commonest wrong answer.
    # q2 (fact B): 3 of 4 right. q3 (fact A): 2 of 4 right, one left blank.
    return [
        record("q1", "A", "Right q1", True),
        record("q1", "A", "Bob", False),
        record("q1", "A", " bob ", False),
        record("q1", "A", "Cy", False),
        record("q2", "B", "Right q2", True),
        record("q2", "B", "Right q2", True),
        record("q2", "B", "Right q2", True),
        record("q2", "B", ["x", "a"], False),
        record("q3", "A", "Right q3", True),
        record("q3", "A", "Right q3", True),
        record("q3", "A", "Di", False),
        record("q3", "A", None, False, answered=False),
    ]


def test_question_stats_most_missed_first(records):
    stats = question_stats(records)
    assert [s.key for s in stats] == ["q1", "q3", "q2"]
    q1, q3, q2 = stats
    assert (q1.asked, q1.right, q1.percent) == (4, 1, 25.0)
    assert (q1.top_wrong, q1.top_wrong_count) == ("Bob", 2)
    assert (q3.percent, q3.top_wrong, q3.top_wrong_count) == (50.0, "Di", 1)
    assert (q2.percent, q2.top_wrong) == (75.0, "a, x")  # multiple select, sorted


def test_fact_stats_group_questions_of_a_fact(records):
    stats = fact_stats(records, {"A": "Value A"})
    assert [s.key for s in stats] == ["A", "B"]
    fact_a = stats[0]
    assert (fact_a.asked, fact_a.right, fact_a.percent) == (8, 3, 37.5)
    assert (fact_a.label, fact_a.expected) == ("Fact A", "Value A")
    assert (fact_a.top_wrong, fact_a.top_wrong_count) == ("Bob", 2)


def test_nobody_wrong_means_no_wrong_answer():
    [stat] = question_stats([record("q", "F", "Right q", True)])
    assert stat.percent == 100.0 and stat.top_wrong is None


def test_live_percent_is_credit_over_questions_asked():
    assert live_percent(2, 3) == 66.7
    assert live_percent(1.5, 2) == 75.0
    assert live_percent(0, 4) == 0.0
    assert live_percent(0, 0) == 0.0


def test_live_results_rank_every_player_and_key_accounts():
    plays = [
        LivePlay(1, 10, "Ana", 2000, 2.0),
        LivePlay(2, None, "Guest", 3000, 3.0),
        LivePlay(3, 11, "Bo", 2000, 1.5),
        LivePlay(4, 12, "Cy", 500, 0.5, removed=True),
    ]
    results = live_results(plays, asked=3)
    assert set(results) == {10, 11, 12}  # the guest has no account to file it under
    ana, bo, cy = results[10], results[11], results[12]
    assert (ana.percent, ana.points, ana.rank, ana.players) == (66.7, 2000, 2, 3)
    assert (bo.percent, bo.rank) == (50.0, 2)  # a tie shares the rank
    assert cy.played and cy.removed and cy.rank is None and cy.percent == 16.7
    assert not ana.removed
