"""Judging answers (quizapp.domain.grading) and reading amounts and dates (numbers)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain.facts import DateValue, Deck
from quizapp.domain.grading import judge, normalise
from quizapp.domain.numbers import (
    AMBIGUOUS_YEN,
    format_amount,
    format_money,
    parse_amount,
    parse_date,
)
from quizapp.domain.questions import Question, generate


def make_question(kind: str = "typed", answer_kind: str = "entity", **fields) -> Question:
    defaults = {
        "id": "0" * 12,
        "deck": "d",
        "fact_key": "f",
        "kind": kind,
        "prompt": "?",
        "answer": "Jiang Daxin",
        "accepted": ("Jiang Daxin", "Daxin Jiang", "姜大昕"),
        "choices": (),
        "correct": ("Jiang Daxin",),
        "subject": "stepfun",
        "relation": "founder",
        "evidence": "",
        "source": "",
        "answer_kind": answer_kind,
    }
    return Question(**(defaults | fields))


def typed(answer: str, accepted: tuple[str, ...], answer_kind: str) -> Question:
    return make_question(answer=answer, accepted=accepted, answer_kind=answer_kind)


# --- normalise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zhipu AI!", "zhipuai"),
        ("  Jiang   Daxin ", "jiangdaxin"),
        ("Beyoncé", "beyonce"),
        ("ZÜRICH", "zurich"),
        ("01.AI", "01ai"),
        ("Step-2", "step2"),
        ("阶跃星辰", "阶跃星辰"),
        ("ＡＢＣ", "abc"),
        ("が", "が"),
        ("C++", "c++"),
        ("Straße", "strasse"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --- typed entity and text answers ------------------------------------------------------------


JIANG = ("Jiang Daxin", "Daxin Jiang", "姜大昕")


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("Jiang Daxin", True),
        ("jiang daxin", True),
        ("JIANG-DAXIN.", True),
        ("Daxin Jiang", True),
        ("姜大昕", True),
        ("Jiang Daxn", True),  # one letter missing from a long name
        ("Jaing Daxin", True),
        ("Jiang", False),
        ("Yang Zhilin", False),
        ("", False),
        ("   ", False),
    ],
)
def test_typed_entity(response: str, correct: bool) -> None:
    judgement = judge(typed("Jiang Daxin", JIANG, "entity"), response)
    assert judgement.correct is correct
    assert judgement.credit == (1.0 if correct else 0.0)
    assert judgement.expected == "Jiang Daxin"


@pytest.mark.parametrize(
    ("response", "correct"), [("Kimi", True), ("kimi!", True), ("Kimu", False)]
)
def test_no_typos_forgiven_in_short_answers(response: str, correct: bool) -> None:
    assert judge(typed("Kimi", ("Kimi",), "entity"), response).correct is correct


def test_typed_text_accepts_aliases_and_ignores_case() -> None:
    question = typed("infrastructure", ("infrastructure", "AI infrastructure"), "text")
    assert judge(question, "AI Infrastructure").correct
    assert judge(question, "Infrastucture").correct  # long enough for a typo
    assert not judge(question, "research").correct


# --- numbers and money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response", ["4B", "4 billion", "4,000,000,000", "4 bn", "4000000000", "4 billion parameters"]
)
def test_number_scales_and_units_optional(response: str) -> None:
    question = typed("4 billion parameters", ("4 billion parameters",), "number")
    assert judge(question, response).correct


@pytest.mark.parametrize("response", ["4", "40 billion", "4 million", "4.1 billion", "four", "4B5"])
def test_number_must_be_exact(response: str) -> None:
    question = typed("4 billion parameters", ("4 billion parameters",), "number")
    assert not judge(question, response).correct


@pytest.mark.parametrize("response", ["1 trillion", "1T", "1000000000000", "over 1 trillion"])
def test_qualified_number(response: str) -> None:
    question = typed("over 1 trillion parameters", ("over 1 trillion parameters",), "number")
    assert judge(question, response).correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("$2 billion", True),
        ("2B", True),
        ("2 billion dollars", True),
        ("US$2bn", True),
        ("over $2 billion", True),
        ("2 billion USD", True),
        ("2", False),
        ("€2 billion", False),
        ("2 billion yuan", False),
        ("$20 billion", False),
    ],
)
def test_money(response: str, correct: bool) -> None:
    question = typed("over $2 billion", ("over $2 billion",), "money")
    assert judge(question, response).correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [("30%", True), ("30 percent", True), ("30", True), ("30 per cent", True), ("0.3", False)],
)
def test_percent(response: str, correct: bool) -> None:
    assert judge(typed("30%", ("30%",), "number"), response).correct is correct


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("April 2023", True),
        ("2023-04", True),
        ("Apr 2023", True),
        ("apr. 2023", True),
        ("4/2023", True),
        ("04/2023", True),
        ("2023/4", True),
        ("2023", False),
        ("April", False),
        ("May 2023", False),
        ("April 2022", False),
        ("2023-04-01", False),
    ],
)
def test_month_dates(response: str, correct: bool) -> None:
    question = typed("April 2023", ("April 2023", "2023-04"), "date")
    assert judge(question, response).correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("January 15, 2025", True),
        ("15 January 2025", True),
        ("2025-01-15", True),
        ("Jan 15th, 2025", True),
        ("January 2025", False),
        ("1/15/2025", False),
    ],
)
def test_day_dates(response: str, correct: bool) -> None:
    question = typed("January 15, 2025", ("January 15, 2025", "2025-01-15"), "date")
    assert judge(question, response).correct is correct


def test_year_dates_must_not_be_more_precise() -> None:
    question = typed("2023", ("2023",), "date")
    assert judge(question, "2023").correct
    assert not judge(question, "April 2023").correct
    assert not judge(question, "2024").correct


# --- choice questions -------------------------------------------------------------------------


def test_multiple_choice_compares_with_the_right_option() -> None:
    question = make_question(
        kind="multiple_choice",
        choices=("Jiang Daxin", "Yang Zhilin", "Yan Junjie", "Wang Xiaochuan"),
        correct=("Jiang Daxin",),
    )
    assert judge(question, "Jiang Daxin") == judge(question, "jiang daxin")
    assert judge(question, "Jiang Daxin").correct
    assert not judge(question, "Yang Zhilin").correct
    # typos are for typed answers: a choice is either the right one or not
    assert not judge(question, "Jiang Daxn").correct


@pytest.mark.parametrize(
    ("answer", "response", "correct"),
    [
        ("True", "True", True),
        ("True", "false", False),
        ("False", "False", True),
        ("False", "True", False),
    ],
)
def test_true_false(answer: str, response: str, correct: bool) -> None:
    question = make_question(
        kind="true_false",
        answer=answer,
        accepted=(answer,),
        choices=("True", "False"),
        correct=(answer,),
        answer_kind="boolean",
    )
    assert judge(question, response).correct is correct


SELECT = make_question(
    kind="multiple_select",
    answer="Stepfun, Zhipu, Moonshot",
    choices=("Stepfun", "Zhipu", "DeepSeek", "Moonshot", "ModelBest"),
    correct=("Stepfun", "Zhipu", "Moonshot"),
    accepted=("Stepfun", "Zhipu", "Moonshot"),
)


@pytest.mark.parametrize(
    ("picks", "correct", "credit"),
    [
        (["Stepfun", "Zhipu", "Moonshot"], True, 1.0),
        (["moonshot", "zhipu", "stepfun"], True, 1.0),
        (["Stepfun", "Zhipu"], False, 2 / 3),
        (["Stepfun", "Zhipu", "Moonshot", "DeepSeek"], False, 2 / 3),
        (["Stepfun", "DeepSeek"], False, 0.0),
        (["DeepSeek", "ModelBest"], False, 0.0),
        ([], False, 0.0),
        ("Stepfun", False, 1 / 3),
    ],
)
def test_multiple_select_partial_credit(picks, correct: bool, credit: float) -> None:
    judgement = judge(SELECT, picks)
    assert judgement.correct is correct
    assert judgement.credit == pytest.approx(credit)


def test_one_answer_kinds_reject_a_list() -> None:
    with pytest.raises(TypeError):
        judge(make_question(), ["Jiang Daxin"])


# --- every generated question accepts its own answer ------------------------------------------


def right_response(question: Question) -> str | tuple[str, ...]:
    return question.correct if question.kind == "multiple_select" else question.answer


def test_every_generated_question_accepts_its_answers(startups: Deck) -> None:
    for question in generate(startups).questions:
        assert judge(question, right_response(question)).correct, question
        typed_kind = question.kind in ("typed", "cloze", "reverse")
        for accepted in question.accepted if typed_kind else ():
            assert judge(question, accepted).correct, (question, accepted)


def test_no_generated_choice_question_accepts_a_distractor(startups: Deck) -> None:
    for question in generate(startups).questions:
        if question.kind in ("multiple_choice", "true_false", "reverse"):
            for option in set(question.choices) - set(question.correct):
                assert not judge(question, option).correct, (question, option)


# --- reading amounts and dates ----------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=10**15)
    | st.decimals(min_value=0, max_value=10**6, places=2).map(float)
)
def test_formatted_amounts_read_back(amount: float) -> None:
    parsed = parse_amount(format_amount(amount))
    assert parsed is not None
    assert parsed.amount == (Decimal(repr(amount)) if isinstance(amount, float) else amount)


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["USD", "EUR", "GBP", "CNY", "JPY", "DKK"]),
    st.booleans(),
)
def test_formatted_money_reads_back_with_its_currency(
    millions: int, currency: str, symbol: bool
) -> None:
    parsed = parse_amount(format_money(millions * 10**6, currency, "around", symbol=symbol))
    assert parsed is not None
    # "¥" is the yuan's sign and the yen's too: only the ISO form says which
    expected = AMBIGUOUS_YEN if symbol and currency == "CNY" else currency
    assert (parsed.amount, parsed.currency, parsed.qualifier) == (
        millions * 10**6,
        expected,
        "around",
    )


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_formatted_dates_read_back(day: datetime.date) -> None:
    for value in (
        DateValue(day.year),
        DateValue(day.year, day.month),
        DateValue(day.year, day.month, day.day),
    ):
        assert parse_date(value.display) == (value.year, value.month, value.day)
        assert parse_date(value.iso) == (value.year, value.month, value.day)
