"""Quizzes through the service layer: building, grading, resuming, timing, history."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.domain.questions import KINDS
from quizapp.domain.quizzes import QUIZ_KINDS, QuizOptions
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    Fact,
    Question,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    StudyItem,
)
from quizapp.services import NotFound, ServiceError
from quizapp.services import quizzes as quiz_service
from tests.conftest import count_rows
from tests.factories import (
    NOW,
    one_question_of_kind,
    quiz_questions,
    right_answer,
    take,
    wrong_answer,
)

DECK = "chinese-ai-startups"


# --- helpers shared with the web tests ---------------------------------------------------------


def snapshot():
    return (
        count_rows(QuizAttempt),
        count_rows(QuizQuestion),
        count_rows(QuizResponse),
        count_rows(StudyItem),
    )


# --- building ----------------------------------------------------------------------------------


def test_quiz_has_the_count_asked_for_one_question_per_fact_kinds_spread(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=12), now=NOW, seed=1)
    questions = quiz_questions(attempt.id)
    assert [q.position for q in questions] == list(range(1, 13))
    assert attempt.max_score == 12
    assert len({q.fact_id for q in questions}) == 12  # no fact asked twice
    assert len({q.question_id for q in questions}) == 12
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == set(QUIZ_KINDS)  # all eight kinds in a mixed quiz of twelve
    assert max(kinds.values()) <= 3


def test_filters_are_respected(builtin_decks, make_user):
    user = make_user()
    options = QuizOptions(
        subjects=("moonshot", "zhipu"), kinds=("multiple_choice", "true_false"), count=8
    )
    attempt = quiz_service.start_quiz(user, DECK, options, now=NOW, seed=2)
    questions = quiz_questions(attempt.id)
    assert len(questions) == 8
    facts = {f.id: f for f in Fact.query.filter(Fact.id.in_([q.fact_id for q in questions]))}
    assert {facts[q.fact_id].subject for q in questions} <= {"moonshot", "zhipu"}
    assert {q.kind for q in questions} == {"multiple_choice", "true_false"}
    assert attempt.subjects == ["moonshot", "zhipu"]
    assert attempt.kinds == ["multiple_choice", "true_false"]


def test_few_facts_give_a_second_question_per_fact_never_the_same_question(
    builtin_decks, make_user
):
    user = make_user()
    attempt = quiz_service.start_quiz(
        user, DECK, QuizOptions(subjects=("minimax",), count=10), now=NOW, seed=3
    )
    questions = quiz_questions(attempt.id)
    n_facts = Fact.query.filter_by(subject="minimax").count()
    assert n_facts < 10
    assert len(questions) == 10
    assert len({q.question_id for q in questions}) == 10
    # Every fact is used before any fact is used again.
    assert len({q.fact_id for q in questions}) == n_facts


def test_same_seed_same_quiz_other_seed_other_order(builtin_decks, make_user):
    user = make_user()
    a = quiz_service.start_quiz(user, DECK, QuizOptions(count=10), now=NOW, seed=7)
    b = quiz_service.start_quiz(user, DECK, QuizOptions(count=10), now=NOW, seed=7)
    c = quiz_service.start_quiz(user, DECK, QuizOptions(count=10), now=NOW, seed=8)
    ids = [[q.question_id for q in quiz_questions(x.id)] for x in (a, b, c)]
    assert ids[0] == ids[1] != ids[2]


def test_snapshot_keeps_the_shown_option_order_and_survives_retirement(builtin_decks, make_user):
    user = make_user()
    question = one_question_of_kind("multiple_choice")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=5)
    stored = quiz_questions(attempt.id)[0]
    assert sorted(stored.payload["choices"]) == sorted(question.payload["choices"])
    assert stored.payload["correct"] == question.payload["correct"]
    # Retire the question: the attempt still shows and grades what it showed.
    question.retired_at = NOW
    question.payload = {**question.payload, "prompt": "edited"}
    db.session.commit()
    shown = quiz_service.current_question(user, attempt.id, now=NOW)
    assert shown.prompt == stored.payload["prompt"] != "edited"
    fb = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=question.id,
        response=stored.payload["correct"][0],
        request_id="request-x1",
        now=NOW,
    )
    assert fb.correct


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (QuizOptions(count=-3), "between 5 and 50"),
        (QuizOptions(count=4), "between 5 and 50"),
        (QuizOptions(count=10_000), "between 5 and 50"),
        (QuizOptions(kinds=("essay",)), "Unknown question kind"),
        (QuizOptions(subjects=("openai",)), "no topic"),
        (QuizOptions(time_limit=1), "time limit"),
        (QuizOptions(time_limit=100_000), "time limit"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_stored(builtin_decks, make_user, options, message):
    user = make_user()
    before = snapshot()
    with pytest.raises(ServiceError, match=message) as info:
        quiz_service.start_quiz(user, DECK, options, now=NOW, seed=1)
    assert info.value.status == 400
    assert snapshot() == before


def test_unknown_deck_is_not_found(builtin_decks, make_user):
    with pytest.raises(NotFound):
        quiz_service.start_quiz(make_user(), "no-such-deck", QuizOptions(), now=NOW, seed=1)
    assert count_rows(QuizAttempt) == 0


# --- grading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_is_graded_on_the_server(builtin_decks, make_user, kind):
    user = make_user()
    question = one_question_of_kind(kind)
    deck = db.session.get(Deck, question.deck_id)
    right = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=1)
    wrong = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=1)
    payload = quiz_questions(right.id)[0].payload
    for attempt, response, expected in (
        (right, right_answer(payload), True),
        (wrong, wrong_answer(payload), False),
    ):
        quiz_service.current_question(user, attempt.id, now=NOW)
        fb = quiz_service.answer(
            user,
            attempt.id,
            position=1,
            question_id=question.id,
            response=response,
            request_id=f"request-k{attempt.id}",
            now=NOW + timedelta(seconds=3),
        )
        assert fb.correct is expected
        assert fb.expected == payload["answer"]
        assert fb.evidence == payload["evidence"]
        assert fb.finished  # a one-question quiz ends with its answer
        assert fb.time_taken_ms == 3000
    assert db.session.get(QuizAttempt, right.id).score == 1.0
    assert db.session.get(QuizAttempt, wrong.id).score == 0.0


def test_typed_answers_are_graded_leniently(builtin_decks, make_user):
    user = make_user()
    question = db.session.scalar(
        select(Question).where(Question.kind == "typed", Question.answer == "Jiang Daxin")
    )
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=1)
    fb = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=question.id,
        response="  jiang daxin ",
        request_id="request-t1",
        now=NOW,
    )
    assert fb.correct and fb.given == "jiang daxin"


def test_multiple_select_gives_partial_credit(builtin_decks, make_user):
    user = make_user()
    question = next(
        q
        for q in Question.query.filter_by(kind="multiple_select").order_by(Question.id)
        if len(q.payload["correct"]) >= 2
    )
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=1)
    payload = quiz_questions(attempt.id)[0].payload
    fb = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=question.id,
        response=payload["correct"][:1],
        request_id="request-m1",
        now=NOW,
    )
    assert not fb.correct
    assert 0 < fb.points < 1
    assert db.session.get(QuizAttempt, attempt.id).score == pytest.approx(fb.points, abs=0.01)


def test_an_option_that_was_not_offered_is_refused(builtin_decks, make_user):
    user = make_user()
    question = one_question_of_kind("multiple_choice")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(user, deck, [question.id], now=NOW, seed=1)
    before = snapshot()
    with pytest.raises(ServiceError, match="not one of the options"):
        quiz_service.answer(
            user,
            attempt.id,
            position=1,
            question_id=question.id,
            response="Something else",
            request_id="request-o1",
            now=NOW,
        )
    assert snapshot() == before


# --- resuming, replays, time limits ------------------------------------------------------------


def test_reopening_resumes_at_the_next_unanswered_question(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=4)
    take(user, attempt.id, ["right", "wrong"])
    shown = quiz_service.current_question(user, attempt.id, now=NOW + timedelta(minutes=1))
    assert (shown.position, shown.answered, shown.total) == (3, 2, 5)
    served = quiz_questions(attempt.id)[2].served_at
    again = quiz_service.current_question(user, attempt.id, now=NOW + timedelta(minutes=9))
    assert again.position == 3
    assert quiz_questions(attempt.id)[2].served_at == served  # a reload keeps the clock


def test_double_submit_counts_once(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=4)
    shown = quiz_service.current_question(user, attempt.id, now=NOW)
    payload = quiz_questions(attempt.id)[0].payload
    kwargs = {"position": 1, "question_id": shown.question_id, "now": NOW}
    first = quiz_service.answer(
        user, attempt.id, response=right_answer(payload), request_id="request-same", **kwargs
    )
    replay = quiz_service.answer(
        user, attempt.id, response=right_answer(payload), request_id="request-same", **kwargs
    )
    other_tab = quiz_service.answer(
        user, attempt.id, response=wrong_answer(payload), request_id="request-other", **kwargs
    )
    assert first.correct and not first.replayed
    assert replay.replayed and other_tab.replayed and other_tab.correct  # first answer stands
    assert QuizResponse.query.count() == 1
    assert db.session.get(QuizAttempt, attempt.id).score == 1.0


def test_questions_are_answered_in_order(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=4)
    third = quiz_questions(attempt.id)[2]
    before = snapshot()
    with pytest.raises(ServiceError, match="question 1 is next"):
        quiz_service.answer(
            user,
            attempt.id,
            position=3,
            question_id=third.question_id,
            response=right_answer(third.payload),
            request_id="request-early",
            now=NOW,
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("seconds", "counts"),
    [(10, True), (31, True), (33, False), (3600, False)],
)
def test_answers_after_the_time_limit_count_as_wrong(builtin_decks, make_user, seconds, counts):
    user = make_user()
    question = one_question_of_kind("typed")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(
        user, deck, [question.id], now=NOW, seed=1, time_limit=30
    )
    shown = quiz_service.current_question(user, attempt.id, now=NOW)
    assert shown.seconds_left == 30
    later = NOW + timedelta(seconds=seconds)
    assert quiz_service.current_question(user, attempt.id, now=later) is not None
    fb = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=question.id,
        response=question.payload["accepted"][0],
        request_id="request-late",
        now=later,
    )
    assert fb.correct is counts
    assert fb.late is not counts
    assert fb.points == (1.0 if counts else 0.0)


def test_time_left_counts_down_on_the_server_clock(builtin_decks, make_user):
    user = make_user()
    question = one_question_of_kind("multiple_choice")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(
        user, deck, [question.id], now=NOW, seed=1, time_limit=20
    )
    quiz_service.current_question(user, attempt.id, now=NOW)
    shown = quiz_service.current_question(user, attempt.id, now=NOW + timedelta(seconds=15))
    assert shown.seconds_left == 5 and not shown.expired
    # A late empty choice is taken (the countdown submits what is there) and counts wrong.
    fb = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=question.id,
        response="",
        request_id="request-empty",
        now=NOW + timedelta(seconds=40),
    )
    assert fb.late and not fb.correct


def test_due_date_refuses_late_answers_when_asked(builtin_decks, make_user):
    user = make_user()
    question = one_question_of_kind("true_false")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(
        user,
        deck,
        [question.id],
        now=NOW,
        seed=1,
        due_at=NOW + timedelta(hours=1),
        accept_late=False,
    )
    with pytest.raises(quiz_service.QuizClosed):
        quiz_service.answer(
            user,
            attempt.id,
            position=1,
            question_id=question.id,
            response="True",
            request_id="request-due",
            now=NOW + timedelta(hours=2),
        )
    assert QuizResponse.query.count() == 0


def test_finish_early_scores_unanswered_as_zero_and_takes_no_more_answers(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=4)
    take(user, attempt.id, ["right", "right"])
    quiz_service.finish(user, attempt.id, now=NOW + timedelta(minutes=2))
    result = quiz_service.result(user, attempt.id)
    assert result.attempt.score == 2.0 and result.attempt.max_score == 5
    assert len(result.mistakes) == 3 and not any(m.answered for m in result.mistakes)
    assert result.duration == timedelta(minutes=2)
    assert quiz_service.current_question(user, attempt.id, now=NOW) is None
    third = quiz_questions(attempt.id)[2]
    with pytest.raises(quiz_service.QuizClosed):
        quiz_service.answer(
            user,
            attempt.id,
            position=3,
            question_id=third.question_id,
            response=right_answer(third.payload),
            request_id="request-after",
            now=NOW,
        )


# --- ownership and forged input ----------------------------------------------------------------


def test_another_users_attempt_is_not_found(builtin_decks, make_user):
    owner, intruder = make_user(), make_user()
    attempt = quiz_service.start_quiz(owner, DECK, QuizOptions(count=5), now=NOW, seed=4)
    first = quiz_questions(attempt.id)[0]
    before = snapshot()
    for call in (
        lambda: quiz_service.current_question(intruder, attempt.id, now=NOW),
        lambda: quiz_service.result(intruder, attempt.id),
        lambda: quiz_service.finish(intruder, attempt.id, now=NOW),
        lambda: quiz_service.answer(
            intruder,
            attempt.id,
            position=1,
            question_id=first.question_id,
            response=right_answer(first.payload),
            request_id="request-steal",
            now=NOW,
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert snapshot() == before
    assert quiz_questions(attempt.id)[0].served_at is None


def test_forged_or_foreign_question_ids_are_refused(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=4)
    in_quiz = {q.question_id for q in quiz_questions(attempt.id)}
    outside = Question.query.filter(Question.id.not_in(in_quiz)).first()
    before = snapshot()
    for position, question_id in ((1, "forged123456"), (1, outside.id), (0, outside.id), (99, "x")):
        with pytest.raises(ServiceError) as info:
            quiz_service.answer(
                user,
                attempt.id,
                position=position,
                question_id=question_id,
                response="True",
                request_id="request-forge",
                now=NOW,
            )
        assert info.value.status == 400
    with pytest.raises(ServiceError, match="form id"):
        quiz_service.answer(
            user, attempt.id, position=1, question_id="x", response="x", request_id="", now=NOW
        )
    assert snapshot() == before


# --- study link ----------------------------------------------------------------------------------


def test_wrong_answers_make_their_facts_due_for_study(builtin_decks, make_user):
    user = make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=9)
    take(user, attempt.id, ["right", "wrong", "right", "wrong", "right"])
    questions = quiz_questions(attempt.id)
    wrong_facts = {questions[1].fact_id, questions[3].fact_id}
    items = StudyItem.query.filter_by(user_id=user.id).all()
    assert {item.fact_id for item in items} == wrong_facts
    assert all(item.due <= NOW + timedelta(seconds=25) for item in items)


# --- history -------------------------------------------------------------------------------------


def test_history_statistics_on_a_known_dataset(builtin_decks, make_user):
    user, other = make_user(), make_user()
    options = QuizOptions(subjects=("stepfun",), kinds=("true_false",), count=5)
    first = quiz_service.start_quiz(user, DECK, options, now=NOW, seed=1)
    take(user, first.id, ["right", "wrong", "wrong", "right", "wrong"])  # 40 %
    second = quiz_service.start_quiz(user, DECK, options, now=NOW + timedelta(days=1), seed=2)
    take(user, second.id, ["right"] * 5, start=NOW + timedelta(days=1))  # 100 %
    software = quiz_service.start_quiz(
        user, "software-companies", QuizOptions(count=5), now=NOW + timedelta(days=2), seed=3
    )
    take(user, software.id, ["wrong"] * 5, start=NOW + timedelta(days=2))  # 0 %
    unfinished = quiz_service.start_quiz(user, DECK, options, now=NOW + timedelta(days=3), seed=4)
    take(user, unfinished.id, ["right"], start=NOW + timedelta(days=3))
    # Someone else's answers never count.
    theirs = quiz_service.start_quiz(other, DECK, options, now=NOW, seed=5)
    take(other, theirs.id, ["wrong"] * 5)

    stats = quiz_service.history(user)
    assert [a.id for a in stats.attempts] == [unfinished.id, software.id, second.id, first.id]
    assert [round(p) for _, _, p in stats.over_time] == [40, 100, 0]
    decks = {d.deck: d for d in stats.decks}
    chinese = decks["Chinese AI startups beyond DeepSeek"]
    assert (chinese.attempts, chinese.best, chinese.average, chinese.last) == (2, 100, 70, 100)
    software_title = db.session.scalar(select(Deck.title).where(Deck.key == "software-companies"))
    assert decks[software_title].best == 0
    stepfun = next(a for a in stats.by_subject if a.label == "Stepfun")
    assert (stepfun.answered, stepfun.correct) == (11, 8)
    assert stats.by_subject[0].percent == 0  # weakest first: the software deck's subjects
    assert sum(a.answered for a in stats.by_relation) == 16
    assert stats.by_relation == sorted(
        stats.by_relation, key=lambda a: (a.percent, -a.answered, a.label)
    )


def test_csv_export_has_one_row_per_question_of_own_attempts(builtin_decks, make_user):
    user, other = make_user(), make_user()
    attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=1)
    take(user, attempt.id, ["right", "wrong"])
    quiz_service.start_quiz(other, DECK, QuizOptions(count=6), now=NOW, seed=1)
    rows = list(csv.DictReader(io.StringIO(quiz_service.export_csv(user))))
    assert list(rows[0]) == list(quiz_service.CSV_COLUMNS)
    assert len(rows) == 5
    assert [r["correct"] for r in rows] == ["yes", "no", "", "", ""]
    assert rows[0]["points"] == "1.0" and rows[1]["points"] == "0.0"
    assert rows[0]["time_taken_seconds"] == "5.0"
    assert {r["attempt_id"] for r in rows} == {str(attempt.id)}
    assert all(r["deck"] == DECK and r["company"] and r["relation"] for r in rows)


def test_leaderboard_lists_only_users_who_opted_in(builtin_decks, make_user):
    shy = make_user(name="Shy Learner")
    proud = make_user(name="Proud Learner")
    proud_too = make_user(name="Also Proud")
    for user, answers in ((shy, ["right"] * 5), (proud, ["right"] * 4 + ["wrong"])):
        attempt = quiz_service.start_quiz(user, DECK, QuizOptions(count=5), now=NOW, seed=1)
        take(user, attempt.id, answers)
    for answers in (["wrong"] * 5, ["right", "right"] + ["wrong"] * 3):
        attempt = quiz_service.start_quiz(proud_too, DECK, QuizOptions(count=5), now=NOW, seed=2)
        take(proud_too, attempt.id, answers)
    assert quiz_service.leaderboard(shy, DECK)[1] == []  # off by default
    quiz_service.set_leaderboard_opt_in(proud, True)
    quiz_service.set_leaderboard_opt_in(proud_too, True)
    deck, board = quiz_service.leaderboard(shy, DECK)
    assert deck.key == DECK
    assert board == [("Proud Learner", 80.0), ("Also Proud", 40.0)]  # best attempt each
    quiz_service.set_leaderboard_opt_in(proud, False)
    assert quiz_service.leaderboard(shy, DECK)[1] == [("Also Proud", 40.0)]
