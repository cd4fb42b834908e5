"""Estimate and order questions as quizzes ask them: made from a deck's facts, read from
the form, judged with the live game's partial credit."""

from __future__ import annotations

import math
import random
from itertools import permutations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain import fact_kinds
from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.facts import load_deck
from quizapp.domain.questions import generate
from quizapp.domain.responses import ResponseRefused, read_estimate, read_order

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


def sourced(deck_file: str) -> list[fact_kinds.Sourced]:
    questions = generate(load_deck(QUESTIONS / deck_file)).questions
    return [
        fact_kinds.Sourced(q.id, q.fact_key, q.subject, q.subject.title(), q)
        for q in questions
        if q.kind == "typed"
    ]


@pytest.fixture(scope="module", params=["software_companies.toml", "chinese_ai_startups.toml"])
def typed(request):
    return sourced(request.param)


def test_estimates_only_from_numbers_money_and_dates(typed):
    made = fact_kinds.fact_questions(typed, ["estimate"])
    assert made and {m.kind for m in made} == {"estimate"}
    by_id = {row.question_id: row.question for row in typed}
    for m in made:
        assert by_id[m.question_id].answer_kind in ("number", "money", "date")
        assert m.payload["unit"] in ("year", "amount") and m.payload["choices"] == []
        assert math.isfinite(m.payload["value"])
        assert m.payload["unit_label"]  # what to guess in is shown
    numeric = [q for q in by_id.values() if q.answer_kind in ("number", "money", "date")]
    assert len(made) <= len(numeric)
    assert not any(by_id[m.question_id].answer_kind == "entity" for m in made)


def test_an_order_question_per_relation_with_enough_different_values(typed):
    made = fact_kinds.fact_questions(typed, ["order"])
    assert made and {m.kind for m in made} == {"order"}
    for m in made:
        payload = m.payload
        assert fact_kinds.ORDER_MIN <= len(payload["correct"]) <= fact_kinds.ORDER_MAX
        assert sorted(payload["choices"]) == sorted(payload["correct"])
        assert payload["choices"] != payload["correct"]
        assert payload["answer"] == " → ".join(payload["correct"])
    relations = [m.payload["relation"] for m in made]
    assert len(relations) == len(set(relations))
    # the same deck makes the same order questions (a live game's and a quiz's)
    assert fact_kinds.fact_questions(typed, ["order"]) == made


def test_values_in_other_currencies_or_units_are_not_put_in_order():
    """A deck in another domain (tests/fixtures/decks): revenues in euros, yen and kroner,
    half-lives in days and years, prices in euros and dollars."""
    from quizapp.domain.numbers import parse_amount

    deck = load_deck(
        Path(__file__).resolve().parents[1] / "fixtures" / "decks" / "consumer_brands.toml"
    )
    rows = [
        fact_kinds.Sourced(q.id, q.fact_key, q.subject, deck.entities[q.subject].name, q)
        for q in generate(deck).questions
        if q.kind == "typed"
    ]
    revenues = [r for r in rows if r.question.relation == "revenue"]
    currencies = {parse_amount(r.question.answer).currency for r in revenues}
    assert len(currencies) > 1  # the deck mixes them
    (order,) = [
        m for m in fact_kinds.fact_questions(rows, ["order"]) if m.payload["relation"] == "revenue"
    ]
    by_name = {r.subject_name: r for r in revenues}
    shown = {
        parse_amount(by_name[name].question.answer).currency for name in order.payload["correct"]
    }
    assert len(shown) == 1  # one currency, the deck's most common
    # three revenues, one of them in another currency: no order question at all
    main = [n for n in order.payload["correct"]][:2]
    other = next(r for r in revenues if parse_amount(r.question.answer).currency not in shown)
    mixed = [(n, by_name[n].question) for n in main] + [(other.subject_name, other.question)]
    assert fact_kinds.order_from(mixed, "revenue", random.Random(1)) is None
    assert fact_kinds.order_from(
        [(n, by_name[n].question) for n in order.payload["correct"][:3]],
        "revenue",
        random.Random(1),
    )


def test_a_relation_of_two_subjects_makes_no_order_question():
    rows = [r for r in sourced("software_companies.toml") if r.question.relation == "founded"]
    assert len(rows) >= 3
    assert fact_kinds.fact_questions(rows[:2], ["order"]) == []
    assert len(fact_kinds.fact_questions(rows, ["order"])) == 1


@given(st.permutations(["A", "B", "C", "D", "E"]))
def test_order_credit_is_the_share_of_pairs_in_order(order):
    correct = ["A", "B", "C", "D", "E"]
    credit = fact_kinds.order_credit(order, correct)
    assert 0.0 <= credit <= 1.0
    assert (credit == 1.0) == (list(order) == correct)
    # the reverse order has exactly the other pairs
    assert fact_kinds.order_credit(list(reversed(order)), correct) == pytest.approx(1 - credit)


@given(st.integers(3, 5), st.data())
def test_a_swap_of_neighbours_loses_one_pair(n, data):
    correct = [f"item {i}" for i in range(n)]
    i = data.draw(st.integers(0, n - 2))
    swapped = list(correct)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    judged = fact_kinds.judge_order({"correct": correct, "answer": ""}, swapped)
    assert not judged.correct
    assert judged.credit == pytest.approx(1 - 1 / math.comb(n, 2))


