"""Choosing a quiz's questions and hiding their answers: pure functions, no database."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from quizapp.domain.questions import KINDS
from quizapp.domain.quizzes import (
    Candidate,
    QuizOptions,
    QuizOptionsError,
    deck_summaries,
    public_view,
    select_questions,
    shuffle_choices,
)


def candidates(n_facts: int, kinds=tuple(KINDS), subjects=("a", "b")) -> list[Candidate]:
    return [
        Candidate(f"q{fact}-{kind}", fact, subjects[fact % len(subjects)], kind)
        for fact in range(n_facts)
        for kind in kinds
    ]


@pytest.mark.parametrize("seed", range(20))
def test_kinds_are_spread_evenly_and_facts_are_not_repeated(seed):
    chosen = select_questions(candidates(40), QuizOptions(count=12), random.Random(seed))
    assert len(chosen) == 12
    assert len({c.fact for c in chosen}) == 12
    assert Counter(c.kind for c in chosen) == dict.fromkeys(KINDS, 2)


def test_a_rare_kind_is_still_asked():
    pool = [*candidates(30, kinds=("typed",)), Candidate("rare", 99, "a", "multiple_select")]
    chosen = select_questions(pool, QuizOptions(count=5), random.Random(1))
    assert "rare" in {c.question_id for c in chosen}


@pytest.mark.parametrize("seed", range(200))
def test_a_rare_kind_that_shares_its_question_id_is_still_asked(seed):
    # An order question is filed under the id of its first fact's typed question, as
    # that fact's estimate is: when the estimate took the id first, the only order was
    # left out (1 quiz in 40 of the built-in startups deck; found by the browser test).
    estimates = [Candidate(f"t{fact}", fact, "a", "estimate") for fact in range(23)]
    order = Candidate("t7", ("order", "t7"), "a", "order")
    options = QuizOptions(count=5, kinds=("estimate", "order"))
    chosen = select_questions([*estimates, order], options, random.Random(seed))
    assert [c.kind for c in chosen].count("order") == 1 and len(chosen) == 5
    assert len({c.question_id for c in chosen}) == 5


def test_facts_repeat_only_when_there_are_too_few():
    chosen = select_questions(candidates(3), QuizOptions(count=10), random.Random(2))
    assert len(chosen) == 10
    assert len({c.question_id for c in chosen}) == 10
    assert Counter(c.fact for c in chosen).most_common(1)[0][1] <= 4


def test_fewer_matches_than_asked_gives_all_of_them():
    pool = candidates(2, kinds=("typed", "cloze"))
    chosen = select_questions(pool, QuizOptions(count=20), random.Random(3))
    assert sorted(c.question_id for c in chosen) == sorted(c.question_id for c in pool)


def test_filters():
    options = QuizOptions(subjects=("a",), kinds=("typed", "cloze"), count=6)
    chosen = select_questions(candidates(20), options, random.Random(4))
    assert {c.subject for c in chosen} == {"a"} and {c.kind for c in chosen} == {"typed", "cloze"}


def test_options_validation():
    assert QuizOptions(kinds=("typed", "cloze", "typed")).validated().kinds == ("typed", "cloze")
    for bad in (
        QuizOptions(count=0),
        QuizOptions(count=51),
        QuizOptions(count=True),
        QuizOptions(time_limit=0),
        QuizOptions(kinds=("essay",)),
        QuizOptions(subjects=("z",)),
    ):
        with pytest.raises(QuizOptionsError):
            bad.validated(known_subjects=("a",))


PAYLOAD = {
    "id": "abc",
    "kind": "multiple_choice",
    "prompt": "Who founded Acme?",
    "answer": "Ann",
    "accepted": ["Ann", "Ann Smith"],
    "choices": ["Ann", "Bob", "Cy", "Di"],
    "correct": ["Ann"],
    "evidence": "Acme was founded by Ann.",
}


def test_public_view_has_no_answer_key():
    view = public_view(PAYLOAD)
    assert set(view) == {
        "id",
        "deck",
        "kind",
        "prompt",
        "choices",
        "image",
        "unit",  # an estimate's "year" or "amount": what to guess in, not the value
        "unit_label",
        "input",
    }
    assert view["input"] == "choice"
    assert public_view({**PAYLOAD, "kind": "typed", "choices": []})["input"] == "text"
    assert public_view({**PAYLOAD, "kind": "multiple_select"})["input"] == "select"


def test_shuffle_choices_returns_a_new_order_and_keeps_true_false():
    orders = {tuple(shuffle_choices(PAYLOAD, random.Random(s))["choices"]) for s in range(10)}
    assert len(orders) > 1 and all(sorted(o) == sorted(PAYLOAD["choices"]) for o in orders)
    assert PAYLOAD["choices"] == ["Ann", "Bob", "Cy", "Di"]  # input untouched
    tf = {**PAYLOAD, "kind": "true_false", "choices": ["True", "False"]}
    assert shuffle_choices(tf, random.Random(1))["choices"] == ["True", "False"]


def test_deck_summaries():
    rows = [
        ("B", date(2025, 1, 2), 50.0),
        ("A", date(2025, 1, 3), 20.0),
        ("B", date(2025, 1, 1), 90.0),
    ]
    a, b = deck_summaries(rows)
    assert (a.deck, a.attempts, a.best, a.average, a.last) == ("A", 1, 20, 20, 20)
    assert (b.deck, b.attempts, b.best, b.average, b.last) == ("B", 2, 90, 70, 50)
