"""Live question kinds: estimate, order, typed and poll, judged without a database."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quizapp.domain import fact_kinds
from quizapp.domain import live as rules
from quizapp.domain import live_kinds as kinds
from quizapp.domain.facts import load_deck
from quizapp.domain.questions import generate

DECK = Path(__file__).resolve().parents[2] / "questions" / "software_companies.toml"


@pytest.fixture(scope="module")
def typed():
    questions = generate(load_deck(DECK)).questions
    return {q.fact_key: q for q in questions if q.kind == "typed"}


@pytest.mark.parametrize(
    ("guess", "value", "unit", "credit"),
    [
        (1976, 1976, "year", 1.0),
        (1971, 1976, "year", 0.5),
        (1960, 1976, "year", 0.0),
        (100, 100, "amount", 1.0),
        (200, 100, "amount", 0.5),
        (50, 100, "amount", 0.5),
        (400, 100, "amount", 0.0),
        (0, 100, "amount", 0.0),
    ],
)
def test_estimates_score_by_closeness(guess, value, unit, credit):
    assert fact_kinds.estimate_credit(guess, value, unit) == pytest.approx(credit)


def test_an_estimate_is_made_from_a_date_fact_and_judged_by_years(typed):
    apple = next(q for q in typed.values() if "Apple founded" in q.prompt)
    payload = fact_kinds.estimate_from(apple)
    assert payload["kind"] == "estimate" and payload["value"] == 1976 and payload["unit"] == "year"
    assert payload["choices"] == []
    right = kinds.judge_live(payload, [], "1976")
    near = kinds.judge_live(payload, [], "1974")
    assert right.correct and right.credit == 1.0
    assert not near.correct and near.credit == pytest.approx(0.8)
    assert kinds.judge_live(payload, [], "nineteen").credit == 0.0


def test_an_estimate_of_money_reads_amounts_as_typed(typed):
    price = next(q for q in typed.values() if "launch price" in q.prompt)
    payload = fact_kinds.estimate_from(price)
    assert payload["unit"] == "amount" and payload["value"] == pytest.approx(666.66)
    assert kinds.judge_live(payload, [], "$700").correct  # within 10%
    assert kinds.judge_live(payload, [], "1.3 thousand").credit == pytest.approx(0.52, abs=0.02)


def test_entity_facts_make_no_estimate(typed):
    headquarters = next(q for q in typed.values() if q.answer_kind == "entity")
    assert fact_kinds.estimate_from(headquarters) is None


def test_order_credit_counts_pairs_in_the_right_order():
    right = ["A", "B", "C", "D"]
    assert fact_kinds.order_credit(right, right) == 1.0
    assert fact_kinds.order_credit(["B", "A", "C", "D"], right) == pytest.approx(5 / 6)
    assert fact_kinds.order_credit(list(reversed(right)), right) == 0.0
    assert fact_kinds.order_credit(["A", "B", "C"], right) == 0.0  # not every item placed
    assert fact_kinds.order_credit(["A", "A", "C", "D"], right) == 0.0


def test_an_order_question_from_founding_dates(typed):
    founded = [q for q in typed.values() if q.relation == "founded"]
    items = [(q.subject.title(), q) for q in founded]
    payload = fact_kinds.order_from(items, "founded", random.Random(1))
    assert payload["kind"] == "order" and payload["prompt"].startswith("Put in order, earliest")
    assert payload["correct"] == ["Microsoft", "Apple", "Google"]
    assert payload["choices"] != payload["correct"] and sorted(payload["choices"]) == sorted(
        payload["correct"]
    )
    judged = kinds.judge_live(payload, ["Apple", "Microsoft", "Google"], None)
    assert not judged.correct and judged.credit == pytest.approx(2 / 3)
    # two items are not enough for an order question
    assert fact_kinds.order_from(items[:2], "founded", random.Random(1)) is None


def test_a_typed_answer_is_graded_as_in_study(typed):
    city = next(q for q in typed.values() if q.relation == "headquarters")
    judged = kinds.judge_live(city.to_dict(), [], city.answer.lower())
    assert judged.correct


def test_a_poll_has_no_right_answer_and_keeps_the_streak():
    payload = kinds.poll_question("  Warm up:   who likes maths? ", ["Yes", "No", "", "Yes"])
    assert payload["prompt"] == "Warm up: who likes maths?" and payload["choices"] == ["Yes", "No"]
    judged = kinds.judge_live(payload, ["Yes"], None)
    scored = rules.score_judgement(
        judged,
        elapsed_ms=0,
        limit_ms=20_000,
        accuracy_only=False,
        streak_before=2,
        use_streak_bonus=True,
        scored=kinds.LIVE_KINDS["poll"].scored,
    )
    assert scored.points == 0 and scored.streak == 2


@pytest.mark.parametrize(
    ("prompt", "options", "message"),
    [("", ["a", "b"], "question"), ("Q?", ["a"], "2 to 6"), ("Q?", ["x" * 101, "b"], "100")],
)
def test_a_bad_poll_is_refused_in_words(prompt, options, message):
    with pytest.raises(ValueError, match=message):
        kinds.poll_question(prompt, options)