@given(
    st.floats(1, 1e15),
    st.floats(-3, 3),
)
def test_estimate_credit_falls_with_the_factor_off(value, exponent):
    guess = value * 2**exponent
    credit = fact_kinds.estimate_credit(guess, value, "amount")
    assert 0.0 <= credit <= 1.0
    # a factor 2 off (either way) is half a point, a factor 4 off nothing
    assert credit == pytest.approx(max(0.0, 1 - abs(exponent) / 2), abs=1e-6)


@given(st.integers(1000, 2100), st.integers(-20, 20))
def test_year_credit_falls_by_a_tenth_a_year(year, off):
    payload = {"unit": "year", "value": float(year), "answer": str(year)}
    judged = fact_kinds.judge_estimate(payload, str(year + off))
    assert judged.correct == (off == 0)
    assert judged.credit == pytest.approx(1.0 if off == 0 else max(0.0, 1 - abs(off) / 10))


def test_a_guess_within_ten_percent_is_right_with_full_credit():
    payload = {"unit": "amount", "value": 1000.0, "answer": "$1,000"}
    assert fact_kinds.judge_estimate(payload, "1,090").credit == 1.0
    assert fact_kinds.judge_estimate(payload, "$1.1 thousand").correct
    near = fact_kinds.judge_estimate(payload, "2000")
    assert not near.correct and near.credit == pytest.approx(0.5)


@given(st.permutations(range(4)))
def test_the_places_chosen_read_back_as_that_order(places):
    items = ["w", "x", "y", "z"]
    sent = [f"{i}:{place + 1}" for i, place in enumerate(places)]
    order = read_order(items, sent)
    assert [order.index(item) for item in items] == list(places)


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (["0:1", "1:1", "2:3"], "same place"),
        (["0:1", "1:2"], "every item"),
        (["0:1", "1:2", "3:3"], "places shown"),  # no item 3
        (["0:1", "1:2", "-1:3"], "places shown"),
        (["0:1", "1:2", "2:4"], "places shown"),  # no place 4 of 3
        (["0:1", "1:2", "2:0"], "places shown"),
        (["0:1", "0:2", "1:3"], "places shown"),  # an item twice
        (["0:1", "1:2", "2:3", "0:1"], "places shown"),
        (["first", "1:2", "2:3"], "places shown"),
        (["0:1", "", "2:3"], "every item"),
        (["0:1", "1:2", "2:99999999999"], "places shown"),
        ([["0:1"], "1:2", "2:3"], "every item"),
    ],
)
def test_malformed_orders_are_refused(sent, message):
    with pytest.raises(ResponseRefused, match=message):
        read_order(["a", "b", "c"], sent)


def test_no_place_chosen_is_no_answer():
    assert read_order(["a", "b", "c"], ["", " ", ""]) is None
    assert read_order(["a", "b", "c"], []) is None


@pytest.mark.parametrize(
    "text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "9" * 41, "lots", "0x1F", "1e5"]
)
@pytest.mark.parametrize("unit", ["year", "amount"])
def test_what_is_not_a_number_is_refused(text, unit):
    with pytest.raises(ResponseRefused, match="Type a"):
        read_estimate(unit, text)


@pytest.mark.parametrize(
    ("unit", "text"),
    [("year", "1976"), ("amount", "2.5 billion"), ("amount", "$700"), ("amount", "1,500")],
)
def test_numbers_as_people_type_them_are_read(unit, text):
    assert read_estimate(unit, f"  {text} ") == text


def test_a_year_with_a_fraction_or_sign_is_refused():
    for text in ("1976.5", "-1976", "+1976", "١٩٧٦"):
        with pytest.raises(ResponseRefused):
            read_estimate("year", text)
    assert read_estimate("year", ["  "]) is None
    with pytest.raises(ResponseRefused):
        read_estimate("year", ["1976", "1977"])


@given(st.integers(0, 2**31))
def test_an_order_question_is_never_shown_in_its_right_order(seed):
    payload = {"kind": "order", "choices": ["a", "b", "c"], "correct": ["a", "b", "c"]}
    shown = quiz_domain.shuffle_choices(payload, random.Random(seed))
    assert shown["choices"] != payload["correct"]
    assert sorted(shown["choices"]) == payload["correct"]


def test_a_quiz_judges_every_order_of_three_by_pairs():
    payload = {"kind": "order", "correct": ["a", "b", "c"], "answer": "a → b → c"}
    credits = sorted(quiz_domain.judge_answer(payload, list(p)).credit for p in permutations("abc"))
    assert credits == pytest.approx([0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1])


def test_quiz_options_take_the_kinds_made_from_facts():
    options = quiz_domain.QuizOptions(kinds=("order", "estimate", "typed")).validated()
    assert options.kinds == ("typed", "estimate", "order")
    assert quiz_domain.input_kind({"kind": "estimate"}) == "estimate"
    assert quiz_domain.input_kind({"kind": "order", "choices": ["a"]}) == "order"
    view = quiz_domain.public_view(
        {"kind": "estimate", "prompt": "p", "choices": [], "value": 1976.0, "unit": "year"}
    )
    assert "value" not in view and view["unit"] == "year"
